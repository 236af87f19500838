// The verifier's decisions (src/sansio/verifier_fsm.hpp) on a manual clock: TTLs, the expiry
// cap, negative entries, errors, single flight, leaving waiters, CLOCK eviction and its bound,
// stale_if_error, forget, counters; and the digests and log ids it keys and names tokens by.
#include "sansio/token_digest.hpp"
#include "sansio/verifier_fsm.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <stdexcept>
#include <string>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using namespace std::chrono_literals;
using cache_t = detail::verifier_fsm;
using arrival = cache_t::arrival::kind;
using settled = cache_t::settlement::kind;

namespace {

std::exception_ptr status_error(unsigned status) {
    hub::api_error::details d;
    d.status = status;
    d.message = "test";
    return std::make_exception_ptr(hub::api_error(std::move(d)));
}
// A 429 as the Hub (DRF) words it, "Expected available in N seconds.", with that wait.
std::exception_ptr throttled_error(std::chrono::seconds wait) {
    hub::api_error::details d;
    d.status = 429;
    d.message = "Request was throttled. Expected available in " + std::to_string(wait.count()) + " seconds.";
    d.retry_after = wait;
    return std::make_exception_ptr(hub::api_error(std::move(d)));
}
std::exception_ptr code_error(boost::system::error_code ec) {
    return std::make_exception_ptr(boost::system::system_error(ec));
}

// A cache on a manual clock: `now` moves only when a test says so.
struct rig {
    explicit rig(hub::verifier_options o = {}) : opts(o), cache(o, 42) {}

    hub::verifier_options opts;
    cache_t cache;
    cache_t::time_point now = cache_t::time_point{} + 1h;
    hub::timestamp wall = std::chrono::sys_days{std::chrono::year{2024} / 1 / 1} + std::chrono::microseconds{0};
    cache_t::waiter_id next_waiter = 1;

    static detail::token_digest key(const std::string& token) { return detail::digest_of(token); }
    [[nodiscard]] hub::token details(std::int64_t user, std::optional<std::chrono::seconds> expires_in = 7 * 24h) const {
        hub::token t{.user = user, .id = "abcdefgh", .created = wall, .expiry = std::nullopt};
        if (expires_in) t.expiry = wall + *expires_in;
        return t;
    }
    void advance(std::chrono::milliseconds by) {
        now += by;
        wall += by;
    }
    cache_t::arrival arrive(const detail::token_digest& d) { return cache.arrive(d, now, next_waiter++); }
    // One call from its first miss to its answer; the cache must have asked for it.
    cache_t::settlement call(const detail::token_digest& d, detail::hub_answer a) {
        auto r = arrive(d);
        BOOST_TEST_REQUIRE((r.what == arrival::call));
        return cache.settle(d, r.flight, std::move(a), now, wall);
    }
    cache_t::settlement call_valid(const detail::token_digest& d, std::int64_t user = 1) {
        return call(d, detail::hub_answer::valid(details(user)));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(verifier_fsm)

BOOST_AUTO_TEST_CASE(valid_answer_is_served_from_the_cache_until_the_ttl) {
    rig r{{.ttl = 30s}};
    auto d = rig::key("token-a-0123456789");
    auto s = r.call_valid(d, 7);
    BOOST_TEST((s.what == settled::valid));
    BOOST_TEST(s.answer->user == 7);
    BOOST_TEST(!s.answer->stale);
    r.advance(29'999ms);
    auto hit = r.arrive(d);
    BOOST_TEST_REQUIRE((hit.what == arrival::valid));
    BOOST_TEST(hit.answer->user == 7);
    BOOST_TEST(!hit.answer->stale);
    r.advance(1ms);
    BOOST_TEST((r.arrive(d).what == arrival::call));
    auto st = r.cache.stats();
    BOOST_TEST(st.hits == 1u);
    BOOST_TEST(st.misses == 2u);
    BOOST_TEST(st.hub_calls == 2u);
}

BOOST_AUTO_TEST_CASE(lookup_answers_hits_as_arrive_does_and_on_a_miss_changes_nothing) {
    rig r{{.ttl = 30s, .negative_ttl = 5s}};
    auto valid = rig::key("token-v-0123456789"), bogus = rig::key("token-x-0123456789");
    BOOST_TEST((r.cache.lookup(valid, r.now).what == arrival::call));  // nothing cached yet
    auto st = r.cache.stats();
    BOOST_TEST(st.misses == 0u);  // a miss of lookup counts nothing, starts nothing
    BOOST_TEST(st.hub_calls == 0u);
    BOOST_TEST(st.waiting == 0u);
    r.call_valid(valid, 3);
    r.call(bogus, detail::hub_answer::not_found());
    auto hit = r.cache.lookup(valid, r.now);
    BOOST_TEST_REQUIRE((hit.what == arrival::valid));
    BOOST_TEST(hit.answer->user == 3);
    BOOST_TEST((r.cache.lookup(bogus, r.now).what == arrival::invalid));
    st = r.cache.stats();
    BOOST_TEST(st.hits == 1u);
    BOOST_TEST(st.negative_hits == 1u);
    r.advance(5s);  // the 404 is past negative_ttl
    BOOST_TEST((r.cache.lookup(bogus, r.now).what == arrival::call));
    BOOST_TEST((r.arrive(bogus).what == arrival::call));  // then arrive starts the call
    BOOST_TEST(r.cache.stats().hub_calls == 3u);
}

BOOST_AUTO_TEST_CASE(valid_entry_never_outlives_the_tokens_own_expiry) {
    rig r{{.ttl = 30s}};
    auto d = rig::key("token-b-0123456789");
    r.call(d, detail::hub_answer::valid(r.details(1, 10s)));
    r.advance(9'999ms);
    BOOST_TEST((r.arrive(d).what == arrival::valid));
    r.advance(1ms);
    BOOST_TEST((r.arrive(d).what == arrival::call));
}

BOOST_AUTO_TEST_CASE(token_already_past_its_expiry_is_answered_but_not_cached) {
    rig r{{.ttl = 30s}};
    auto d = rig::key("token-c-0123456789");
    auto s = r.call(d, detail::hub_answer::valid(r.details(1, -1s)));  // our clock ahead of the Hub's
    BOOST_TEST((s.what == settled::valid));
    BOOST_TEST((r.arrive(d).what == arrival::call));
}

BOOST_AUTO_TEST_CASE(token_without_expiry_is_kept_for_the_ttl) {
    rig r{{.ttl = 30s}};
    auto d = rig::key("token-d-0123456789");
    r.call(d, detail::hub_answer::valid(r.details(1, std::nullopt)));
    r.advance(29s);
    BOOST_TEST((r.arrive(d).what == arrival::valid));
    r.advance(1s);
    BOOST_TEST((r.arrive(d).what == arrival::call));
}

BOOST_AUTO_TEST_CASE(not_found_is_cached_for_the_negative_ttl) {
    rig r{{.ttl = 30s, .negative_ttl = 5s}};
    auto d = rig::key("bogus-0123456789abcdef");
    auto s = r.call(d, detail::hub_answer::not_found());
    BOOST_TEST((s.what == settled::invalid));
    BOOST_TEST(!s.answer);
    r.advance(4'999ms);
    BOOST_TEST((r.arrive(d).what == arrival::invalid));
    r.advance(1ms);
    BOOST_TEST((r.arrive(d).what == arrival::call));
    BOOST_TEST(r.cache.stats().negative_hits == 1u);
}

BOOST_AUTO_TEST_CASE(errors_reach_every_waiter_and_are_never_cached) {
    rig r;
    auto d = rig::key("token-e-0123456789");
    auto first = r.arrive(d);
    r.arrive(d);
    auto e = status_error(503);
    auto s = r.cache.settle(d, first.flight, detail::hub_answer::failed(e), r.now, r.wall);
    BOOST_TEST((s.what == settled::error));
    BOOST_TEST((s.error == e));
    BOOST_TEST(s.waiters.size() == 2u);
    BOOST_TEST((r.arrive(d).what == arrival::call));
    BOOST_TEST(r.cache.stats().hub_errors == 1u);
    BOOST_TEST(r.cache.stats().entries == 0u);
}

BOOST_AUTO_TEST_CASE(a_refresh_answered_404_replaces_the_valid_entry) {
    rig r{{.ttl = 30s}};
    auto d = rig::key("token-f-0123456789");
    r.call_valid(d);
    r.advance(30s);
    BOOST_TEST((r.call(d, detail::hub_answer::not_found()).what == settled::invalid));
    BOOST_TEST((r.arrive(d).what == arrival::invalid));
}

BOOST_AUTO_TEST_CASE(a_kept_valid_entry_refreshed_as_404_moves_to_the_negative_entries) {
    rig r{{.ttl = 30s, .stale_if_error = 60s}};
    auto d = rig::key("token-f2-0123456789");
    r.call_valid(d);
    BOOST_TEST(r.cache.valid_entries() == 1u);
    r.advance(31s);  // past its ttl, still kept for stale_if_error: the refresh finds it
    BOOST_TEST((r.call(d, detail::hub_answer::not_found()).what == settled::invalid));
    BOOST_TEST(r.cache.valid_entries() == 0u);
    BOOST_TEST(r.cache.negative_entries() == 1u);
    BOOST_TEST((r.arrive(d).what == arrival::invalid));
    r.advance(6s);
    r.call_valid(d);
    BOOST_TEST(r.cache.valid_entries() == 1u);
    BOOST_TEST(r.cache.negative_entries() == 0u);
}

BOOST_AUTO_TEST_CASE(concurrent_arrivals_of_one_token_share_one_call) {
    rig r;
    auto d = rig::key("token-g-0123456789");
    auto a1 = r.arrive(d);
    auto a2 = r.arrive(d);
    auto a3 = r.arrive(d);
    BOOST_TEST((a1.what == arrival::call));
    BOOST_TEST((a2.what == arrival::join));
    BOOST_TEST((a3.what == arrival::join));
    BOOST_TEST(a2.flight == a1.flight);
    BOOST_TEST(r.cache.stats().waiting == 3u);
    BOOST_TEST(r.cache.stats().in_flight == 1u);
    auto s = r.cache.settle(d, a1.flight, detail::hub_answer::valid(r.details(3)), r.now, r.wall);
    BOOST_TEST((s.waiters == std::vector<cache_t::waiter_id>{1, 2, 3}));  // in the order they came
    BOOST_TEST(s.answer->user == 3);
    auto st = r.cache.stats();
    BOOST_TEST(st.misses == 3u);
    BOOST_TEST(st.coalesced == 2u);
    BOOST_TEST(st.hub_calls == 1u);
    BOOST_TEST(st.waiting == 0u);
    BOOST_TEST(st.in_flight == 0u);
}

BOOST_AUTO_TEST_CASE(different_tokens_get_calls_of_their_own) {
    rig r;
    auto a = r.arrive(rig::key("token-h-0123456789"));
    auto b = r.arrive(rig::key("token-i-0123456789"));
    BOOST_TEST((a.what == arrival::call));
    BOOST_TEST((b.what == arrival::call));
    BOOST_TEST(a.flight != b.flight);
}

BOOST_AUTO_TEST_CASE(a_waiter_leaving_keeps_the_call_for_the_others) {
    rig r;
    auto d = rig::key("token-j-0123456789");
    auto a1 = r.arrive(d);
    r.arrive(d);
    r.arrive(d);
    BOOST_TEST(!r.cache.leave(d, 2));
    BOOST_TEST(!r.cache.leave(d, 2));  // twice: nothing more
    auto s = r.cache.settle(d, a1.flight, detail::hub_answer::valid(r.details(1)), r.now, r.wall);
    BOOST_TEST((s.waiters == std::vector<cache_t::waiter_id>{1, 3}));
    BOOST_TEST(r.cache.stats().abandoned == 1u);
    BOOST_TEST(r.cache.stats().cancelled_calls == 0u);
}

BOOST_AUTO_TEST_CASE(the_last_waiter_leaving_cancels_the_call_whose_answer_is_then_not_cached) {
    rig r;
    auto d = rig::key("token-k-0123456789");
    auto a1 = r.arrive(d);
    r.arrive(d);
    BOOST_TEST(!r.cache.leave(d, 1));
    auto cancel = r.cache.leave(d, 2);
    BOOST_TEST_REQUIRE(cancel.has_value());
    BOOST_TEST(*cancel == a1.flight);
    BOOST_TEST(r.cache.stats().cancelled_calls == 1u);
    BOOST_TEST(r.cache.stats().in_flight == 0u);

    auto again = r.arrive(d);  // a new caller starts a new call
    BOOST_TEST((again.what == arrival::call));
    BOOST_TEST(again.flight != a1.flight);
    auto late = r.cache.settle(d, a1.flight, detail::hub_answer::valid(r.details(1)), r.now, r.wall);
    BOOST_TEST(late.waiters.empty());
    BOOST_TEST((r.arrive(d).what == arrival::join));  // the late answer was not cached
    auto s = r.cache.settle(d, again.flight, detail::hub_answer::valid(r.details(1)), r.now, r.wall);
    BOOST_TEST(s.waiters.size() == 2u);
    BOOST_TEST(r.cache.stats().hub_errors == 0u);
}

BOOST_AUTO_TEST_CASE(clock_eviction_gives_a_used_entry_a_second_chance) {
    rig r{{.max_entries = 4}};
    std::vector<detail::token_digest> k;
    for (auto name : {"A", "B", "C", "D", "E", "F"}) k.push_back(rig::key(std::string("token-") + name + "-0123456789"));
    for (int i = 0; i < 4; ++i) r.call_valid(k[i], i);
    BOOST_TEST((r.arrive(k[1]).what == arrival::valid));  // B used
    r.call_valid(k[4], 4);  // evicts A, the first unused one
    r.call_valid(k[5], 5);  // passes B (used: cleared), evicts C
    for (int i : {1, 3, 4, 5}) {
        auto hit = r.arrive(k[i]);
        BOOST_TEST_REQUIRE((hit.what == arrival::valid), "entry " << i);
        BOOST_TEST(hit.answer->user == i);
    }
    BOOST_TEST((r.arrive(k[0]).what == arrival::call));
    BOOST_TEST((r.arrive(k[2]).what == arrival::call));
    BOOST_TEST(r.cache.stats().evictions == 2u);
    BOOST_TEST(r.cache.stats().entries == 4u);
}

BOOST_AUTO_TEST_CASE(entries_past_their_time_are_taken_first_and_are_not_evictions) {
    rig r{{.ttl = 30s, .negative_ttl = 5s, .max_entries = 2}};
    auto gone = rig::key("bogus-1-0123456789");
    auto kept = rig::key("token-l-0123456789");
    r.call(gone, detail::hub_answer::not_found());
    r.call_valid(kept);
    BOOST_TEST((r.arrive(kept).what == arrival::valid));
    r.advance(6s);
    r.call_valid(rig::key("token-m-0123456789"));
    BOOST_TEST(r.cache.stats().evictions == 0u);
    BOOST_TEST((r.arrive(kept).what == arrival::valid));
}

// Issue 20 at a 1,000-entry scale: 20 valid tokens answered, then 20,000 distinct bogus tokens
// over 25 s (most of their 404s past their 5 s when the cache is full), then the 20 again within
// their 30 s. Plain CLOCK evicted all 20 (20 new Hub calls); now every one is a hit.
BOOST_AUTO_TEST_CASE(a_flood_of_bogus_tokens_does_not_evict_live_valid_entries) {
    rig r{{.ttl = 30s, .negative_ttl = 5s, .max_entries = 1000}};
    std::vector<detail::token_digest> valid;
    for (int i = 0; i < 20; ++i) {
        valid.push_back(rig::key("valid-" + std::to_string(i) + "-0123456789"));
        r.call_valid(valid.back(), i);
    }
    for (int i = 0; i < 20'000; ++i) {
        if (i % 16 == 0) r.advance(20ms);  // 25 s in all
        r.call(rig::key("bogus-" + std::to_string(i) + "-0123456789"), detail::hub_answer::not_found());
    }
    BOOST_TEST(r.cache.stats().entries == 1000u);
    auto calls = r.cache.stats().hub_calls;
    for (int i = 0; i < 20; ++i) {
        auto a = r.arrive(valid[static_cast<std::size_t>(i)]);
        BOOST_TEST_REQUIRE((a.what == arrival::valid), "valid token " << i);
        BOOST_TEST(a.answer->user == i);
    }
    BOOST_TEST(r.cache.stats().hub_calls == calls);  // 0 new Hub calls
    BOOST_TEST(r.cache.valid_entries() == 20u);
}

BOOST_AUTO_TEST_CASE(expired_entries_are_evicted_before_live_ones_of_either_kind) {
    rig r{{.ttl = 30s, .negative_ttl = 5s, .max_entries = 40}};
    std::vector<detail::token_digest> k;
    for (int i = 0; i < 40; ++i) k.push_back(rig::key("token-" + std::to_string(i) + "-0123456789"));
    // Live valid ones and valid ones whose token expires in 10 s, interleaved, none used since.
    for (int i = 0; i < 30; ++i)
        r.call(k[static_cast<std::size_t>(i)], detail::hub_answer::valid(r.details(i, i % 2 ? 10s : 7 * 24h)));
    for (int i = 30; i < 40; ++i) r.call(k[static_cast<std::size_t>(i)], detail::hub_answer::not_found());
    r.advance(15s);  // the 15 odd valid ones and the 10 negative ones are past their time
    for (int i = 0; i < 25; ++i) r.call_valid(rig::key("new-" + std::to_string(i) + "-0123456789"), 100 + i);
    BOOST_TEST(r.cache.stats().evictions == 0u);
    for (int i = 0; i < 30; i += 2) BOOST_TEST((r.arrive(k[static_cast<std::size_t>(i)]).what == arrival::valid), "live " << i);
    BOOST_TEST(r.cache.stats().entries == 40u);
    // Full of live entries now: the next one evicts.
    r.call_valid(rig::key("one-more-0123456789"), 200);
    BOOST_TEST(r.cache.stats().evictions == 1u);
}

BOOST_AUTO_TEST_CASE(negative_entries_never_take_more_than_their_share_from_valid_ones) {
    rig r{{.ttl = 30s, .negative_ttl = 5s, .max_entries = 1000}};
    BOOST_TEST(r.cache.negative_share() == 100u);  // 10 %
    // Full of valid entries, then a flood of 404s: they take their share and no more.
    for (int i = 0; i < 1000; ++i) r.call_valid(rig::key("valid-" + std::to_string(i) + "-0123456789"), i);
    for (int i = 0; i < 20'000; ++i) {
        r.call(rig::key("bogus-" + std::to_string(i) + "-0123456789"), detail::hub_answer::not_found());
        BOOST_TEST_REQUIRE(r.cache.negative_entries() <= 100u);
    }
    BOOST_TEST(r.cache.negative_entries() == 100u);
    BOOST_TEST(r.cache.valid_entries() == 900u);
    // Room nobody else wants: 404s may fill it, and give it back to valid answers down to their share.
    rig f{{.ttl = 30s, .negative_ttl = 5s, .max_entries = 1000}};
    for (int i = 0; i < 5000; ++i) f.call(rig::key("bogus-" + std::to_string(i) + "-0123456789"), detail::hub_answer::not_found());
    BOOST_TEST(f.cache.negative_entries() == 1000u);
    for (int i = 0; i < 2000; ++i) {
        f.call_valid(rig::key("valid-" + std::to_string(i) + "-0123456789"), i);
        BOOST_TEST_REQUIRE(f.cache.negative_entries() >= 100u);
    }
    BOOST_TEST(f.cache.negative_entries() == 100u);
    BOOST_TEST(f.cache.valid_entries() == 900u);
    BOOST_TEST(f.cache.stats().entries == 1000u);
}

BOOST_AUTO_TEST_CASE(entries_never_pass_max_entries_and_memory_stops_growing) {
    rig r{{.max_entries = 1000}};
    std::size_t memory_when_full = 0;
    for (int i = 0; i < 20'000; ++i) {
        r.call(rig::key("bogus-" + std::to_string(i) + "-0123456789"), detail::hub_answer::not_found());
        BOOST_TEST_REQUIRE(r.cache.stats().entries <= 1000u);
        if (i == 999) memory_when_full = r.cache.memory_bytes();
    }
    BOOST_TEST(r.cache.stats().entries == 1000u);
    BOOST_TEST(r.cache.stats().evictions == 19'000u);
    BOOST_TEST(r.cache.memory_bytes() == memory_when_full);
    BOOST_TEST(memory_when_full < 1000u * 200);
}

BOOST_AUTO_TEST_CASE(max_entries_zero_caches_nothing_but_still_coalesces) {
    rig r{{.max_entries = 0}};
    auto d = rig::key("token-n-0123456789");
    auto a1 = r.arrive(d);
    BOOST_TEST((r.arrive(d).what == arrival::join));
    r.cache.settle(d, a1.flight, detail::hub_answer::valid(r.details(1)), r.now, r.wall);
    BOOST_TEST((r.arrive(d).what == arrival::call));
    BOOST_TEST(r.cache.stats().entries == 0u);
}

BOOST_AUTO_TEST_CASE(stale_if_error_serves_the_last_valid_answer_flagged_stale_while_the_hub_is_unreachable) {
    rig r{{.ttl = 30s, .stale_if_error = 60s}};
    auto d = rig::key("token-o-0123456789");
    r.call_valid(d, 9);
    r.advance(40s);  // past the TTL: a miss, though the entry is kept
    auto first = r.arrive(d);
    BOOST_TEST((first.what == arrival::call));
    r.arrive(d);
    auto s = r.cache.settle(d, first.flight, detail::hub_answer::failed(status_error(503)), r.now, r.wall);
    BOOST_TEST_REQUIRE((s.what == settled::stale));
    BOOST_TEST(s.answer->stale);
    BOOST_TEST(s.answer->user == 9);
    BOOST_TEST(s.waiters.size() == 2u);
    auto e = r.call(d, detail::hub_answer::failed(code_error(boost::asio::error::connection_refused)));
    BOOST_TEST((e.what == settled::stale));  // a transport failure too
    BOOST_TEST(r.cache.stats().stale_served == 3u);
    BOOST_TEST(r.cache.stats().hub_errors == 2u);
    r.advance(50s);  // past ttl + stale_if_error
    BOOST_TEST((r.call(d, detail::hub_answer::failed(status_error(503))).what == settled::error));
}

BOOST_AUTO_TEST_CASE(stale_if_error_hides_no_answer_but_an_unreachable_or_throttling_hub) {
    rig r{{.ttl = 30s, .stale_if_error = 60s}};
    auto d = rig::key("token-p-0123456789");
    r.call_valid(d);
    r.advance(31s);
    // A 429 (here with no stated wait, so no gate): the Hub will not answer us, as if unreachable.
    BOOST_TEST((r.call(d, detail::hub_answer::failed(status_error(429))).what == settled::stale));
    BOOST_TEST((r.call(d, detail::hub_answer::failed(status_error(403))).what == settled::error));
    BOOST_TEST((r.call(d, detail::hub_answer::failed(std::make_exception_ptr(std::runtime_error("x")))).what ==
                settled::error));
    BOOST_TEST((r.call(d, detail::hub_answer::not_found()).what == settled::invalid));  // revoked: no longer valid
    r.advance(6s);
    BOOST_TEST((r.call(d, detail::hub_answer::failed(status_error(503))).what == settled::error));
}

BOOST_AUTO_TEST_CASE(stale_if_error_off_serves_nothing_stale) {
    rig r{{.ttl = 30s}};
    auto d = rig::key("token-q-0123456789");
    r.call_valid(d);
    r.advance(30s);
    BOOST_TEST((r.call(d, detail::hub_answer::failed(status_error(503))).what == settled::error));
}

BOOST_AUTO_TEST_CASE(stale_if_error_never_serves_past_the_tokens_expiry) {
    rig r{{.ttl = 30s, .stale_if_error = 60s}};
    auto d = rig::key("token-r-0123456789");
    r.call(d, detail::hub_answer::valid(r.details(1, 35s)));
    r.advance(34s);
    BOOST_TEST((r.call(d, detail::hub_answer::failed(status_error(502))).what == settled::stale));
    r.advance(1s);
    BOOST_TEST((r.call(d, detail::hub_answer::failed(status_error(502))).what == settled::error));
}

BOOST_AUTO_TEST_CASE(forget_drops_the_entry_and_keeps_a_call_in_flight_from_being_cached) {
    rig r;
    auto d = rig::key("token-s-0123456789");
    r.call_valid(d);
    BOOST_TEST(r.cache.forget(d));
    BOOST_TEST(!r.cache.forget(d));
    auto a = r.arrive(d);
    BOOST_TEST((a.what == arrival::call));
    r.cache.forget(d);  // e.g. removed while a read was on its way
    auto s = r.cache.settle(d, a.flight, detail::hub_answer::valid(r.details(1)), r.now, r.wall);
    BOOST_TEST((s.what == settled::valid));  // its callers asked before
    BOOST_TEST((r.arrive(d).what == arrival::call));
    BOOST_TEST(r.cache.stats().forgotten == 1u);
}

BOOST_AUTO_TEST_CASE(every_arrival_is_counted_once) {
    rig r{{.max_entries = 50}};
    std::mt19937 rng(7);
    std::uint64_t arrivals = 0;
    for (int i = 0; i < 5000; ++i) {
        auto d = rig::key("t-" + std::to_string(rng() % 80) + "-0123456789");
        auto a = r.arrive(d);
        ++arrivals;
        if (a.what == arrival::call)
            r.cache.settle(d, a.flight,
                           rng() % 2 ? detail::hub_answer::valid(r.details(1)) : detail::hub_answer::not_found(), r.now,
                           r.wall);
        r.advance(std::chrono::milliseconds(rng() % 100));
    }
    auto st = r.cache.stats();
    BOOST_TEST(st.hits + st.negative_hits + st.misses == arrivals);
    BOOST_TEST(st.misses == st.hub_calls + st.coalesced);
}

// The index (open addressing, backward-shift deletion) under random stores, forgets and expiries,
// against a model of what must be there: room for every token, so nothing is evicted and the
// model is exact; the index then runs up to half full.
BOOST_AUTO_TEST_CASE(random_operations_answer_exactly_what_was_stored) {
    const unsigned seed = 20240601;
    std::mt19937 rng(seed);
    constexpr int tokens = 1000;
    rig r{{.ttl = 30s, .negative_ttl = 5s, .max_entries = tokens}};
    struct expected {
        bool valid;
        cache_t::time_point fresh_until;
    };
    std::map<int, expected> model;
    std::vector<detail::token_digest> keys;
    for (int i = 0; i < tokens; ++i) keys.push_back(rig::key("k-" + std::to_string(i) + "-0123456789"));
    for (int step = 0; step < 200'000; ++step) {
        int i = static_cast<int>(rng() % tokens);
        const auto& d = keys[static_cast<std::size_t>(i)];
        auto roll = rng() % 8;
        if (roll == 0) {
            r.cache.forget(d);
            model.erase(i);
            continue;
        }
        if (roll == 1) {
            r.advance(std::chrono::milliseconds(rng() % 200));
            continue;
        }
        auto a = r.arrive(d);
        auto m = model.find(i);
        bool fresh = m != model.end() && r.now < m->second.fresh_until;
        auto want = !fresh ? arrival::call : m->second.valid ? arrival::valid : arrival::invalid;
        BOOST_TEST_REQUIRE((a.what == want), "seed " << seed << ", step " << step << ", token " << i);
        if (a.what == arrival::valid) BOOST_TEST_REQUIRE(a.answer->user == i, "seed " << seed << ", step " << step);
        if (a.what != arrival::call) continue;
        bool valid = rng() % 3 != 0;
        r.cache.settle(d, a.flight, valid ? detail::hub_answer::valid(r.details(i)) : detail::hub_answer::not_found(), r.now,
                       r.wall);
        model[i] = {valid, r.now + (valid ? 30s : 5s)};
    }
    BOOST_TEST(r.cache.stats().evictions == 0u);
}

// With evictions, what is found is still what was stored for that token, and a token just
// stored is found.
BOOST_AUTO_TEST_CASE(random_operations_with_evictions_never_answer_with_another_tokens_details) {
    const unsigned seed = 20240602;
    std::mt19937 rng(seed);
    rig r{{.ttl = 30s, .negative_ttl = 5s, .max_entries = 128}};
    std::vector<detail::token_digest> keys;
    for (int i = 0; i < 300; ++i) keys.push_back(rig::key("k-" + std::to_string(i) + "-0123456789"));
    for (int step = 0; step < 100'000; ++step) {
        auto i = static_cast<std::int64_t>(rng() % keys.size());
        const auto& d = keys[static_cast<std::size_t>(i)];
        switch (rng() % 4) {
            case 0: r.cache.forget(d); break;
            case 1: r.advance(std::chrono::milliseconds(rng() % 200)); break;
            default: {
                auto a = r.arrive(d);
                if (a.what == arrival::valid) BOOST_TEST_REQUIRE(a.answer->user == i, "seed " << seed << ", step " << step);
                if (a.what != arrival::call) break;
                bool valid = rng() % 3 != 0;
                r.cache.settle(d, a.flight, valid ? detail::hub_answer::valid(r.details(i)) : detail::hub_answer::not_found(),
                               r.now, r.wall);
                auto again = r.arrive(d);
                BOOST_TEST_REQUIRE((again.what == (valid ? arrival::valid : arrival::invalid)), "seed " << seed << ", step " << step);
            }
        }
        BOOST_TEST_REQUIRE(r.cache.stats().entries <= 128u);
    }
    BOOST_TEST(r.cache.stats().evictions > 0u);
}

BOOST_AUTO_TEST_CASE(keys_are_sha256_digests_of_the_tokens) {
    auto d = detail::digest_of("abc");
    std::string hex;
    for (auto b : d) {
        char two[3];
        std::snprintf(two, sizeof two, "%02x", b);
        hex += two;
    }
    BOOST_TEST(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST((detail::digest_of("abd") != d));
    BOOST_TEST((detail::digest_of("") != d));
}

BOOST_AUTO_TEST_CASE(failures_are_sorted_into_unreachable_throttled_refused_and_cancelled) {
    using detail::failure_kind;
    BOOST_TEST((detail::failure_kind_of(status_error(500)) == failure_kind::unreachable));
    BOOST_TEST((detail::failure_kind_of(status_error(503)) == failure_kind::unreachable));
    BOOST_TEST((detail::failure_kind_of(status_error(403)) == failure_kind::refused));
    BOOST_TEST((detail::failure_kind_of(status_error(429)) == failure_kind::throttled));
    BOOST_TEST((detail::failure_kind_of(code_error(boost::asio::error::connection_refused)) == failure_kind::unreachable));
    BOOST_TEST((detail::failure_kind_of(code_error(hub::error::request_timeout)) == failure_kind::unreachable));
    BOOST_TEST((detail::failure_kind_of(code_error(hub::error::malformed_response)) == failure_kind::unreachable));
    BOOST_TEST((detail::failure_kind_of(code_error(hub::error::empty_token)) == failure_kind::refused));
    BOOST_TEST((detail::failure_kind_of(code_error(boost::asio::error::operation_aborted)) == failure_kind::cancelled));
    BOOST_TEST((detail::failure_kind_of(std::make_exception_ptr(std::runtime_error("x"))) == failure_kind::refused));
}

BOOST_AUTO_TEST_CASE(log_lines_name_a_token_by_its_first_eight_letters_and_digits_only) {
    BOOST_TEST(detail::public_id("3f0c9a1b4d5e6f708192a3b4c5d6e7f8") == "3f0c9a1b");
    BOOST_TEST(detail::public_id("ab\r\nc\x1b[1mdefghijklmnopq") == "ab??c??1");
    BOOST_TEST(detail::public_id("short-secret") == "(short)");
}

BOOST_AUTO_TEST_SUITE_END()

// The spending rules (src/sansio/verifier_policy.hpp) as the cache applies them, on the manual
// clock: the token's shape, the throttle gate after a 429, the per-minute ceiling.
BOOST_AUTO_TEST_SUITE(verifier_policy)

const std::string hub_shaped = "3f0c9a1b4d5e6f708192a3b4c5d6e7f80123456789abcdef0123456789abcdef";

BOOST_AUTO_TEST_CASE(a_hub_token_is_64_lowercase_hex_characters) {
    BOOST_TEST(detail::has_token_shape(hub_shaped));
    BOOST_TEST(!detail::has_token_shape(hub_shaped.substr(1)));                    // 63
    BOOST_TEST(!detail::has_token_shape(hub_shaped + "0"));                        // 65
    BOOST_TEST(!detail::has_token_shape("3F0C" + hub_shaped.substr(4)));           // upper case
    BOOST_TEST(!detail::has_token_shape("g" + hub_shaped.substr(1)));              // not hex
    BOOST_TEST(!detail::has_token_shape(hub_shaped.substr(0, 63) + " "));          // a space
    BOOST_TEST(!detail::has_token_shape(std::string(63, 'a') + std::string(1, '\0')));
    BOOST_TEST(!detail::has_token_shape(""));
    BOOST_TEST(detail::has_token_shape(std::string(64, '0')));
}

BOOST_AUTO_TEST_CASE(a_value_without_the_shape_is_refused_counted_and_leaves_no_entry) {
    rig r;
    BOOST_TEST(r.cache.malformed("not-a-token"));
    BOOST_TEST(r.cache.malformed(std::string(64, 'G')));
    BOOST_TEST(!r.cache.malformed(hub_shaped));
    auto st = r.cache.stats();
    BOOST_TEST(st.malformed == 2u);
    BOOST_TEST(st.entries == 0u);
    BOOST_TEST(st.hub_calls == 0u);
    BOOST_TEST(st.misses == 0u);
    BOOST_TEST(st.negative_hits == 0u);
}

BOOST_AUTO_TEST_CASE(a_429_with_a_wait_shuts_the_gate_then_one_probe_opens_it) {
    rig r{{.ttl = 30s}};
    auto a = rig::key("a"), b = rig::key("b"), c = rig::key("c");
    auto s = r.call(a, detail::hub_answer::failed(throttled_error(120s)));
    BOOST_TEST((s.what == settled::error));  // the 429 itself reaches its waiters
    // Until the wait has passed: every miss refused at once, nobody waits, no call starts.
    auto refused = r.arrive(b);
    BOOST_TEST_REQUIRE((refused.what == arrival::throttled));
    BOOST_TEST((refused.until == r.now + 120s));
    BOOST_TEST(!refused.probe_out);
    r.advance(119'999ms);
    BOOST_TEST((r.arrive(a).what == arrival::throttled));
    auto st = r.cache.stats();
    BOOST_TEST(st.throttled == 2u);
    BOOST_TEST(st.hub_calls == 1u);
    BOOST_TEST(st.waiting == 0u);
    BOOST_TEST(st.in_flight == 0u);
    // The wait has passed: exactly one call, the probe; others join it (same token) or are
    // refused until it answers.
    r.advance(1ms);
    auto probe = r.arrive(b);
    BOOST_TEST_REQUIRE((probe.what == arrival::call));
    BOOST_TEST((r.arrive(b).what == arrival::join));
    auto meanwhile = r.arrive(c);
    BOOST_TEST((meanwhile.what == arrival::throttled));
    BOOST_TEST(meanwhile.probe_out);
    BOOST_TEST(r.cache.stats().hub_calls == 2u);
    // The probe answers: open for everyone.
    BOOST_TEST(r.cache.settle(b, probe.flight, detail::hub_answer::valid(r.details(1)), r.now, r.wall).waiters.size() == 2u);
    BOOST_TEST((r.arrive(c).what == arrival::call));
    BOOST_TEST((r.arrive(a).what == arrival::call));
    BOOST_TEST(r.cache.stats().throttled == 3u);
}

BOOST_AUTO_TEST_CASE(a_probe_answered_429_shuts_the_gate_again_and_an_abandoned_probe_lets_the_next_call_probe) {
    rig r;
    auto a = rig::key("a"), b = rig::key("b");
    r.call(a, detail::hub_answer::failed(throttled_error(10s)));
    r.advance(10s);
    r.call(a, detail::hub_answer::failed(throttled_error(30s)));  // the probe: throttled again
    r.advance(29s);
    BOOST_TEST((r.arrive(b).what == arrival::throttled));
    r.advance(1s);
    auto w = r.next_waiter;
    auto probe = r.arrive(b);
    BOOST_TEST_REQUIRE((probe.what == arrival::call));
    BOOST_TEST((r.arrive(a).what == arrival::throttled));
    BOOST_TEST((r.cache.leave(b, w) == probe.flight));  // the probe's only caller left: cancelled
    auto next = r.arrive(a);
    BOOST_TEST_REQUIRE((next.what == arrival::call));  // the new probe
    BOOST_TEST((r.arrive(b).what == arrival::throttled));
    // The abandoned probe's answer, should it come, changes nothing; the new probe's opens.
    r.cache.settle(b, probe.flight, detail::hub_answer::not_found(), r.now, r.wall);
    BOOST_TEST((r.arrive(b).what == arrival::throttled));
    r.cache.settle(a, next.flight, detail::hub_answer::not_found(), r.now, r.wall);
    BOOST_TEST((r.arrive(b).what == arrival::call));
}

BOOST_AUTO_TEST_CASE(a_429_from_a_call_that_started_before_the_gate_shut_extends_it_and_hits_are_never_refused) {
    rig r{{.ttl = 300s}};
    auto a = rig::key("a"), b = rig::key("b"), hit = rig::key("hit");
    r.call_valid(hit);
    auto first = r.arrive(a);
    auto second = r.arrive(b);
    r.cache.settle(a, first.flight, detail::hub_answer::failed(throttled_error(60s)), r.now, r.wall);
    r.advance(10s);
    // b's call started before the gate shut; its answer, a 429 with a longer wait, extends it.
    r.cache.settle(b, second.flight, detail::hub_answer::failed(throttled_error(100s)), r.now, r.wall);
    BOOST_TEST((r.arrive(a).until == r.now + 100s));
    r.advance(60s);
    BOOST_TEST((r.arrive(a).what == arrival::throttled));
    BOOST_TEST((r.arrive(hit).what == arrival::valid));  // hits are never affected
    // A 429 with no stated wait shuts nothing.
    r.advance(40s);
    r.call(a, detail::hub_answer::valid(r.details(1)));  // the probe, answered: open
    r.call(b, detail::hub_answer::failed(status_error(429)));
    BOOST_TEST((r.arrive(b).what == arrival::call));
}

BOOST_AUTO_TEST_CASE(the_ceiling_allows_n_calls_in_any_sliding_minute_and_refuses_misses_beyond) {
    rig r{{.max_hub_calls_per_minute = 3}};
    auto t = [](int i) { return rig::key("t" + std::to_string(i)); };
    r.call_valid(t(0));  // at 0 s
    r.advance(20s);
    r.call_valid(t(1));  // at 20 s
    auto joined = r.arrive(t(2));  // at 20 s: in flight
    BOOST_TEST_REQUIRE((joined.what == arrival::call));
    BOOST_TEST((r.arrive(t(2)).what == arrival::join));  // joining starts no call: allowed
    auto over = r.arrive(t(3));
    BOOST_TEST_REQUIRE((over.what == arrival::over_ceiling));
    BOOST_TEST((over.until == r.now + 40s));  // when the call at 0 s leaves the window
    BOOST_TEST((r.arrive(t(0)).what == arrival::valid));  // hits are never affected
    r.advance(39'999ms);
    BOOST_TEST((r.arrive(t(3)).what == arrival::over_ceiling));
    r.advance(1ms);  // 60 s: the call at 0 s has left the window (sliding, not fixed)
    BOOST_TEST((r.arrive(t(3)).what == arrival::call));
    BOOST_TEST((r.arrive(t(4)).what == arrival::over_ceiling));
    auto st = r.cache.stats();
    BOOST_TEST(st.over_ceiling == 3u);
    BOOST_TEST(st.hub_calls == 4u);
    BOOST_TEST(st.throttled == 0u);
}

BOOST_AUTO_TEST_CASE(no_ceiling_by_default) {
    rig r;
    for (int i = 0; i < 1000; ++i) BOOST_TEST_REQUIRE((r.arrive(rig::key(std::to_string(i))).what == arrival::call));
}

BOOST_AUTO_TEST_CASE(a_refused_miss_is_served_stale_where_stale_if_error_keeps_a_valid_answer) {
    rig r{{.ttl = 30s, .negative_ttl = 5s, .stale_if_error = 60s, .max_hub_calls_per_minute = 100}};
    auto known = rig::key("known"), bogus = rig::key("bogus"), other = rig::key("other");
    r.call_valid(known, 9);
    r.call(bogus, detail::hub_answer::not_found());
    r.advance(31s);
    r.call(other, detail::hub_answer::failed(throttled_error(120s)));
    auto s = r.arrive(known);
    BOOST_TEST_REQUIRE((s.what == arrival::stale));
    BOOST_TEST(s.answer->stale);
    BOOST_TEST(s.answer->user == 9);
    BOOST_TEST((r.arrive(bogus).what == arrival::throttled));  // a 404 is never served stale
    auto st = r.cache.stats();
    BOOST_TEST(st.stale_served == 1u);
    BOOST_TEST(st.throttled == 2u);
    r.advance(60s);  // past ttl + stale_if_error: nothing to serve
    BOOST_TEST((r.arrive(known).what == arrival::throttled));
}

BOOST_AUTO_TEST_CASE(over_the_ceiling_a_miss_is_served_stale_too) {
    rig r{{.ttl = 30s, .stale_if_error = 60s, .max_hub_calls_per_minute = 1}};
    auto known = rig::key("known");
    r.call_valid(known);
    r.advance(31s);
    BOOST_TEST((r.arrive(known).what == arrival::stale));
    BOOST_TEST(r.cache.stats().over_ceiling == 1u);
}

BOOST_AUTO_TEST_CASE(a_429_answer_is_served_stale_under_stale_if_error_and_still_shuts_the_gate) {
    rig r{{.ttl = 30s, .stale_if_error = 60s}};
    auto known = rig::key("known"), other = rig::key("other");
    r.call_valid(known);
    r.advance(31s);
    BOOST_TEST((r.call(known, detail::hub_answer::failed(throttled_error(30s))).what == settled::stale));
    BOOST_TEST((r.arrive(other).what == arrival::throttled));
}

BOOST_AUTO_TEST_SUITE_END()
