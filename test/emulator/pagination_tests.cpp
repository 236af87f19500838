// §3: LimitOffsetPagination, every row of the table and the link-building rules.
#include "fixture.hpp"

namespace {

emu::server_options http_options() {
    auto o = test_options();
    o.https = false;
    return o;
}

struct paged_fixture : hub_fixture {
    std::vector<std::string> tokens;
    paged_fixture() : hub_fixture(http_options()) { tokens = hub.seed_tokens("sam", 3); }
    boost::json::object page(const std::string& query, rawhttp::header_list extra = {}) {
        extra.emplace_back("Host", "h");
        extra.emplace_back("Authorization", "Token " + tokens[0]);
        auto r = get("/api/tokens/" + query, extra);
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        return json_object(r);
    }
    static std::string link(const boost::json::value& v) { return v.is_null() ? "null" : str(v); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pagination, paged_fixture)

BOOST_AUTO_TEST_CASE(table_rows_with_count_3) {
    struct row { std::string query, next, previous; std::size_t results; };
    const row rows[] = {
        {"?limit=1", "http://h/api/tokens/?limit=1&offset=1", "null", 1},
        {"?limit=1&offset=1", "http://h/api/tokens/?limit=1&offset=2", "http://h/api/tokens/?limit=1", 1},
        {"?offset=2&limit=1", "null", "http://h/api/tokens/?limit=1&offset=1", 1},
        {"", "null", "null", 3},
        {"?limit=0&offset=-4", "null", "null", 3},
        {"?limit=2&offset=10", "null", "http://h/api/tokens/?limit=2&offset=8", 0},
        {"?offset=3", "null", "http://h/api/tokens/?limit=50", 0},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT(r.query) {
            auto o = page(r.query);
            BOOST_TEST(o["count"].as_int64() == 3);
            BOOST_TEST(link(o["next"]) == r.next);
            BOOST_TEST(link(o["previous"]) == r.previous);
            BOOST_TEST(o["results"].as_array().size() == r.results);
        }
    }
}

BOOST_AUTO_TEST_CASE(invalid_limits_become_50_and_invalid_offsets_become_0) {
    for (std::string q : {"?limit=0", "?limit=-1", "?limit=abc", "?limit=1.5", "?limit="}) {
        BOOST_TEST_CONTEXT(q) {
            auto o = page(q + "&offset=1");
            BOOST_TEST(link(o["previous"]) == "http://h/api/tokens/?limit=50");
        }
    }
    for (std::string q : {"?offset=-3", "?offset=abc"}) {
        auto o = page(q + "&limit=1");
        BOOST_TEST(link(o["previous"]) == "null");
        BOOST_TEST(link(o["next"]) == "http://h/api/tokens/?limit=1&offset=1");
    }
    BOOST_TEST(link(page("?limit=%2B1")["next"]) == "http://h/api/tokens/?limit=1&offset=1");
}

BOOST_AUTO_TEST_CASE(default_limit_is_50) {
    hub.seed_tokens("sam", 60);
    auto o = page("");
    BOOST_TEST(o["count"].as_int64() == 63);
    BOOST_TEST(o["results"].as_array().size() == 50u);
    BOOST_TEST(link(o["next"]) == "http://h/api/tokens/?limit=50&offset=50");
}

BOOST_AUTO_TEST_CASE(repeated_parameters_last_one_wins) {
    auto o = page("?limit=5&limit=1&offset=9&offset=1");
    BOOST_TEST(o["results"].as_array().size() == 1u);
    BOOST_TEST(link(o["next"]) == "http://h/api/tokens/?limit=1&offset=2");
}

BOOST_AUTO_TEST_CASE(other_parameters_are_kept_sorted_and_quote_plus_encoded) {
    auto o = page("?offset=1&zeta=1&limit=1&foo=bar%20baz&empty=&a=x&a=y");
    BOOST_TEST(link(o["next"]) == "http://h/api/tokens/?a=x&a=y&empty=&foo=bar+baz&limit=1&offset=2&zeta=1");
    BOOST_TEST(link(o["previous"]) == "http://h/api/tokens/?a=x&a=y&empty=&foo=bar+baz&limit=1&zeta=1");
}

BOOST_AUTO_TEST_CASE(links_echo_host_and_path_as_sent) {
    auto r = get("/api/tokens?limit=1", {{"Host", "localhost:8743"}, {"Authorization", "Token " + tokens[0]}});
    BOOST_TEST(link(json_object(r)["next"]) == "http://localhost:8743/api/tokens?limit=1&offset=1");
}

BOOST_AUTO_TEST_CASE(forwarded_proto_https_makes_https_links) {
    auto o = page("?limit=1", {{"X-Forwarded-Proto", "https"}});
    BOOST_TEST(link(o["next"]) == "https://h/api/tokens/?limit=1&offset=1");
}

BOOST_AUTO_TEST_CASE(count_is_the_total_whatever_the_offset) {
    auto o = page("?offset=1000");
    BOOST_TEST(o["count"].as_int64() == 3);
    BOOST_TEST(o["results"].as_array().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(https_listener_makes_https_links) {
    hub_fixture f;
    auto t = f.create_token();
    f.create_token();
    auto r = f.get("/api/tokens/?limit=1", {{"Host", "localhost:1"}, {"Authorization", "Token " + t}});
    BOOST_TEST(str(json_object(r)["next"]) == "https://localhost:1/api/tokens/?limit=1&offset=1");
}
