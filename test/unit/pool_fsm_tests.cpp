// The pool's bookkeeping (src/sansio/pool_fsm.hpp) on a manual clock: slots, reuse order, the
// FIFO queue, deadlines, idle eviction, fresh-only leases, counters. No executor, no sleeps.
#include "sansio/pool_fsm.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace detail = stencila::hub::detail;
using namespace std::chrono_literals;

namespace {

struct manual_clock {
    using duration = std::chrono::milliseconds;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<manual_clock>;
};

struct conn {
    explicit conn(int i) : id(i) {}
    int id;
};

using state = detail::pool_fsm<conn, int, manual_clock>;  // a waiter's payload: a number
using kind = state::taken::kind;
using ptr = std::unique_ptr<conn>;

struct fixture {
    manual_clock::time_point now{1000s};
    std::vector<ptr> doomed;
    ptr closed;

    std::optional<state::grant> give_back(state& s, int id, bool keep = true) {
        return s.release(std::make_unique<conn>(id), keep, now, closed);
    }
    // Takes a connection (confirming a candidate) or a slot; the connection's id, 0 for a slot.
    int take(state& s, bool fresh = false) {
        auto t = s.take(now, fresh, doomed);
        BOOST_REQUIRE((t.what != kind::none));
        if (t.what == kind::slot) return 0;
        s.confirm();
        return t.candidate->id;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pool_fsm, fixture)

BOOST_AUTO_TEST_CASE(an_empty_pool_lends_slots_up_to_its_limit_then_nothing) {
    state s(2, 30s);
    BOOST_TEST(take(s) == 0);
    BOOST_TEST(take(s) == 0);
    BOOST_TEST((s.take(now, false, doomed).what == kind::none));
    BOOST_TEST(s.stats().in_use == 2u);
}

BOOST_AUTO_TEST_CASE(a_limit_of_zero_still_allows_one) {
    state s(0, 30s);
    BOOST_TEST(take(s) == 0);
    BOOST_TEST((s.take(now, false, doomed).what == kind::none));
}

BOOST_AUTO_TEST_CASE(idle_connections_are_lent_most_recently_used_first) {
    state s(3, 30s);
    for (int i = 0; i < 3; ++i) take(s);
    for (int id : {1, 2, 3}) BOOST_TEST(!give_back(s, id));
    BOOST_TEST(take(s) == 3);
    BOOST_TEST(take(s) == 2);
    BOOST_TEST(s.stats().reused == 2u);
    BOOST_TEST(s.stats().idle == 1u);
}

BOOST_AUTO_TEST_CASE(waiters_are_served_first_come_first_served_with_the_released_connection) {
    state s(1, 30s);
    take(s);
    std::vector<ptr> none;
    for (int w = 1; w <= 3; ++w) BOOST_TEST(!s.enqueue(static_cast<unsigned>(w), now, now + 10s, false, w, none));
    for (int w = 1; w <= 3; ++w) {
        auto g = give_back(s, 40 + w);
        BOOST_REQUIRE(g);
        BOOST_TEST(g->payload == w);
        BOOST_TEST(g->granted.connection->id == 40 + w);
        BOOST_TEST(g->granted.reused);
    }
    BOOST_TEST(s.stats().in_use == 1u);  // the last waiter has it
    BOOST_TEST(!s.has_waiters());
}

BOOST_AUTO_TEST_CASE(nobody_jumps_the_queue_while_others_wait) {
    state s(2, 30s);
    take(s);
    take(s);
    BOOST_TEST(!s.enqueue(1, now, now + 10s, false, 1, doomed));
    BOOST_TEST(!s.enqueue(2, now, now + 10s, false, 2, doomed));
    auto g = give_back(s, 9);  // goes to the first waiter, never to the idle list
    BOOST_REQUIRE(g);
    BOOST_TEST(g->payload == 1);
    BOOST_TEST((s.take(now, false, doomed).what == kind::none));  // a newcomer waits behind waiter 2
    BOOST_TEST(s.stats().idle == 0u);
}

BOOST_AUTO_TEST_CASE(a_connection_not_kept_is_closed_and_its_slot_goes_to_the_first_waiter) {
    state s(1, 30s);
    take(s);
    BOOST_TEST(!s.enqueue(1, now, now + 10s, false, 7, doomed));
    auto g = give_back(s, 5, false);
    BOOST_REQUIRE(g);
    BOOST_TEST(g->payload == 7);
    BOOST_TEST(!g->granted.connection);  // a slot: the waiter opens a new one
    BOOST_TEST(!g->granted.reused);
    BOOST_REQUIRE(closed);
    BOOST_TEST(closed->id == 5);
    BOOST_TEST(s.stats().discarded == 1u);
}

BOOST_AUTO_TEST_CASE(a_connection_not_kept_with_nobody_waiting_frees_its_slot) {
    state s(1, 30s);
    take(s);
    BOOST_TEST(!give_back(s, 5, false));
    BOOST_TEST(s.stats().in_use == 0u);
    BOOST_TEST(s.stats().idle == 0u);
    BOOST_TEST(take(s) == 0);
}

BOOST_AUTO_TEST_CASE(a_failed_opening_gives_its_slot_back) {
    state s(1, 30s);
    take(s);
    BOOST_TEST(!s.release(nullptr, false, now, closed));
    BOOST_TEST(!closed);
    BOOST_TEST(s.stats().discarded == 0u);  // nothing was opened, nothing discarded
    BOOST_TEST(take(s) == 0);
}

BOOST_AUTO_TEST_CASE(enqueue_while_something_is_free_and_nobody_waits_queues_nothing) {
    state s(2, 30s);
    take(s);
    auto back = s.enqueue(1, now, now + 10s, false, 42, doomed);
    BOOST_REQUIRE(back);
    BOOST_TEST(*back == 42);
    BOOST_TEST(!s.has_waiters());
}

BOOST_AUTO_TEST_CASE(each_waiter_expires_at_its_own_deadline_whatever_the_queue_order) {
    state s(1, 30s);
    take(s);
    BOOST_TEST(!s.enqueue(1, now, now + 300ms, false, 1, doomed));
    BOOST_TEST(!s.enqueue(2, now, now + 100ms, false, 2, doomed));
    BOOST_TEST(!s.enqueue(3, now, now + 200ms, false, 3, doomed));
    BOOST_TEST((s.earliest_deadline() == std::optional(now + 100ms)));
    now += 150ms;
    BOOST_TEST(s.expire(now) == (std::vector<int>{2}), boost::test_tools::per_element());
    BOOST_TEST((s.earliest_deadline() == std::optional(now + 50ms)));
    now += 100ms;
    BOOST_TEST(s.expire(now) == (std::vector<int>{3}), boost::test_tools::per_element());
    now += 100ms;
    BOOST_TEST(s.expire(now) == (std::vector<int>{1}), boost::test_tools::per_element());
    BOOST_TEST(!s.earliest_deadline());
    BOOST_TEST(s.stats().waiting == 0u);
}

BOOST_AUTO_TEST_CASE(a_cancelled_waiter_leaves_the_queue_once) {
    state s(1, 30s);
    take(s);
    BOOST_TEST(!s.enqueue(1, now, now + 10s, false, 11, doomed));
    BOOST_TEST(!s.enqueue(2, now, now + 10s, false, 22, doomed));
    auto p = s.cancel(1);
    BOOST_REQUIRE(p);
    BOOST_TEST(*p == 11);
    BOOST_TEST(!s.cancel(1));  // gone already: a cancellation racing the grant finds nothing
    auto g = give_back(s, 5);
    BOOST_REQUIRE(g);
    BOOST_TEST(g->payload == 22);
}

BOOST_AUTO_TEST_CASE(an_unusable_candidate_is_evicted_and_its_slot_goes_to_a_waiter_that_came_meanwhile) {
    state s(1, 30s);
    take(s);
    give_back(s, 5);
    auto t = s.take(now, false, doomed);
    BOOST_REQUIRE((t.what == kind::candidate));
    BOOST_TEST(!s.enqueue(1, now, now + 10s, false, 9, doomed));  // came while the candidate was checked
    auto g = s.reject(std::move(t.candidate), now, closed);
    BOOST_REQUIRE(g);
    BOOST_TEST(g->payload == 9);
    BOOST_TEST(!g->granted.connection);
    BOOST_TEST(closed->id == 5);
    BOOST_TEST(s.stats().evicted == 1u);
    BOOST_TEST(s.stats().reused == 0u);
}

BOOST_AUTO_TEST_CASE(connections_idle_longer_than_the_idle_timeout_are_closed_when_the_pool_is_next_used) {
    state s(3, 30s);
    for (int i = 0; i < 3; ++i) take(s);
    give_back(s, 1);
    now += 20s;
    give_back(s, 2);
    give_back(s, 3);
    now += 15s;  // 1 has been idle 35 s, 2 and 3 15 s
    BOOST_TEST(take(s) == 3);
    BOOST_REQUIRE(doomed.size() == 1u);
    BOOST_TEST(doomed[0]->id == 1);
    BOOST_TEST(s.stats().evicted == 1u);
    now += 20s;  // 2: 35 s
    s.evict_expired(now, doomed);
    BOOST_TEST(doomed.size() == 2u);
    BOOST_TEST(s.stats().idle == 0u);
}

BOOST_AUTO_TEST_CASE(a_fresh_lease_never_gets_an_idle_connection_and_at_the_limit_closes_the_oldest) {
    state s(2, 30s);
    take(s);
    take(s);
    give_back(s, 1);
    give_back(s, 2);
    BOOST_TEST(take(s, true) == 0);  // a slot, made by closing the oldest idle one
    BOOST_REQUIRE(doomed.size() == 1u);
    BOOST_TEST(doomed[0]->id == 1);
    BOOST_TEST(s.stats().idle == 1u);
    BOOST_TEST(s.stats().evicted == 1u);
}

BOOST_AUTO_TEST_CASE(a_fresh_waiter_is_never_handed_a_released_connection) {
    state s(1, 30s);
    take(s);
    BOOST_TEST(!s.enqueue(1, now, now + 10s, true, 1, doomed));
    auto g = give_back(s, 5, true);
    BOOST_REQUIRE(g);
    BOOST_TEST(!g->granted.connection);
    BOOST_TEST(closed->id == 5);
    BOOST_TEST(s.stats().evicted == 1u);
}

BOOST_AUTO_TEST_CASE(counters_count_opened_resumed_reused_discarded_and_what_is_held_now) {
    state s(3, 30s);
    take(s);
    s.opened(false);
    take(s);
    s.opened(true);
    give_back(s, 1);
    take(s);  // reused
    give_back(s, 1, false);
    auto st = s.stats();
    BOOST_TEST(st.opened == 2u);
    BOOST_TEST(st.resumed == 1u);
    BOOST_TEST(st.reused == 1u);
    BOOST_TEST(st.discarded == 1u);
    BOOST_TEST(st.in_use == 1u);
    BOOST_TEST(st.idle == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
