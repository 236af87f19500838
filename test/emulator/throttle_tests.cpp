// DRF 3.12.4 AnonRateThrottle and UserRateThrottle as the Hub runs them (hub-tokens-api.md §6;
// transcript §9). The emulator's clock drives the windows, so no test sleeps.
#include "fixture.hpp"

using namespace std::chrono_literals;

namespace {

emu::server_options throttled(emu::throttle_options t) {
    auto o = test_options();
    o.throttle = t;
    o.manual_clock = true;  // the windows' arithmetic is exact however slow the machine
    return o;
}

const std::string throttled_60 = R"({"message":"Request was throttled. Expected available in 60 seconds."})";

}  // namespace

BOOST_AUTO_TEST_CASE(throttling_is_off_by_default) {
    hub_fixture f;
    for (int i = 0; i < 200; ++i) BOOST_REQUIRE_EQUAL(f.get("/api/tokens/x").status, 404u);
}

BOOST_AUTO_TEST_CASE(anonymous_requests_beyond_the_rate_get_429_without_retry_after) {
    hub_fixture f(throttled({.anon = {3, 60s}}));
    for (int i = 0; i < 3; ++i) BOOST_TEST(f.get("/api/tokens/x").status == 404u);
    auto r = f.get("/api/tokens/x");
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.reason == "Too Many Requests");
    BOOST_TEST(r.body == throttled_60);
    BOOST_TEST(!r.has("Retry-After"));
    BOOST_TEST(r.header("Allow") == "GET, DELETE, HEAD, OPTIONS");
    BOOST_TEST(r.header("Content-Type") == "application/json");
    // A password in the body does not make the request authenticated: still anonymous, still refused.
    auto create = f.post_json(R"({"username":"sam","password":"sam"})");
    BOOST_TEST(create.status == 429u);
    BOOST_TEST(create.body == throttled_60);
    BOOST_TEST(f.hub.token_count() == 0u);
}

BOOST_AUTO_TEST_CASE(the_wait_is_what_is_left_of_the_oldest_requests_window_rounded_up) {
    hub_fixture f(throttled({.anon = {2, 60s}}));
    f.get("/api/tokens/x");
    f.hub.advance_clock(20s);
    f.get("/api/tokens/x");
    f.hub.advance_clock(30s + 500ms);  // the oldest is 50.5 s old: 9.5 s left
    BOOST_TEST(f.get("/api/tokens/x").body == R"({"message":"Request was throttled. Expected available in 10 seconds."})");
    f.hub.advance_clock(8s + 600ms);  // 0.9 s left
    BOOST_TEST(f.get("/api/tokens/x").body == R"({"message":"Request was throttled. Expected available in 1 second."})");
    f.hub.advance_clock(1s);  // the oldest has left the window: one more is allowed
    BOOST_TEST(f.get("/api/tokens/x").status == 404u);
    // Now the requests at 20 s and at 60.1 s are in the window; the one at 20 s leaves it at 80 s.
    BOOST_TEST(f.get("/api/tokens/x").body == R"({"message":"Request was throttled. Expected available in 20 seconds."})");
}

BOOST_AUTO_TEST_CASE(refused_requests_are_not_recorded) {
    hub_fixture f(throttled({.anon = {1, 10s}}));
    f.get("/api/tokens/x");
    for (int i = 0; i < 5; ++i) {
        f.hub.advance_clock(1s);
        BOOST_TEST(f.get("/api/tokens/x").status == 429u);
    }
    f.hub.advance_clock(5s);  // 10 s after the only recorded request
    BOOST_TEST(f.get("/api/tokens/x").status == 404u);
}

BOOST_AUTO_TEST_CASE(users_are_counted_separately_and_not_by_the_anonymous_throttle) {
    hub_fixture f(throttled({.anon = {1, 1h}, .user = {2, 1h}}));
    auto sam = f.create_token("sam");  // the create itself is the one anonymous request allowed
    auto other = f.hub.seed_tokens("a-user", 1)[0];
    BOOST_TEST(f.get("/api/tokens/", f.token_auth(sam)).status == 200u);
    BOOST_TEST(f.get("/api/tokens/", f.token_auth(sam)).status == 200u);
    auto third = f.get("/api/tokens/", f.token_auth(sam));
    BOOST_TEST(third.status == 429u);
    BOOST_TEST(third.body == R"({"message":"Request was throttled. Expected available in 3600 seconds."})");
    BOOST_TEST(f.get("/api/tokens/", f.token_auth(other)).status == 200u);
    BOOST_TEST(f.get("/api/tokens/x").status == 429u);  // anonymous: its own window is spent
}

BOOST_AUTO_TEST_CASE(anonymous_requests_also_count_against_the_user_throttle_by_ip_and_the_longer_wait_wins) {
    // Both throttles run for an anonymous request (UserRateThrottle keys it by IP) and DRF reports
    // the longest of the waits.
    hub_fixture f(throttled({.anon = {2, 60s}, .user = {3, 1h}}));
    f.get("/api/tokens/x");
    f.get("/api/tokens/x");
    BOOST_TEST(f.get("/api/tokens/x").body == throttled_60);  // anon refuses, user records it (3rd)
    BOOST_TEST(f.get("/api/tokens/x").body == R"({"message":"Request was throttled. Expected available in 3600 seconds."})");
}

BOOST_AUTO_TEST_CASE(anonymous_clients_are_told_apart_by_x_forwarded_for_without_whitespace) {
    hub_fixture f(throttled({.anon = {1, 60s}}));
    BOOST_TEST(f.get("/api/tokens/x", {{"X-Forwarded-For", "10.0.0.1, 10.0.0.2"}}).status == 404u);
    BOOST_TEST(f.get("/api/tokens/x", {{"X-Forwarded-For", "10.0.0.1,10.0.0.2"}}).status == 429u);  // same ident
    BOOST_TEST(f.get("/api/tokens/x", {{"X-Forwarded-For", "10.0.0.3"}}).status == 404u);
    BOOST_TEST(f.get("/api/tokens/x").status == 404u);  // the peer address 127.0.0.1
    BOOST_TEST(f.get("/api/tokens/x", {{"X-Forwarded-For", "127.0.0.1"}}).status == 429u);
}

BOOST_AUTO_TEST_CASE(throttling_comes_after_authentication_permissions_and_negotiation_and_before_the_method) {
    hub_fixture f(throttled({.anon = {1, 60s}}));
    BOOST_TEST(f.get("/api/tokens/").status == 403u);  // permission refused: not counted
    BOOST_TEST(f.get("/api/tokens/x", f.token_auth(std::string(64, 'a'))).status == 403u);  // bad token: not counted
    BOOST_TEST(f.get("/api/tokens/x", {{"Accept", "text/html"}}).status == 406u);  // not counted
    BOOST_TEST(f.get("/api/tokens/abc.def").status == 404u);  // Django's 404 page: no view, no throttle
    BOOST_TEST(f.send("PUT", "/api/tokens/").status == 405u);  // counted
    BOOST_TEST(f.send("PUT", "/api/tokens/").status == 429u);  // throttled before its method is refused
    BOOST_TEST(f.send("OPTIONS", "/api/tokens/").status == 429u);
    BOOST_TEST(f.post_json("{bad").status == 429u);  // before the body is parsed
}

BOOST_AUTO_TEST_CASE(a_zero_rate_refuses_everything_with_the_whole_period) {
    hub_fixture f(throttled({.anon = {0, 1s}}));
    BOOST_TEST(f.get("/api/tokens/x").body == R"({"message":"Request was throttled. Expected available in 1 second."})");
}

BOOST_AUTO_TEST_CASE(parse_throttle_reads_rates_as_drf_does) {
    auto t = emu::parse_throttle("anon=3/minute,user=5000/hour");
    BOOST_TEST(t.anon.requests == 3u);
    BOOST_TEST(t.anon.period.count() == 60);
    BOOST_TEST(t.user.requests == 5000u);
    BOOST_TEST(t.user.period.count() == 3600);
    auto first_letter = emu::parse_throttle("user=1/dozen,anon= 1_0 /sec");  // only `d` and `s` count; int() rules
    BOOST_TEST(first_letter.user.period.count() == 86400);
    BOOST_TEST(first_letter.anon.requests == 10u);
    BOOST_TEST(first_letter.anon.period.count() == 1);
    BOOST_TEST(emu::parse_throttle("user=7/m").anon.period.count() == 0);  // the other one stays off
    for (std::string bad : {"", "anon", "anon=3", "anon=3/", "anon=3/x", "anon=3/Minute", "anon=a/m", "anon=-1/m",
                            "anon=1/m/s", "guest=1/m", "anon=1/m,"}) {
        BOOST_TEST_CONTEXT(bad) { BOOST_CHECK_THROW(emu::parse_throttle(bad), std::invalid_argument); }
    }
}

// The Hub's production budgets (`throttle_options::hub()`, `--throttle hub`): what a service
// that verifies its callers' tokens can spend, and how the counters prove what it spent.
BOOST_AUTO_TEST_CASE(the_hub_preset_is_the_hubs_rates) {
    auto h = emu::throttle_options::hub();
    BOOST_TEST(h.anon.requests == 100u);
    BOOST_TEST(h.anon.period.count() == 3600);
    BOOST_TEST(h.user.requests == 5000u);
    BOOST_TEST(h.user.period.count() == 3600);
    auto parsed = emu::parse_throttle("hub");
    BOOST_TEST(parsed.anon.requests == 100u);
    BOOST_TEST(parsed.user.requests == 5000u);
    BOOST_TEST(parsed.user.period.count() == 3600);
    BOOST_CHECK_THROW(emu::parse_throttle("hub,anon=1/m"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(at_the_hub_rates_the_101st_anonymous_read_in_an_hour_from_one_address_is_429) {
    hub_fixture f(throttled(emu::throttle_options::hub()));
    auto t = f.hub.seed_tokens("a-user", 1)[0];
    for (int i = 0; i < 100; ++i) {
        if (i > 0) f.hub.advance_clock(30s);  // 100 reads over 49.5 minutes
        BOOST_TEST_REQUIRE(f.get("/api/tokens/" + t + "/").status == 200u, "read " << i + 1);
    }
    f.hub.advance_clock(30s + 500ms);
    auto r = f.get("/api/tokens/" + t + "/");
    BOOST_TEST(r.status == 429u);
    // The first read leaves the window at 60 minutes: 599.5 s from now, rounded up.
    BOOST_TEST(r.body == R"({"message":"Request was throttled. Expected available in 600 seconds."})");
    // Another address has a budget of its own (X-Forwarded-For, as DRF's get_ident reads it).
    BOOST_TEST(f.get("/api/tokens/" + t + "/", {{"X-Forwarded-For", "10.0.0.7"}}).status == 200u);
    f.hub.advance_clock(600s);
    BOOST_TEST(f.get("/api/tokens/" + t + "/").status == 200u);
    // The counters prove it: 102 reads of the token answered 200 from this address and one
    // from the other, one answered 429.
    auto s = f.hub.stats();
    BOOST_TEST(s.count("GET", "/api/tokens/{token}/", 200) == 102u);
    BOOST_TEST(s.count("GET", "/api/tokens/{token}/", 429) == 1u);
    BOOST_TEST(s.count("GET", "/api/tokens/{token}/") == 103u);
}

BOOST_AUTO_TEST_CASE(at_the_hub_rates_a_users_reads_count_against_5000_apart_from_anonymous_ones) {
    hub_fixture f(throttled(emu::throttle_options::hub()));
    auto tokens = f.hub.seed_tokens("a-user", 2);
    f.hub.add_user({.username = "another-user", .password = "another-user"});
    auto other = f.hub.seed_tokens("another-user", 1)[0];
    auto path = "/api/tokens/" + tokens[1] + "/";
    // One keep-alive connection: 5000 TLS handshakes would cost the suite half a minute. The
    // budget is the user's, however the reads arrive.
    rawhttp::connection c(f.ep);
    for (int i = 0; i < 5000; ++i)
        BOOST_TEST_REQUIRE(c.send({.target = path, .headers = f.token_auth(tokens[0])}).status == 200u,
                           "read " << i + 1);
    auto r = f.get(path, f.token_auth(tokens[0]));
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.body == R"({"message":"Request was throttled. Expected available in 3600 seconds."})");
    // The user's budget is the user's: another token of the same user is refused too...
    BOOST_TEST(f.get(path, f.token_auth(tokens[1])).status == 429u);
    // ...another user has a budget of their own, and so have anonymous reads from this address.
    BOOST_TEST(f.get(path, f.token_auth(other)).status == 200u);
    BOOST_TEST(f.get(path).status == 200u);
    auto s = f.hub.stats();
    BOOST_TEST(s.count("GET", "/api/tokens/{token}/", 200) == 5002u);
    BOOST_TEST(s.count("GET", "/api/tokens/{token}/", 429) == 2u);
}
