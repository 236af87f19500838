// The headers the Hub's Django middleware puts on every answer, in gunicorn's order, and the
// anonymous signed-cookie session (hub-wire-transcript.md §1-§9; hub-tokens-api.md §6).
#include "fixture.hpp"

#include <regex>

using namespace std::chrono_literals;

namespace {

std::vector<std::string> names(const rawhttp::response& r) {
    std::vector<std::string> out;
    for (const auto& [name, value] : r.headers) out.push_back(name);
    return out;
}

std::string base64url_decode(std::string_view in) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        buffer = (buffer << 6) | static_cast<unsigned>(alphabet.find(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

/// "sessionid=<value>" of a Set-Cookie header.
std::string cookie_pair(const rawhttp::response& r) {
    auto v = r.header("Set-Cookie");
    return v.substr(0, v.find(';'));
}

const std::regex set_cookie_re(
    R"(sessionid=([A-Za-z0-9_-]+):([0-9A-Za-z]+):([A-Za-z0-9_-]{43}); expires=(\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT); HttpOnly; Max-Age=31536000; Path=/; SameSite=None; Secure)");

const std::vector<std::string> json_order{"Server", "Date", "Connection", "Content-Type", "Allow", "X-Frame-Options",
                                          "Content-Length", "Vary", "X-Content-Type-Options", "Referrer-Policy",
                                          "Set-Cookie"};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(hub_headers, hub_fixture)

BOOST_AUTO_TEST_CASE(json_answers_carry_the_middleware_headers_in_gunicorns_order) {
    auto t = create_token();
    for (const auto& r : {get("/api/tokens/" + t + "/"), get("/api/tokens/"), post_json("{"), send("PUT", "/api/tokens/"),
                          get("/api/tokens/x", {{"Accept", "text/html"}}), send("OPTIONS", "/api/tokens/")}) {
        BOOST_TEST(names(r) == json_order, boost::test_tools::per_element());
        BOOST_TEST(r.header("X-Frame-Options") == "DENY");
        BOOST_TEST(r.header("Vary") == "Cookie, Origin");
        BOOST_TEST(r.header("X-Content-Type-Options") == "nosniff");
        BOOST_TEST(r.header("Referrer-Policy") == "same-origin");
    }
}

BOOST_AUTO_TEST_CASE(no_content_and_html_not_found_carry_them_too) {
    auto t = create_token();
    auto d = send("DELETE", "/api/tokens/" + t + "/");
    BOOST_TEST(d.status == 204u);
    const std::vector<std::string> no_content{"Server", "Date", "Connection", "Allow", "X-Frame-Options", "Content-Length",
                                              "Vary", "X-Content-Type-Options", "Referrer-Policy", "Set-Cookie"};
    BOOST_TEST(names(d) == no_content, boost::test_tools::per_element());
    BOOST_TEST(d.header("Content-Length") == "0");
    auto html = get("/api/tokens/abc.def");
    const std::vector<std::string> page{"Server", "Date", "Connection", "Content-Type", "X-Frame-Options", "Content-Length",
                                        "Vary", "X-Content-Type-Options", "Referrer-Policy", "Set-Cookie"};
    BOOST_TEST(names(html) == page, boost::test_tools::per_element());
    auto head = send("HEAD", "/api/tokens/");
    BOOST_TEST(head.has("Set-Cookie"));
}

BOOST_AUTO_TEST_CASE(the_session_cookie_is_a_django_signed_anonymous_session) {
    auto before = std::chrono::duration_cast<std::chrono::seconds>(hub.now().time_since_epoch()).count();
    auto r = get("/api/tokens/x");
    std::smatch m;
    std::string value = r.header("Set-Cookie");
    BOOST_REQUIRE(std::regex_match(value, m, set_cookie_re));
    auto payload = boost::json::parse(base64url_decode(m[1].str())).as_object();
    BOOST_TEST(payload.size() == 1u);
    auto& user = payload.at("user").as_object();
    BOOST_TEST(user.at("anon").as_bool());
    std::string id = str(user.at("id"));
    BOOST_TEST(id.size() == 32u);
    BOOST_TEST(id.find_first_not_of("23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") == std::string::npos);
    double time = user.at("time").to_number<double>();
    BOOST_TEST(time >= static_cast<double>(before));
    BOOST_TEST(time < static_cast<double>(before) + 60);
    // The base-62 timestamp is int(time); expires is a year (365 days) after it.
    std::int64_t stamp = 0;
    for (char c : m[2].str()) {
        std::string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        stamp = stamp * 62 + static_cast<std::int64_t>(digits.find(c));
    }
    BOOST_TEST(stamp == static_cast<std::int64_t>(time));
    std::time_t expires = static_cast<std::time_t>(stamp + 31536000);
    std::tm tm{};
    gmtime_r(&expires, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    BOOST_TEST(m[4].str() == buf);
    BOOST_TEST(cookie_pair(get("/api/tokens/x")) != cookie_pair(r));  // a new session per visitor
}

BOOST_AUTO_TEST_CASE(a_session_cookie_sent_back_gets_no_new_one_unless_forged_foreign_or_a_year_old) {
    auto pair = cookie_pair(get("/api/tokens/x"));
    auto back = get("/api/tokens/x", {{"Cookie", "csrftoken=abc; " + pair + " ;other=1"}});
    BOOST_TEST(!back.has("Set-Cookie"));
    BOOST_TEST(back.header("Vary") == "Cookie, Origin");
    std::string forged = pair;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    BOOST_TEST(get("/api/tokens/x", {{"Cookie", forged}}).has("Set-Cookie"));
    emu::server other{test_options()};
    rawhttp::endpoint other_ep = ep;
    other_ep.port = other.port();
    other_ep.ca_pem = other.ca_pem();
    auto foreign = rawhttp::fetch(other_ep, {.method = "GET", .target = "/api/tokens/x"});
    BOOST_TEST(get("/api/tokens/x", {{"Cookie", cookie_pair(foreign)}}).has("Set-Cookie"));
    hub.advance_clock(24h * 365 + 1s);
    BOOST_TEST(get("/api/tokens/x", {{"Cookie", pair}}).has("Set-Cookie"));
}

BOOST_AUTO_TEST_CASE(fault_answers_and_unparseable_requests_do_not_carry_them) {
    hub.inject({.what = emu::fault::kind::status, .status = 503});
    auto r = get("/api/tokens/x");
    BOOST_TEST(r.status == 503u);
    BOOST_TEST(!r.has("Set-Cookie"));
    BOOST_TEST(!r.has("Vary"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(hub_headers_off_sends_none_of_them) {
    auto o = test_options();
    o.hub_headers = false;
    hub_fixture f(o);
    auto t = f.create_token();
    for (const auto& r : {f.get("/api/tokens/" + t + "/"), f.get("/api/tokens/abc.def"), f.send("DELETE", "/api/tokens/" + t)}) {
        for (const char* name : {"X-Frame-Options", "Vary", "X-Content-Type-Options", "Referrer-Policy", "Set-Cookie"})
            BOOST_TEST(!r.has(name));
    }
}
