// The pool's Asio shell (src/io/connection_pool.hpp) with a fake connection: what it posts,
// when, and that nothing is lost to cancellation; its decisions are pool_fsm's (tested on a
// manual clock in pool_state_tests.cpp). No sleeps: deadlines here are already past or far off.
#include "io/connection_pool.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using namespace std::chrono_literals;
using boost::system::error_code;

namespace {

// Which fake connections exist, and whether each is still usable.
struct tracker {
    std::map<int, bool> alive;  // id -> usable
    int made = 0;
    detail::io_result open_result{};  // what the next open() gives
    bool resume = false;
};

struct fake_connection {
    fake_connection(tracker& t, int i) : t_(&t), id(i) { t_->alive[id] = true; }
    ~fake_connection() { t_->alive.erase(id); }
    fake_connection(const fake_connection&) = delete;
    fake_connection& operator=(const fake_connection&) = delete;
    bool usable() { return t_->alive.at(id); }
    bool resumed() const { return t_->resume; }
    asio::awaitable<detail::io_result> open(std::chrono::steady_clock::time_point) { co_return t_->open_result; }

    tracker* t_;
    int id;
};

using pool_t = detail::connection_pool<fake_connection>;
using lease_t = pool_t::lease;
using clock = std::chrono::steady_clock;

struct wait_outcome {
    bool done = false;
    error_code ec;
    lease_t lease;
};

struct pool_fixture {
    tracker conns;  // first: outlives any connection still held by a handler in `ctx`
    asio::io_context ctx;

    pool_t make_pool(std::size_t max) {
        return pool_t(ctx.get_executor(), max, 30s, [this] { return std::make_unique<fake_connection>(conns, ++conns.made); });
    }

    // A connection in the pool's hands: a slot, opened.
    lease_t opened(pool_t& pool) {
        auto l = pool.try_acquire(false);
        BOOST_REQUIRE(l);
        BOOST_REQUIRE(!l->connection);
        auto f = asio::co_spawn(ctx, pool.open(*l, clock::now() + 10s), asio::use_future);
        ctx.restart();
        ctx.run();
        BOOST_REQUIRE(!f.get());
        return std::move(*l);
    }

    std::shared_ptr<wait_outcome> wait(pool_t& pool, clock::time_point deadline, asio::cancellation_slot slot = {},
                                       bool fresh = false) {
        auto out = std::make_shared<wait_outcome>();
        pool.async_wait(deadline, fresh, asio::bind_cancellation_slot(slot, [out](error_code ec, lease_t l) {
                            out->done = true;
                            out->ec = ec;
                            out->lease = std::move(l);
                        }));
        return out;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(connection_pool, pool_fixture)

BOOST_AUTO_TEST_CASE(a_slot_is_filled_by_open_which_makes_and_counts_the_connection) {
    auto pool = make_pool(2);
    conns.resume = true;
    auto l = opened(pool);
    BOOST_REQUIRE(l.connection);
    BOOST_TEST(l.connection->id == 1);
    BOOST_TEST(!l.reused);
    BOOST_TEST(pool.stats().opened == 1u);
    BOOST_TEST(pool.stats().resumed == 1u);
    BOOST_TEST(pool.stats().in_use == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_open_frees_its_slot_and_counts_no_connection) {
    auto pool = make_pool(1);
    conns.open_result = {asio::error::connection_refused, detail::io_phase::connecting};
    auto l = pool.try_acquire(false);
    BOOST_REQUIRE(l);
    auto f = asio::co_spawn(ctx, pool.open(*l, clock::now() + 10s), asio::use_future);
    ctx.run();
    auto r = f.get();
    BOOST_TEST((r.error == asio::error::connection_refused));
    BOOST_TEST(!l->connection);
    BOOST_TEST(conns.alive.empty());
    BOOST_TEST(pool.stats().opened == 0u);
    BOOST_TEST(pool.stats().in_use == 0u);
    BOOST_TEST(pool.try_acquire(false).has_value());  // the slot is free again
}

BOOST_AUTO_TEST_CASE(a_released_usable_connection_is_lent_again_and_an_unusable_one_is_evicted) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    pool.release(std::move(l.connection), true);
    auto again = pool.try_acquire(false);
    BOOST_REQUIRE(again);
    BOOST_REQUIRE(again->connection);
    BOOST_TEST(again->reused);
    pool.release(std::move(again->connection), true);
    conns.alive.at(1) = false;  // the server closed it meanwhile
    auto third = pool.try_acquire(false);
    BOOST_REQUIRE(third);
    BOOST_TEST(!third->connection);  // a slot for a new one
    BOOST_TEST(pool.stats().evicted == 1u);
    BOOST_TEST(conns.alive.empty());
}

BOOST_AUTO_TEST_CASE(a_waiter_is_handed_the_released_connection_by_a_posted_completion) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    auto w = wait(pool, clock::now() + 10s);
    ctx.restart();
    ctx.poll();
    BOOST_TEST(!w->done);
    BOOST_TEST(pool.stats().waiting == 1u);
    pool.release(std::move(l.connection), true);
    BOOST_TEST(!w->done);  // never inside release
    ctx.poll();
    BOOST_REQUIRE(w->done);
    BOOST_TEST(!w->ec);
    BOOST_REQUIRE(w->lease.connection);
    BOOST_TEST(w->lease.connection->id == 1);
    BOOST_TEST(w->lease.reused);
}

BOOST_AUTO_TEST_CASE(a_wait_while_a_slot_is_free_is_lent_it_posted_and_queues_nothing) {
    auto pool = make_pool(2);
    auto w = wait(pool, clock::now() + 10s);
    BOOST_TEST(!w->done);  // never inside async_wait
    BOOST_TEST(pool.stats().waiting == 0u);
    ctx.poll();
    BOOST_REQUIRE(w->done);
    BOOST_TEST(!w->ec);
    BOOST_TEST(!w->lease.connection);  // a slot
    BOOST_TEST(pool.stats().in_use == 1u);
}

BOOST_AUTO_TEST_CASE(a_wait_while_an_idle_connection_is_usable_is_lent_it_reused) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    pool.release(std::move(l.connection), true);
    auto w = wait(pool, clock::now() + 10s);
    BOOST_TEST(!w->done);
    ctx.restart();
    ctx.poll();
    BOOST_REQUIRE(w->done);
    BOOST_TEST(!w->ec);
    BOOST_REQUIRE(w->lease.connection);
    BOOST_TEST(w->lease.reused);
    BOOST_TEST(pool.stats().waiting == 0u);
}

BOOST_AUTO_TEST_CASE(a_wait_whose_deadline_has_passed_ends_with_pool_timeout_and_leaves_no_waiter) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    auto w = wait(pool, clock::now() - 1ms);
    ctx.restart();
    ctx.run();  // returns: the timer fired, and nothing else is pending
    BOOST_REQUIRE(w->done);
    BOOST_TEST((w->ec == hub::error::pool_timeout));
    BOOST_TEST(pool.stats().waiting == 0u);
    pool.release(std::move(l.connection), true);
    BOOST_TEST(pool.stats().idle == 1u);  // nobody waited for it any more
}

BOOST_AUTO_TEST_CASE(once_nobody_waits_the_pool_leaves_no_work_behind_so_run_returns) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    auto w = wait(pool, clock::now() + 1h);  // a far deadline: an armed timer would keep run() going
    pool.release(std::move(l.connection), true);
    ctx.restart();
    ctx.run();
    BOOST_TEST(w->done);
}

BOOST_AUTO_TEST_CASE(a_cancelled_wait_ends_with_operation_aborted_and_leaks_nothing) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    asio::cancellation_signal cancel;
    auto w = wait(pool, clock::now() + 1h, cancel.slot());
    ctx.restart();
    ctx.poll();
    cancel.emit(asio::cancellation_type::terminal);
    ctx.run();
    BOOST_REQUIRE(w->done);
    BOOST_TEST((w->ec == asio::error::operation_aborted));
    BOOST_TEST(pool.stats().waiting == 0u);
    pool.release(std::move(l.connection), true);
    BOOST_TEST(pool.stats().idle == 1u);
    BOOST_TEST(pool.stats().in_use == 0u);
}

BOOST_AUTO_TEST_CASE(a_cancellation_racing_a_grant_loses_no_connection) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    asio::cancellation_signal cancel;
    auto w = wait(pool, clock::now() + 1h, cancel.slot());
    ctx.restart();
    ctx.poll();
    pool.release(std::move(l.connection), true);  // granted, its completion posted...
    cancel.emit(asio::cancellation_type::terminal);  // ...and cancelled before it ran
    ctx.run();
    BOOST_REQUIRE(w->done);
    BOOST_TEST(!w->ec);
    BOOST_REQUIRE(w->lease.connection);  // the waiter has it; it may give it back
    pool.release(std::move(w->lease.connection), true);
    BOOST_TEST(pool.stats().idle == 1u);
    BOOST_TEST(pool.stats().in_use == 0u);
}

BOOST_AUTO_TEST_CASE(a_fresh_waiter_is_handed_a_slot_and_the_released_connection_is_closed) {
    auto pool = make_pool(1);
    auto l = opened(pool);
    auto w = wait(pool, clock::now() + 10s, {}, true);
    ctx.restart();
    ctx.poll();
    pool.release(std::move(l.connection), true);
    ctx.poll();
    BOOST_REQUIRE(w->done);
    BOOST_TEST(!w->lease.connection);
    BOOST_TEST(conns.alive.empty());
}

BOOST_AUTO_TEST_SUITE_END()
