// Retry decisions without I/O (src/sansio/retry.cpp, src/sansio/retry_after.cpp): `parse_retry_after`, `decide_retry` driven with a
// fixed random draw and a fixed time left (the manual clock), and the shared `retry_budget`.
#include "sansio/retry.hpp"

#include <stencila/hub/error.hpp>
#include <stencila/hub/retry.hpp>

#include <boost/asio/error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// The instant of RFC 9110's example date, "Sun, 06 Nov 1994 08:49:37 GMT".
const system_clock::time_point example_date = sys_days{1994y / 11 / 6} + 8h + 49min + 37s;
// `now` ten seconds before it.
const system_clock::time_point ten_seconds_before = example_date - 10s;

constexpr milliseconds plenty = 1h;  // time left before the deadline, when it does not matter

// A policy with round numbers and a budget large enough not to interfere.
hub::retry_policy policy() {
    hub::retry_policy p;
    p.max_attempts = 5;
    p.initial_backoff = 100ms;
    p.max_backoff = 5'000ms;
    p.multiplier = 2.0;
    p.honour_retry_after = true;
    p.max_retry_after = 30'000ms;
    p.budget_ratio = 0.2;
    p.budget_reserve = 1000.0;
    return p;
}

detail::attempt_outcome status(unsigned s, bool idempotent) {
    detail::attempt_outcome o;
    o.status = s;
    o.idempotent = idempotent;
    return o;
}

detail::attempt_outcome failure(boost::system::error_code ec, bool idempotent, bool connecting = false) {
    detail::attempt_outcome o;
    o.error = ec;
    o.idempotent = idempotent;
    o.connecting = connecting;
    return o;
}

constexpr bool get = true;    // idempotent: GET, DELETE
constexpr bool post = false;  // not idempotent: POST

// decide_retry with a fresh budget of the policy, attempt 1, draw 0.5 and plenty of time.
detail::retry_decision decide(const detail::attempt_outcome& o, std::uint32_t attempt = 1, double draw = 0.5) {
    auto p = policy();
    detail::retry_budget budget(p);
    return detail::decide_retry(p, o, attempt, draw, plenty, budget);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(retry)

// parse_retry_after

BOOST_AUTO_TEST_CASE(retry_after_delta_seconds_read_as_seconds) {
    auto now = system_clock::now();
    BOOST_TEST((detail::parse_retry_after("0", now) == std::optional<milliseconds>(0ms)));
    BOOST_TEST((detail::parse_retry_after("1", now) == std::optional<milliseconds>(1'000ms)));
    BOOST_TEST((detail::parse_retry_after("120", now) == std::optional<milliseconds>(120'000ms)));
}

BOOST_AUTO_TEST_CASE(retry_after_delta_seconds_with_surrounding_spaces_are_accepted) {
    auto now = system_clock::now();
    BOOST_TEST((detail::parse_retry_after("  5 ", now) == std::optional<milliseconds>(5'000ms)));
    BOOST_TEST((detail::parse_retry_after("\t30", now) == std::optional<milliseconds>(30'000ms)));
}

BOOST_AUTO_TEST_CASE(retry_after_imf_fixdate_is_taken_relative_to_now) {
    auto d = detail::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", ten_seconds_before);
    BOOST_REQUIRE(d);
    BOOST_TEST(d->count() == 10'000);
}

BOOST_AUTO_TEST_CASE(retry_after_imf_fixdate_keeps_subsecond_distance_from_now) {
    auto d = detail::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", example_date - 2'500ms);
    BOOST_REQUIRE(d);
    BOOST_TEST(d->count() == 2'500);
}

BOOST_AUTO_TEST_CASE(retry_after_rfc850_date_is_taken_relative_to_now) {
    auto d = detail::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", ten_seconds_before);
    BOOST_REQUIRE(d);
    BOOST_TEST(d->count() == 10'000);
}

BOOST_AUTO_TEST_CASE(retry_after_asctime_date_is_taken_relative_to_now) {
    auto d = detail::parse_retry_after("Sun Nov  6 08:49:37 1994", ten_seconds_before);
    BOOST_REQUIRE(d);
    BOOST_TEST(d->count() == 10'000);
}

BOOST_AUTO_TEST_CASE(retry_after_date_in_the_past_reads_as_zero) {
    auto later = example_date + 1h;
    BOOST_TEST((detail::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", later) == std::optional<milliseconds>(0ms)));
    BOOST_TEST((detail::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", later) == std::optional<milliseconds>(0ms)));
    BOOST_TEST((detail::parse_retry_after("Sun Nov  6 08:49:37 1994", later) == std::optional<milliseconds>(0ms)));
}

BOOST_AUTO_TEST_CASE(retry_after_date_equal_to_now_reads_as_zero) {
    BOOST_TEST((detail::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", example_date) ==
                std::optional<milliseconds>(0ms)));
}

// system_clock counts nanoseconds in 64 bits here: about 1678 to 2262. Dates outside must not
// wrap round (a far-future "never" read as the past means retrying at once).
BOOST_AUTO_TEST_CASE(retry_after_date_far_in_the_future_reads_as_far) {
    auto d = detail::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", example_date);
    BOOST_REQUIRE(d);
    BOOST_TEST((*d >= 24h), "read as " << d->count() << " ms");
}

BOOST_AUTO_TEST_CASE(retry_after_date_far_in_the_past_reads_as_zero) {
    auto d = detail::parse_retry_after("Sat, 01 Jan 1500 00:00:00 GMT", example_date);
    BOOST_REQUIRE(d);
    BOOST_TEST(d->count() == 0);
}

BOOST_AUTO_TEST_CASE(retry_after_garbage_reads_as_nothing) {
    auto now = system_clock::now();
    for (const char* v : {"", "   ", "soon", "-1", "-120", "1.5", "+5", "5s", "0x10", "Sun, 06 Nov 1994",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST", "Sun Nov  6 08:49 1994"}) {
        BOOST_TEST_CONTEXT("Retry-After: '" << v << "'") {
            BOOST_TEST(!detail::parse_retry_after(v, now).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(retry_after_huge_number_reads_as_the_saturated_wait_and_is_not_retried) {
    auto d = detail::parse_retry_after("99999999999999999999", system_clock::now());
    BOOST_REQUIRE(d);
    BOOST_TEST(d->count() == detail::max_stated_wait.count());  // saturated, never wrapped round

    auto p = policy();
    detail::retry_budget budget(p);
    auto o = status(503, get);
    o.retry_after = d;
    auto r = detail::decide_retry(p, o, 1, 0.5, plenty, budget);
    BOOST_TEST(!r.retry);  // far longer than max_retry_after: at once, not "after the cap"
    BOOST_TEST(budget.balance() == p.budget_reserve);  // nothing spent
}

BOOST_AUTO_TEST_CASE(stated_waits_saturate_at_about_a_hundred_years_and_stay_addable_to_any_clock) {
    auto now = system_clock::now();
    BOOST_TEST(detail::max_stated_wait >= 24h * 365 * 99);
    BOOST_TEST(detail::max_stated_wait <= 24h * 366 * 100);
    for (const char* v : {"99999999999", "999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "Sun Dec 31 23:59:59 9999"}) {
        BOOST_TEST_CONTEXT("Retry-After: '" << v << "'") {
            auto d = detail::parse_retry_after(v, now);
            BOOST_REQUIRE(d);
            BOOST_TEST(d->count() > 0);
            BOOST_TEST(d->count() <= detail::max_stated_wait.count());
            // No overflow when a deadline or a time to print is made of it.
            auto at = std::chrono::steady_clock::now() + *d;
            BOOST_TEST((at > std::chrono::steady_clock::now()));
        }
    }
    BOOST_TEST(detail::saturate_wait(milliseconds::max()).count() == detail::max_stated_wait.count());
    BOOST_TEST(detail::saturate_wait(milliseconds::min()).count() == 0);
    BOOST_TEST(detail::saturate_wait(-5ms).count() == 0);
    BOOST_TEST(detail::saturate_wait(5ms).count() == 5);
}

// decide_retry: which failures

BOOST_AUTO_TEST_CASE(no_retry_once_attempts_reach_max_attempts) {
    auto p = policy();
    p.max_attempts = 3;
    detail::retry_budget budget(p);
    auto o = status(503, get);
    BOOST_TEST(detail::decide_retry(p, o, 2, 0.5, plenty, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, o, 3, 0.5, plenty, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, o, 4, 0.5, plenty, budget).retry);
}

BOOST_AUTO_TEST_CASE(max_attempts_one_never_retries) {
    auto p = policy();
    p.max_attempts = 1;
    detail::retry_budget budget(p);
    BOOST_TEST(!detail::decide_retry(p, status(503, get), 1, 0.5, plenty, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, failure(boost::asio::error::connection_refused, post, true), 1, 0.5, plenty,
                                     budget)
                    .retry);
}

BOOST_AUTO_TEST_CASE(connect_failure_is_retried_for_post_and_get) {
    BOOST_TEST(decide(failure(boost::asio::error::connection_refused, post, true)).retry);
    BOOST_TEST(decide(failure(boost::asio::error::connection_refused, get, true)).retry);
    BOOST_TEST(decide(failure(hub::error::connect_timeout, post, true)).retry);
    BOOST_TEST(decide(failure(boost::asio::error::host_unreachable, get, true)).retry);
}

BOOST_AUTO_TEST_CASE(post_whose_connection_closed_after_sending_is_not_retried) {
    BOOST_TEST(!decide(failure(hub::error::connection_closed, post)).retry);
    BOOST_TEST(!decide(failure(boost::asio::error::connection_reset, post)).retry);
    BOOST_TEST(!decide(failure(boost::asio::error::broken_pipe, post)).retry);
}

BOOST_AUTO_TEST_CASE(get_whose_connection_closed_or_reset_is_retried) {
    BOOST_TEST(decide(failure(hub::error::connection_closed, get)).retry);
    BOOST_TEST(decide(failure(boost::asio::error::connection_reset, get)).retry);
}

BOOST_AUTO_TEST_CASE(retryable_statuses_are_retried_for_get_and_delete_but_not_post) {
    for (unsigned s : {429u, 502u, 503u, 504u}) {
        BOOST_TEST_CONTEXT("status " << s) {
            BOOST_TEST(detail::retryable_status(s));
            BOOST_TEST(decide(status(s, get)).retry);
            BOOST_TEST(!decide(status(s, post)).retry);
        }
    }
}

BOOST_AUTO_TEST_CASE(other_statuses_are_never_retried) {
    for (unsigned s : {200u, 201u, 204u, 400u, 401u, 403u, 404u, 405u, 415u, 500u, 501u, 505u}) {
        BOOST_TEST_CONTEXT("status " << s) {
            BOOST_TEST(!detail::retryable_status(s));
            BOOST_TEST(!decide(status(s, get)).retry);
            BOOST_TEST(!decide(status(s, post)).retry);
        }
    }
}

BOOST_AUTO_TEST_CASE(deadline_and_cancellation_failures_are_never_retried) {
    for (bool connecting : {false, true}) {
        for (bool idempotent : {get, post}) {
            BOOST_TEST_CONTEXT("connecting " << connecting << ", idempotent " << idempotent) {
                BOOST_TEST(!decide(failure(hub::error::request_timeout, idempotent, connecting)).retry);
                BOOST_TEST(!decide(failure(hub::error::pool_timeout, idempotent, connecting)).retry);
                BOOST_TEST(!decide(failure(boost::asio::error::operation_aborted, idempotent, connecting)).retry);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_or_oversized_answers_are_not_retried) {
    BOOST_TEST(!decide(failure(hub::error::malformed_response, get)).retry);
    BOOST_TEST(!decide(failure(hub::error::body_too_large, get)).retry);
    BOOST_TEST(!decide(failure(hub::error::tls_untrusted_certificate, get)).retry);
}

// decide_retry: how long

BOOST_AUTO_TEST_CASE(full_jitter_delay_is_the_draw_times_the_exponential_cap) {
    // initial 100 ms, multiplier 2, draw 0.5: caps 100, 200, 400, 800 -> delays 50, 100, 200, 400.
    const std::int64_t expected[] = {50, 100, 200, 400};
    for (std::uint32_t attempt = 1; attempt <= 4; ++attempt) {
        BOOST_TEST_CONTEXT("attempt " << attempt) {
            auto r = decide(status(503, get), attempt, 0.5);
            BOOST_REQUIRE(r.retry);
            BOOST_TEST(r.delay.count() == expected[attempt - 1]);
        }
    }
}

BOOST_AUTO_TEST_CASE(full_jitter_delay_scales_with_the_draw) {
    BOOST_TEST(decide(status(503, get), 1, 0.0).delay.count() == 0);
    BOOST_TEST(decide(status(503, get), 1, 0.25).delay.count() == 25);
    BOOST_TEST(decide(status(503, get), 3, 0.75).delay.count() == 300);
    BOOST_TEST(decide(status(503, get), 1, 0.999).delay.count() == 99);
}

BOOST_AUTO_TEST_CASE(full_jitter_cap_stops_at_max_backoff) {
    auto p = policy();
    p.max_attempts = 20;
    p.max_backoff = 1'000ms;
    detail::retry_budget budget(p);
    // caps 100, 200, 400, 800, 1000, 1000, ...
    const std::int64_t expected[] = {100, 200, 400, 800, 1000, 1000, 1000};
    for (std::uint32_t attempt = 1; attempt <= 7; ++attempt) {
        BOOST_TEST_CONTEXT("attempt " << attempt) {
            auto r = detail::decide_retry(p, status(502, get), attempt, 1.0, plenty, budget);
            BOOST_REQUIRE(r.retry);
            BOOST_TEST(r.delay.count() == expected[attempt - 1]);
        }
    }
    auto far = detail::decide_retry(p, status(502, get), 19, 0.5, plenty, budget);
    BOOST_REQUIRE(far.retry);
    BOOST_TEST(far.delay.count() == 500);
}

BOOST_AUTO_TEST_CASE(transport_failure_delay_uses_the_same_jitter) {
    auto r = decide(failure(boost::asio::error::connection_reset, get), 2, 0.5);
    BOOST_REQUIRE(r.retry);
    BOOST_TEST(r.delay.count() == 100);
}

BOOST_AUTO_TEST_CASE(retry_after_overrides_the_jitter) {
    auto o = status(429, get);
    o.retry_after = 7'000ms;
    auto r = decide(o, 1, 0.5);
    BOOST_REQUIRE(r.retry);
    BOOST_TEST(r.delay.count() == 7'000);

    o.retry_after = 0ms;
    r = decide(o, 3, 0.9);
    BOOST_REQUIRE(r.retry);
    BOOST_TEST(r.delay.count() == 0);
}

// The case: the Hub says 5 s, the policy waits at most 1 s itself: retrying after 1 s
// would only be throttled again (three 429s in 2 s). The call fails at once instead.
BOOST_AUTO_TEST_CASE(a_stated_wait_above_max_retry_after_fails_at_once_and_is_never_shortened) {
    auto p = policy();
    p.max_retry_after = 1'000ms;
    detail::retry_budget budget(p);
    auto o = status(429, get);
    o.retry_after = 5'000ms;
    auto r = detail::decide_retry(p, o, 1, 0.5, 10'000ms, budget);
    BOOST_TEST(!r.retry);
    BOOST_TEST(std::string(r.why) == "the server's wait is longer than max_retry_after");
    BOOST_TEST(budget.balance() == p.budget_reserve);
}

BOOST_AUTO_TEST_CASE(a_stated_wait_at_or_below_max_retry_after_is_waited_out_exactly) {
    auto p = policy();
    p.max_retry_after = 5'000ms;
    for (auto wait : {0ms, 1ms, 999ms, 4'999ms, 5'000ms}) {
        BOOST_TEST_CONTEXT("wait " << wait.count() << " ms") {
            detail::retry_budget budget(p);
            auto o = status(429, get);
            o.retry_after = wait;
            auto r = detail::decide_retry(p, o, 1, 0.9, 10'000ms, budget);
            BOOST_REQUIRE(r.retry);
            BOOST_TEST(r.delay.count() == wait.count());
        }
    }
    detail::retry_budget budget(p);
    auto o = status(429, get);
    o.retry_after = 5'001ms;
    BOOST_TEST(!detail::decide_retry(p, o, 1, 0.9, 10'000ms, budget).retry);
}

BOOST_AUTO_TEST_CASE(a_stated_wait_that_would_pass_the_deadline_fails_at_once) {
    auto p = policy();
    detail::retry_budget budget(p);
    auto o = status(429, get);
    o.retry_after = 5'000ms;
    BOOST_TEST(!detail::decide_retry(p, o, 1, 0.5, 5'000ms, budget).retry);  // would end at the deadline
    BOOST_TEST(!detail::decide_retry(p, o, 1, 0.5, 4'999ms, budget).retry);
    BOOST_TEST(detail::decide_retry(p, o, 1, 0.5, 5'001ms, budget).retry);
}

BOOST_AUTO_TEST_CASE(a_stated_wait_is_not_retried_at_all_when_not_honoured) {
    auto p = policy();
    p.honour_retry_after = false;
    detail::retry_budget budget(p);
    auto o = status(503, get);
    o.retry_after = 7'000ms;
    auto r = detail::decide_retry(p, o, 2, 0.5, plenty, budget);
    BOOST_TEST(!r.retry);  // never sooner than the server said, so not at all
    o.retry_after.reset();
    r = detail::decide_retry(p, o, 2, 0.5, plenty, budget);
    BOOST_REQUIRE(r.retry);  // no stated wait: the jitter as usual
    BOOST_TEST(r.delay.count() == 100);
}

BOOST_AUTO_TEST_CASE(retry_after_does_not_make_a_post_retryable) {
    auto o = status(503, post);
    o.retry_after = 1'000ms;
    BOOST_TEST(!decide(o).retry);
}

BOOST_AUTO_TEST_CASE(no_retry_when_the_delay_would_reach_the_deadline) {
    auto p = policy();
    detail::retry_budget budget(p);
    // attempt 3, draw 0.5: delay 200 ms
    BOOST_TEST(detail::decide_retry(p, status(503, get), 3, 0.5, 201ms, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, status(503, get), 3, 0.5, 200ms, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, status(503, get), 3, 0.5, 10ms, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, status(503, get), 1, 0.0, 0ms, budget).retry);

    auto o = status(429, get);
    o.retry_after = 5'000ms;
    BOOST_TEST(!detail::decide_retry(p, o, 1, 0.0, 4'999ms, budget).retry);
    BOOST_TEST(detail::decide_retry(p, o, 1, 0.0, 5'001ms, budget).retry);
}

// The budget

BOOST_AUTO_TEST_CASE(budget_reserve_allows_that_many_retries_before_any_first_attempt) {
    hub::retry_policy p;
    p.budget_reserve = 2;
    p.budget_ratio = 0.5;
    detail::retry_budget budget(p);
    BOOST_TEST(budget.balance() == 2.0);
    BOOST_TEST(budget.try_spend());
    BOOST_TEST(budget.try_spend());
    BOOST_TEST(!budget.try_spend());
    BOOST_TEST(budget.balance() == 0.0);
}

BOOST_AUTO_TEST_CASE(budget_first_attempts_earn_ratio_of_a_retry_each) {
    hub::retry_policy p;
    p.budget_reserve = 2;
    p.budget_ratio = 0.5;
    detail::retry_budget budget(p);
    BOOST_TEST(budget.try_spend());
    BOOST_TEST(budget.try_spend());
    budget.on_first_attempt();
    BOOST_TEST(budget.balance() == 0.5);
    BOOST_TEST(!budget.try_spend());
    budget.on_first_attempt();
    BOOST_TEST(budget.try_spend());
    BOOST_TEST(!budget.try_spend());
}

BOOST_AUTO_TEST_CASE(budget_balance_is_capped) {
    hub::retry_policy p;
    p.budget_reserve = 2;
    p.budget_ratio = 0.5;
    detail::retry_budget budget(p);
    for (int i = 0; i < 10'000; ++i) budget.on_first_attempt();
    // cap = reserve + 100 x ratio = 52 retries at most, however many first attempts came before
    BOOST_TEST(budget.balance() == 52.0);
    int spent = 0;
    while (budget.try_spend()) ++spent;
    BOOST_TEST(spent == 52);
}

BOOST_AUTO_TEST_CASE(decide_retry_spends_from_the_budget_only_when_it_says_yes) {
    auto p = policy();
    p.budget_reserve = 2;
    p.budget_ratio = 0.5;
    detail::retry_budget budget(p);

    // No: not retryable, no attempts left, past the deadline. Nothing is spent.
    BOOST_TEST(!detail::decide_retry(p, status(404, get), 1, 0.5, plenty, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, status(503, post), 1, 0.5, plenty, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, status(503, get), p.max_attempts, 0.5, plenty, budget).retry);
    BOOST_TEST(!detail::decide_retry(p, status(503, get), 1, 0.5, 1ms, budget).retry);
    BOOST_TEST(budget.balance() == 2.0);

    // Yes twice: each spends one.
    BOOST_TEST(detail::decide_retry(p, status(503, get), 1, 0.5, plenty, budget).retry);
    BOOST_TEST(budget.balance() == 1.0);
    BOOST_TEST(detail::decide_retry(p, status(503, get), 1, 0.5, plenty, budget).retry);
    BOOST_TEST(budget.balance() == 0.0);

    // Exhausted: a retryable failure is not retried.
    auto r = detail::decide_retry(p, status(503, get), 1, 0.5, plenty, budget);
    BOOST_TEST(!r.retry);
    BOOST_TEST(r.delay.count() == 0);

    // Two first attempts earn one more.
    budget.on_first_attempt();
    budget.on_first_attempt();
    BOOST_TEST(detail::decide_retry(p, failure(boost::asio::error::connection_refused, post, true), 1, 0.5, plenty,
                                    budget)
                   .retry);
    BOOST_TEST(!detail::decide_retry(p, failure(boost::asio::error::connection_refused, post, true), 1, 0.5, plenty,
                                     budget)
                    .retry);
}

BOOST_AUTO_TEST_CASE(a_refused_decision_has_no_delay) {
    auto o = status(429, get);
    o.retry_after = 5'000ms;
    auto p = policy();
    detail::retry_budget budget(p);
    auto r = detail::decide_retry(p, o, 1, 0.5, 1'000ms, budget);
    BOOST_TEST(!r.retry);
    BOOST_TEST(r.delay.count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
