// The exchange state machine (src/sansio/exchange_fsm.hpp) on a manual clock: every path a call
// can take — first try, stale-connection retry, policy retries with backoff, Retry-After, budget,
// attempt and whole-call deadlines, cancellation — as the sequence of actions it asks for.
#include "sansio/exchange_fsm.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/test/unit_test.hpp>

#include <boost/system/errc.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using namespace std::chrono_literals;
using kind = detail::exchange_fsm::action::kind;
using detail::io_phase;
using boost::system::error_code;

namespace {

struct fsm_fixture {
    using clock = detail::exchange_fsm::clock;
    clock::time_point now = clock::time_point{} + 1000s;
    hub::retry_policy policy{};
    detail::retry_budget budget{policy};
    detail::call_counters counters;
    detail::exchange_settings settings() {
        detail::exchange_settings s;
        s.retry = &policy;
        s.budget = &budget;
        s.counters = &counters;
        s.deadline = now + 30s;
        return s;
    }
    static detail::exchange_fsm::exchanged answer(unsigned status, bool keep = true) {
        detail::exchange_fsm::exchanged e;
        e.status = status;
        e.keep_alive = keep;
        e.sent_any = e.received_any = true;
        return e;
    }
    static detail::exchange_fsm::exchanged broken(error_code ec, bool received, io_phase phase = io_phase::waiting) {
        detail::exchange_fsm::exchanged e;
        e.error = ec;
        e.phase = phase;
        e.sent_any = true;
        e.received_any = received;
        return e;
    }
    // The attempt under way ends with `e`; the call must go on (at once or after a wait) to a
    // new attempt on a new connection, whose exchange it then asks for.
    void next_attempt(detail::exchange_fsm& m, const detail::exchange_fsm::exchanged& e) {
        auto a = m.on_exchanged(now, e, 0.0);
        BOOST_REQUIRE((a.what == kind::release));
        a = m.on_released();
        if (a.what == kind::wait) a = m.on_waited({});
        BOOST_REQUIRE((a.what == kind::acquire));
        BOOST_REQUIRE((m.on_lease(now, {}, io_phase::connecting, false, 0.0).what == kind::exchange));
    }
    // The attempt under way is answered `status`: what the call ends with.
    detail::exchange_fsm::action last_answer(detail::exchange_fsm& m, unsigned status) {
        BOOST_REQUIRE((m.on_exchanged(now, answer(status), 0.0).what == kind::release));
        auto a = m.on_released();
        BOOST_REQUIRE((a.what == kind::done));
        return a;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(exchange_fsm, fsm_fixture)

BOOST_AUTO_TEST_CASE(a_first_try_that_is_answered_acquires_exchanges_releases_and_is_done) {
    detail::exchange_fsm m(settings(), true);
    auto a = m.start();
    BOOST_TEST((a.what == kind::acquire));
    BOOST_TEST(a.first);
    BOOST_TEST(!a.fresh);
    BOOST_TEST((a.deadline == now + 30s));
    a = m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    BOOST_TEST((a.what == kind::exchange));
    BOOST_TEST((a.deadline == now + 30s));
    a = m.on_exchanged(now, answer(200), 0.5);
    BOOST_TEST((a.what == kind::release));
    BOOST_TEST(a.keep);
    a = m.on_released();
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST(!a.error);
    auto c = counters.snapshot();
    BOOST_TEST(c.calls == 1u);
    BOOST_TEST(c.attempts == 1u);
    BOOST_TEST(c.requests_sent == 1u);
    BOOST_TEST(c.answers_2xx == 1u);
}

BOOST_AUTO_TEST_CASE(an_answer_saying_connection_close_gives_the_connection_back_not_kept) {
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, false, 0.5);
    auto a = m.on_exchanged(now, answer(404, false), 0.5);
    BOOST_TEST((a.what == kind::release));
    BOOST_TEST(!a.keep);
    BOOST_TEST((m.on_released().what == kind::done));
    BOOST_TEST(counters.snapshot().answers_4xx == 1u);
}

BOOST_AUTO_TEST_CASE(a_reused_connection_that_fails_before_any_answer_byte_is_retried_once_at_once_on_a_fresh_one) {
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    auto a = m.on_exchanged(now, broken(hub::error::connection_closed, false), 0.5);
    BOOST_TEST((a.what == kind::release));
    BOOST_TEST(!a.keep);
    a = m.on_released();
    BOOST_TEST((a.what == kind::acquire));
    BOOST_TEST(!a.first);
    BOOST_TEST(a.fresh);
    BOOST_TEST(a.note == "on a fresh connection");
    (void)m.on_lease(now, {}, io_phase::connecting, false, 0.5);
    (void)m.on_exchanged(now, answer(200), 0.5);
    BOOST_TEST((m.on_released().what == kind::done));
    BOOST_TEST(counters.snapshot().stale_retries == 1u);
    BOOST_TEST(counters.snapshot().attempts == 2u);
    BOOST_TEST(m.attempts() == 1u);  // outside the policy: it does not use up an attempt
}

BOOST_AUTO_TEST_CASE(the_stale_retry_is_made_only_once_then_the_policy_decides) {
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    (void)m.on_exchanged(now, broken(hub::error::connection_closed, false), 0.5);
    (void)m.on_released();
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);  // reused again (say the pool had another)
    (void)m.on_exchanged(now, broken(hub::error::connection_closed, false), 0.5);
    auto a = m.on_released();
    BOOST_TEST((a.what == kind::wait));  // a policy retry now, with backoff
    BOOST_TEST(a.delay.count() == 50);   // draw 0.5 of the first cap (100 ms)
    BOOST_TEST(counters.snapshot().stale_retries == 1u);
    BOOST_TEST(counters.snapshot().retries_broken == 1u);
}

BOOST_AUTO_TEST_CASE(a_create_is_never_sent_twice_after_its_request_may_have_arrived) {
    detail::exchange_fsm m(settings(), false);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    (void)m.on_exchanged(now, broken(hub::error::connection_closed, false), 0.5);
    auto a = m.on_released();
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST((a.error == hub::error::connection_closed));
    BOOST_TEST((a.phase == io_phase::waiting));
    BOOST_TEST(counters.snapshot().transport_failures == 1u);
}

BOOST_AUTO_TEST_CASE(a_create_that_could_not_connect_is_retried_since_it_never_left) {
    detail::exchange_fsm m(settings(), false);
    (void)m.start();
    auto a = m.on_lease(now, asio::error::connection_refused, io_phase::connecting, false, 0.25);
    BOOST_TEST((a.what == kind::wait));
    BOOST_TEST(a.delay.count() == 25);
    now += a.delay;
    a = m.on_waited({});
    BOOST_TEST((a.what == kind::acquire));
    BOOST_TEST(m.attempts() == 2u);
    BOOST_TEST(counters.snapshot().retries_connect == 1u);
}

BOOST_AUTO_TEST_CASE(a_retryable_status_is_retried_with_a_growing_jittered_backoff_for_idempotent_calls) {
    policy.max_attempts = 4;
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    for (int expected : {50, 100, 200}) {  // draws of 0.5 under caps of 100, 200, 400 ms
        (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
        auto a = m.on_exchanged(now, answer(503), 0.5);
        BOOST_TEST((a.what == kind::release));
        BOOST_TEST(a.keep);  // the answer was whole: the connection may serve again
        a = m.on_released();
        BOOST_REQUIRE((a.what == kind::wait));
        BOOST_TEST(a.delay.count() == expected);
        now += a.delay;
        BOOST_TEST((m.on_waited({}).what == kind::acquire));
    }
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    (void)m.on_exchanged(now, answer(503), 0.5);
    auto a = m.on_released();
    BOOST_TEST((a.what == kind::done));  // attempts used up: the last answer stands
    BOOST_TEST(!a.error);
    BOOST_TEST(a.note == "no attempts left");
    BOOST_TEST(counters.snapshot().retries_status == 3u);
    BOOST_TEST(counters.snapshot().answers_5xx == 4u);
}

BOOST_AUTO_TEST_CASE(a_create_answered_503_is_not_retried) {
    detail::exchange_fsm m(settings(), false);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, false, 0.5);
    (void)m.on_exchanged(now, answer(503), 0.5);
    auto a = m.on_released();
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST(!a.error);
}

BOOST_AUTO_TEST_CASE(retry_after_sets_the_wait_and_one_past_the_deadline_ends_the_call_at_once) {
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    auto e = answer(429);
    e.retry_after = 2s;
    (void)m.on_exchanged(now, e, 0.5);
    auto a = m.on_released();
    BOOST_REQUIRE((a.what == kind::wait));
    BOOST_TEST(a.delay.count() == 2000);
    now += a.delay;
    (void)m.on_waited({});
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    e.retry_after = 60s;  // the call has 28 s left
    (void)m.on_exchanged(now, e, 0.5);
    a = m.on_released();
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST(!a.error);  // the 429 stands, and its wait with it
}

BOOST_AUTO_TEST_CASE(an_attempt_timeout_shorter_than_the_call_is_named_so_and_retried) {
    detail::exchange_settings s = settings();
    s.attempt_timeout = 2s;
    detail::exchange_fsm m(s, true);
    (void)m.start();
    auto a = m.on_lease(now, {}, io_phase::connecting, false, 0.5);
    BOOST_TEST((a.deadline == now + 2s));
    now += 2s;
    (void)m.on_exchanged(now, broken(hub::error::request_timeout, true), 0.5);
    a = m.on_released();
    BOOST_TEST((a.what == kind::wait));
    BOOST_TEST(counters.snapshot().retries_broken == 1u);
}

BOOST_AUTO_TEST_CASE(the_calls_own_deadline_passing_ends_it_with_request_timeout) {
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, false, 0.5);
    now += 30s;
    (void)m.on_exchanged(now, broken(hub::error::request_timeout, true, io_phase::reading), 0.5);
    auto a = m.on_released();
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST((a.error == hub::error::request_timeout));
    BOOST_TEST((a.phase == io_phase::reading));
}

BOOST_AUTO_TEST_CASE(no_retry_is_made_that_could_not_finish_before_the_deadline) {
    policy.initial_backoff = 10s;
    policy.max_backoff = 10s;
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    now += 25s;
    auto a = m.on_lease(now, asio::error::connection_refused, io_phase::connecting, false, 0.9);  // 9 s > 5 s left
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST((a.error == asio::error::connection_refused));
}

BOOST_AUTO_TEST_CASE(an_exhausted_budget_refuses_the_retry_and_says_so) {
    policy.budget_reserve = 0;
    policy.budget_ratio = 0;
    detail::retry_budget empty(policy);
    auto s = settings();
    s.budget = &empty;
    detail::exchange_fsm m(s, true);
    (void)m.start();
    auto a = m.on_lease(now, asio::error::connection_refused, io_phase::connecting, false, 0.5);
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST(a.note == "retry budget exhausted");
    BOOST_TEST(counters.snapshot().retries_refused_by_budget == 1u);
}

BOOST_AUTO_TEST_CASE(certificate_failures_and_pool_timeouts_end_the_call_at_once) {
    for (auto ec : {error_code(hub::error::tls_untrusted_certificate), error_code(hub::error::tls_hostname_mismatch)}) {
        detail::exchange_fsm m(settings(), true);
        (void)m.start();
        BOOST_TEST((m.on_lease(now, ec, io_phase::tls, false, 0.5).what == kind::done));
    }
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    auto a = m.on_lease(now, hub::error::pool_timeout, io_phase::queued, false, 0.5);
    BOOST_TEST((a.what == kind::done));
    BOOST_TEST((a.phase == io_phase::queued));
}

BOOST_AUTO_TEST_CASE(cancellation_in_any_step_ends_the_call_with_operation_aborted_and_discards_the_connection) {
    {
        detail::exchange_fsm m(settings(), true);
        (void)m.start();
        BOOST_TEST((m.on_lease(now, asio::error::operation_aborted, io_phase::queued, false, 0.5).error ==
                    asio::error::operation_aborted));
    }
    {
        detail::exchange_fsm m(settings(), true);
        (void)m.start();
        (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
        auto a = m.on_exchanged(now, broken(asio::error::operation_aborted, false), 0.5);
        BOOST_TEST(!a.keep);
        a = m.on_released();
        BOOST_TEST((a.error == asio::error::operation_aborted));  // not taken for a stale connection
    }
    {
        detail::exchange_fsm m(settings(), true);
        (void)m.start();
        (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
        (void)m.on_exchanged(now, answer(503), 0.5);
        (void)m.on_released();
        BOOST_TEST((m.on_waited(asio::error::operation_aborted).error == asio::error::operation_aborted));
    }
    BOOST_TEST(counters.snapshot().cancelled == 3u);
}

BOOST_AUTO_TEST_CASE(one_attempt_in_all_is_never_retried) {
    policy.max_attempts = 1;
    detail::exchange_fsm m(settings(), true);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, true, 0.5);
    (void)m.on_exchanged(now, answer(503), 0.5);
    BOOST_TEST((m.on_released().what == kind::done));
}

BOOST_AUTO_TEST_CASE(a_removal_answered_404_after_an_attempt_whose_answer_was_lost_is_done_as_removed_earlier) {
    const detail::exchange_fsm::exchanged lost[] = {answer(502), answer(503), answer(504),
                                                     broken(asio::error::connection_reset, false),
                                                     broken(hub::error::connection_closed, true, io_phase::reading),
                                                     broken(hub::error::attempt_timeout, false)};
    std::uint64_t taken = 0;
    for (const auto& first : lost) {
        BOOST_TEST_CONTEXT(first.status << " " << first.error.message()) {
            detail::exchange_fsm m(settings(), true, true);
            (void)m.start();
            (void)m.on_lease(now, {}, io_phase::connecting, false, 0.0);
            BOOST_TEST(!m.earlier_fate_unknown());
            next_attempt(m, first);
            BOOST_TEST(m.earlier_fate_unknown());
            auto a = last_answer(m, 404);
            BOOST_TEST(!a.error);
            BOOST_TEST(a.removed_earlier);
            BOOST_TEST(counters.snapshot().removed_earlier == ++taken);
        }
    }
    // Two lost answers, then the 404: the same.
    detail::exchange_fsm m(settings(), true, true);
    (void)m.start();
    (void)m.on_lease(now, {}, io_phase::connecting, false, 0.0);
    next_attempt(m, answer(504));
    next_attempt(m, broken(asio::error::connection_reset, false));
    BOOST_TEST(last_answer(m, 404).removed_earlier);
    BOOST_TEST(counters.snapshot().removed_earlier == taken + 1);
    BOOST_TEST(counters.snapshot().answers_4xx == taken + 1);
}

BOOST_AUTO_TEST_CASE(a_404_stays_an_answer_when_no_earlier_attempt_could_have_removed_it) {
    {  // the first attempt's
        detail::exchange_fsm m(settings(), true, true);
        (void)m.start();
        (void)m.on_lease(now, {}, io_phase::connecting, false, 0.0);
        BOOST_TEST(!last_answer(m, 404).removed_earlier);
    }
    {  // after a throttle: the Hub refused the first before acting on it
        detail::exchange_fsm m(settings(), true, true);
        (void)m.start();
        (void)m.on_lease(now, {}, io_phase::connecting, false, 0.0);
        next_attempt(m, answer(429));
        BOOST_TEST(!m.earlier_fate_unknown());
        BOOST_TEST(!last_answer(m, 404).removed_earlier);
    }
    {  // after a stale pooled connection: that request went nowhere
        detail::exchange_fsm m(settings(), true, true);
        (void)m.start();
        (void)m.on_lease(now, {}, io_phase::connecting, true, 0.0);
        next_attempt(m, broken(asio::error::connection_reset, false));
        BOOST_TEST(counters.snapshot().stale_retries == 1u);
        BOOST_TEST(!last_answer(m, 404).removed_earlier);
    }
    {  // after a failure to connect: nothing went out
        detail::exchange_fsm m(settings(), true, true);
        (void)m.start();
        auto a = m.on_lease(now, make_error_code(asio::error::connection_refused), io_phase::connecting, false, 0.0);
        BOOST_REQUIRE((a.what == kind::wait));
        BOOST_REQUIRE((m.on_waited({}).what == kind::acquire));
        (void)m.on_lease(now, {}, io_phase::connecting, false, 0.0);
        BOOST_TEST(!last_answer(m, 404).removed_earlier);
    }
    {  // a read is no removal: its 404 after a 504 is the token's absence
        detail::exchange_fsm m(settings(), true);
        (void)m.start();
        (void)m.on_lease(now, {}, io_phase::connecting, false, 0.0);
        next_attempt(m, answer(504));
        BOOST_TEST(!last_answer(m, 404).removed_earlier);
    }
    {  // another answer after a lost one stands as it is
        detail::exchange_fsm m(settings(), true, true);
        (void)m.start();
        (void)m.on_lease(now, {}, io_phase::connecting, false, 0.0);
        next_attempt(m, answer(502));
        BOOST_TEST(!last_answer(m, 403).removed_earlier);
    }
    BOOST_TEST(counters.snapshot().removed_earlier == 0u);
}

// The machine's state names the one event it waits for, along every legal path.
BOOST_AUTO_TEST_CASE(each_action_leads_to_the_state_that_waits_for_its_event) {
    using state = detail::exchange_fsm::state;
    detail::exchange_fsm m(settings(), true);
    BOOST_TEST((m.current() == state::idle));
    BOOST_TEST((m.start().what == kind::acquire));
    BOOST_TEST((m.current() == state::acquiring));
    BOOST_TEST((m.on_lease(now, {}, io_phase::connecting, true, 0.0).what == kind::exchange));
    BOOST_TEST((m.current() == state::exchanging));
    BOOST_TEST((m.on_exchanged(now, answer(503), 0.0).what == kind::release));
    BOOST_TEST((m.current() == state::releasing));
    BOOST_TEST((m.on_released().what == kind::wait));
    BOOST_TEST((m.current() == state::waiting));
    auto again = m.on_waited({});
    BOOST_TEST((again.what == kind::acquire));
    BOOST_TEST(!again.first);  // a later attempt's: the shell asks the pool for it
    BOOST_TEST((m.current() == state::acquiring));
    BOOST_TEST((m.on_lease(now, {}, io_phase::connecting, false, 0.0).what == kind::exchange));
    BOOST_TEST((m.on_exchanged(now, answer(200), 0.0).what == kind::release));
    BOOST_TEST((m.on_released().what == kind::done));
    BOOST_TEST((m.current() == state::done));
    BOOST_TEST(m.refused_events() == 0u);
}

// Every event fed in a state that does not allow it is refused: the call ends at once with an
// error, the machine counts it, and nothing else happens (no counter moves, no retry).
BOOST_AUTO_TEST_CASE(an_event_its_state_does_not_allow_is_refused_and_ends_the_call) {
    using state = detail::exchange_fsm::state;
    using fsm = detail::exchange_fsm;
    using event = std::function<fsm::action(fsm&)>;
    const std::vector<std::pair<std::string, event>> events{
        {"start", [](fsm& m) { return m.start(); }},
        {"on_lease", [this](fsm& m) { return m.on_lease(now, {}, io_phase::connecting, false, 0.0); }},
        {"on_exchanged", [this](fsm& m) { return m.on_exchanged(now, answer(200), 0.0); }},
        {"on_released", [](fsm& m) { return m.on_released(); }},
        {"on_waited", [](fsm& m) { return m.on_waited({}); }},
    };
    // Drives a new machine to `s` by legal events.
    auto machine_in = [&](state s) {
        auto m = std::make_unique<fsm>(settings(), true);
        if (s == state::idle) return m;
        (void)m->start();
        if (s == state::acquiring) return m;
        (void)m->on_lease(now, {}, io_phase::connecting, false, 0.0);
        if (s == state::exchanging) return m;
        (void)m->on_exchanged(now, answer(s == state::waiting ? 503 : 200), 0.0);
        if (s == state::releasing) return m;
        (void)m->on_released();  // 503: wait; 200: done
        return m;
    };
    const std::vector<std::pair<state, std::string>> allowed{
        {state::idle, "start"},           {state::acquiring, "on_lease"}, {state::exchanging, "on_exchanged"},
        {state::releasing, "on_released"}, {state::waiting, "on_waited"},  {state::done, ""},
    };
    for (const auto& [s, legal] : allowed) {
        for (const auto& [name, feed] : events) {
            if (name == legal) continue;
            auto m = machine_in(s);
            BOOST_TEST_REQUIRE((m->current() == s));
            const auto before = counters.snapshot();
            auto a = feed(*m);
            BOOST_TEST((a.what == kind::done), name << " in state " << static_cast<int>(s));
            BOOST_TEST((a.error == boost::system::errc::state_not_recoverable), name << " in state " << static_cast<int>(s));
            BOOST_TEST(m->refused_events() == 1u);
            BOOST_TEST((m->current() == state::done));
            const auto after = counters.snapshot();
            BOOST_TEST(after.attempts == before.attempts);
            BOOST_TEST(after.calls == before.calls);
            BOOST_TEST(after.transport_failures == before.transport_failures);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
