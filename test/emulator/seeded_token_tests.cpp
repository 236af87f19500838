// Tokens seeded at chosen times, rendered as the Hub renders them, and knox's behaviour around
// expired and never-expiring tokens (hub-tokens-api.md §2.2-§2.4, §5; transcript §4.4-§4.8, §4.14).
#include "fixture.hpp"

using namespace std::chrono_literals;

namespace {

emu::time_point at(std::string_view rfc3339) { return emu::parse_time(rfc3339); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(seeded_tokens, hub_fixture)

BOOST_AUTO_TEST_CASE(seeded_times_render_with_six_digits_or_no_fraction_when_microseconds_are_zero) {
    auto key = hub.seed_token("sam", at("2026-12-01T08:32:13Z"), at("2099-12-08T08:32:13.000250Z"));
    auto past = hub.seed_token("sam", at("2020-01-01T00:00:00.5Z"), at("2020-01-08T00:00:00Z"));
    BOOST_TEST(hub.token_count() == 2u);
    auto list = get("/api/tokens/", token_auth(key));
    BOOST_TEST(list.body.find(R"("created":"2026-12-01T08:32:13Z","expiry":"2099-12-08T08:32:13.000250Z")") != std::string::npos);
    // Authenticating with `key` deleted the expired one (knox's cleanup of the user's expired tokens).
    BOOST_TEST(json_object(list)["count"].as_int64() == 1);
    BOOST_TEST(hub.token_count() == 1u);
    BOOST_TEST(get("/api/tokens/" + past + "/").status == 404u);
}

BOOST_AUTO_TEST_CASE(offsets_are_converted_to_utc_and_zero_microseconds_drop_the_fraction) {
    auto t = hub.seed_token("sam", at("2026-12-01T09:32:13.000000+01:00"), at("2099-12-08T03:02:13.123456-05:30"));
    auto r = get("/api/tokens/", token_auth(t));
    BOOST_TEST(r.body.find(R"("created":"2026-12-01T08:32:13Z","expiry":"2099-12-08T08:32:13.123456Z")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(list_is_in_ascending_created_order_whatever_the_seeding_order) {
    auto expiry = hub.now() + 24h;
    auto late = hub.seed_token("sam", at("2026-06-01T00:00:00Z"), expiry);
    auto early = hub.seed_token("sam", at("2026-01-01T00:00:00Z"), expiry);
    auto same_as_late = hub.seed_token("sam", at("2026-06-01T00:00:00Z"), expiry);
    auto page = json_object(get("/api/tokens/", token_auth(late)));
    auto& results = page["results"].as_array();
    BOOST_REQUIRE_EQUAL(results.size(), 3u);
    BOOST_TEST(str(results[0].at("id")) == early.substr(0, 8));
    BOOST_TEST(str(results[1].at("id")) == late.substr(0, 8));
    BOOST_TEST(str(results[2].at("id")) == same_as_late.substr(0, 8));  // equal times keep insertion order
}

BOOST_AUTO_TEST_CASE(expired_token_as_api_key_is_403_invalid_token_and_is_deleted) {
    auto expired = hub.seed_token("sam", hub.now() - 8 * 24h, hub.now() - 24h);
    BOOST_TEST(hub.token_count() == 1u);
    for (std::string target : {"/api/tokens/", "/api/tokens/x/"}) {
        auto r = get(target, token_auth(expired));
        BOOST_TEST(r.status == 403u);
        BOOST_TEST(r.body == R"({"message":"Invalid token."})");
    }
    BOOST_TEST(hub.token_count() == 0u);
}

BOOST_AUTO_TEST_CASE(authenticating_with_a_valid_token_deletes_only_that_users_expired_tokens) {
    auto now = hub.now();
    hub.seed_token("sam", now - 30 * 24h, now - 23 * 24h);
    hub.seed_token("sam", now - 9 * 24h, now - 2 * 24h);
    auto sam_valid = hub.seed_token("sam", now - 1h, now + 6 * 24h);
    auto other_expired = hub.seed_token("a-user", now - 9 * 24h, now - 2 * 24h);
    BOOST_TEST(hub.token_count() == 4u);
    auto l = json_object(get("/api/tokens/", token_auth(sam_valid)));
    BOOST_TEST(l["count"].as_int64() == 1);
    BOOST_TEST(hub.token_count() == 2u);  // a-user's expired token stays
    BOOST_TEST(get("/api/tokens/" + other_expired + "/").status == 404u);
}

BOOST_AUTO_TEST_CASE(read_and_delete_of_an_expired_token_are_404_and_do_not_delete_it) {
    auto expired = hub.seed_token("sam", hub.now() - 8 * 24h, hub.now() - 1s);
    auto r = get("/api/tokens/" + expired + "/");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.body == R"({"message":"Not found."})");
    BOOST_TEST(send("DELETE", "/api/tokens/" + expired + "/").status == 404u);
    BOOST_TEST(hub.token_count() == 1u);
}

BOOST_AUTO_TEST_CASE(read_of_a_token_with_a_far_expiry_returns_now_plus_seven_days_and_keeps_the_stored_one) {
    auto t = hub.seed_token("sam", at("2026-01-01T00:00:00Z"), at("2099-01-01T00:00:00Z"));
    auto read = json_object(get("/api/tokens/" + t + "/"));
    BOOST_TEST(str(read["expiry"]).substr(0, 4) != "2099");  // knox renews to now + TTL in memory...
    auto listed = get("/api/tokens/", token_auth(t));
    BOOST_TEST(listed.body.find(R"("expiry":"2099-01-01T00:00:00Z")") != std::string::npos);  // ...but saves only a later one
}

BOOST_AUTO_TEST_CASE(a_token_without_expiry_authenticates_is_listed_as_null_and_cannot_be_read_or_deleted) {
    auto forever = hub.seed_token("sam", at("2026-01-01T00:00:00Z"), std::nullopt);
    hub.advance_clock(24h * 365 * 5);
    auto l = get("/api/tokens/", token_auth(forever));
    BOOST_TEST(l.status == 200u);
    BOOST_TEST(l.body.find(R"("created":"2026-01-01T00:00:00Z","expiry":null})") != std::string::npos);
    // get_object filters on expiry > now, which NULL never satisfies.
    BOOST_TEST(get("/api/tokens/" + forever + "/").status == 404u);
    BOOST_TEST(send("DELETE", "/api/tokens/" + forever + "/").status == 404u);
    BOOST_TEST(hub.token_count() == 1u);
}

BOOST_AUTO_TEST_CASE(seed_token_for_an_unknown_user_throws) {
    BOOST_CHECK_THROW(hub.seed_token("nobody", hub.now(), std::nullopt), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(parse_time_reads_rfc3339_to_the_microsecond) {
    using std::chrono::microseconds;
    auto us = [](emu::time_point t) { return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count(); };
    BOOST_TEST(us(emu::parse_time("1970-01-01T00:00:00Z")) == 0);
    BOOST_TEST(us(emu::parse_time("1970-01-01T00:00:01.5Z")) == 1'500'000);
    BOOST_TEST(us(emu::parse_time("2026-12-01T08:32:13.123456Z")) == 1796113933123456LL);
    BOOST_TEST(us(emu::parse_time("2026-12-01t09:32:13+01:00")) == us(emu::parse_time("2026-12-01T08:32:13z")));
    BOOST_TEST(us(emu::parse_time("2024-02-29 00:00:00Z")) == 1709164800000000LL);
    for (std::string bad : {"2026-12-01T08:32:13", "2026-12-01", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
                            "2026-12-01T24:00:00Z", "2026-12-01T08:32:13.1234567Z", "2026-12-01T08:32:13.Z",
                            "2026-12-01T08:32:13Zjunk", "2026-12-01T08:32:13+1:00", ""}) {
        BOOST_TEST_CONTEXT(bad) { BOOST_CHECK_THROW(emu::parse_time(bad), std::invalid_argument); }
    }
}
