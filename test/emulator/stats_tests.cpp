// The counters for users testing their own code: answers by route and status, faults applied,
// in-process and at GET /_emulator/stats (which the Hub does not have, so it is off by default).
#include "fixture.hpp"

using kind = emu::fault::kind;

namespace {

std::uint64_t count_of(const emu::server_stats& s, std::string_view method, std::string_view route, unsigned status) {
    for (const auto& r : s.responses)
        if (r.method == method && r.route == route && r.status == status) return r.count;
    return 0;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(stats, hub_fixture)

BOOST_AUTO_TEST_CASE(answers_are_counted_by_method_route_and_status) {
    auto t = create_token();
    get("/api/tokens/" + t + "/");
    get("/api/tokens/" + t);
    get("/api/tokens/");
    send("DELETE", "/api/tokens/" + t + "/");
    get("/api/tokens/abc.def");
    send("BREW", "/api/tokens/");
    auto s = hub.stats();
    BOOST_TEST(count_of(s, "POST", "/api/tokens/", 201) == 1u);
    BOOST_TEST(count_of(s, "GET", "/api/tokens/{token}/", 200) == 2u);
    BOOST_TEST(count_of(s, "GET", "/api/tokens/", 403) == 1u);
    BOOST_TEST(count_of(s, "DELETE", "/api/tokens/{token}/", 204) == 1u);
    BOOST_TEST(count_of(s, "GET", "unrouted", 404) == 1u);
    BOOST_TEST(count_of(s, "other", "/api/tokens/", 405) == 1u);
    BOOST_TEST(s.responses.size() == 6u);
    BOOST_TEST(s.requests == 7u);
    BOOST_TEST(s.faults_fired.empty());
    // Sorted by route, then method, then status.
    BOOST_TEST(s.responses.front().route == "/api/tokens/");
    BOOST_TEST(s.responses.back().route == "unrouted");
}

BOOST_AUTO_TEST_CASE(faults_are_counted_by_kind_and_their_answers_by_status) {
    hub.inject({.what = kind::status, .times = 2, .status = 503});
    hub.inject({.what = kind::close_before_response, .method = "DELETE"});
    get("/api/tokens/x");
    get("/api/tokens/x");
    BOOST_CHECK_THROW(send("DELETE", "/api/tokens/x"), std::exception);
    get("/api/tokens/x");
    auto s = hub.stats();
    BOOST_REQUIRE_EQUAL(s.faults_fired.size(), 2u);
    BOOST_TEST((s.faults_fired[0].what == kind::status));
    BOOST_TEST(s.faults_fired[0].count == 2u);
    BOOST_TEST((s.faults_fired[1].what == kind::close_before_response));
    BOOST_TEST(s.faults_fired[1].count == 1u);
    BOOST_TEST(count_of(s, "GET", "/api/tokens/{token}/", 503) == 2u);
    BOOST_TEST(count_of(s, "GET", "/api/tokens/{token}/", 404) == 1u);
    BOOST_TEST(count_of(s, "DELETE", "/api/tokens/{token}/", 404) == 0u);  // closed before any answer
}

BOOST_AUTO_TEST_CASE(to_json_writes_every_counter) {
    emu::server_stats s{.connections_accepted = 3, .requests = 4, .connections_open = 1,
                        .responses = {{"GET", "/api/tokens/{token}/", 200, 2}, {"other", "unrouted", 400, 1}},
                        .faults_fired = {{kind::reset_mid_body, 5}}};
    BOOST_TEST(emu::to_json(s) ==
               R"({"connections_accepted":3,"requests":4,"connections_open":1,"responses":[)"
               R"({"method":"GET","route":"/api/tokens/{token}/","status":200,"count":2},)"
               R"({"method":"other","route":"unrouted","status":400,"count":1}],)"
               R"("faults_fired":[{"kind":"reset-mid-body","count":5}]})");
    BOOST_TEST(emu::to_json({}) == R"({"connections_accepted":0,"requests":0,"connections_open":0,"responses":[],"faults_fired":[]})");
}

BOOST_AUTO_TEST_CASE(the_stats_endpoint_is_off_by_default_like_the_hub) {
    auto r = get("/_emulator/stats");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.header("Content-Type") == "text/html");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_stats_endpoint_serves_the_counters_without_counting_itself_or_taking_faults) {
    auto o = test_options();
    o.stats_endpoint = true;
    hub_fixture f(o);
    f.hub.inject({.what = emu::fault::kind::status, .times = 0, .status = 503});
    BOOST_TEST(f.get("/api/tokens/x").status == 503u);
    auto r = f.get("/_emulator/stats");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.header("Content-Type") == "application/json");
    BOOST_TEST(!r.has("Set-Cookie"));
    auto o2 = json_object(r);
    BOOST_TEST(o2["requests"].as_int64() == 2);
    auto& responses = o2["responses"].as_array();
    BOOST_REQUIRE_EQUAL(responses.size(), 1u);
    BOOST_TEST(responses[0].as_object().at("status").as_int64() == 503);
    BOOST_TEST(count_of(f.hub.stats(), "GET", "unrouted", 200) == 0u);  // the endpoint's own answers are not counted
    BOOST_TEST(f.hub.stats().requests == 2u);                            // but its requests are
}
