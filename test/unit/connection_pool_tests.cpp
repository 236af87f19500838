// The keep-alive pool (src/detail/connection_pool.hpp), driven with a fake connection on an
// io_context: reuse order, the slot limit, the FIFO wait, deadlines, cancellation, eviction.
#include "detail/connection_pool.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using namespace std::chrono_literals;

namespace {

// Which fake connections exist, and whether each is still usable.
struct tracker {
    std::map<int, bool> alive;  // id -> usable
};

struct fake_connection {
    fake_connection(tracker& t, int id) : t_(&t), id(id) { t_->alive[id] = true; }
    ~fake_connection() { t_->alive.erase(id); }
    fake_connection(const fake_connection&) = delete;
    fake_connection& operator=(const fake_connection&) = delete;
    bool usable() { return t_->alive.at(id); }

    tracker* t_;
    int id;
};

using pool_t = detail::connection_pool<fake_connection>;
using lease_t = pool_t::lease;

struct outcome {
    bool done = false;
    std::optional<lease_t> lease;
    std::exception_ptr error;

    [[nodiscard]] boost::system::error_code code() const {
        if (!error) return {};
        try {
            std::rethrow_exception(error);
        } catch (const boost::system::system_error& e) {
            return e.code();
        } catch (...) {
            return asio::error::fault;
        }
    }
    [[nodiscard]] int connection_id() const {
        return lease && lease->connection ? lease->connection->id : 0;  // 0 = a slot, no connection
    }
};

struct pool_fixture {
    tracker conns;  // first: outlives any connection still held by a handler in `ctx`
    asio::io_context ctx;
    asio::executor_work_guard<asio::io_context::executor_type> guard{ctx.get_executor()};

    std::unique_ptr<fake_connection> open(int id) { return std::make_unique<fake_connection>(conns, id); }

    // Starts an acquire as its own coroutine; `wait` is the deadline from now.
    std::shared_ptr<outcome> start(pool_t& pool, std::chrono::steady_clock::duration wait = 10s, bool fresh = false,
                                   asio::cancellation_slot slot = {}) {
        auto out = std::make_shared<outcome>();
        asio::co_spawn(ctx, pool.acquire(std::chrono::steady_clock::now() + wait, fresh),
                       asio::bind_cancellation_slot(slot, [out](std::exception_ptr e, lease_t l) {
                           out->done = true;
                           if (e) out->error = e;
                           else out->lease = std::move(l);
                       }));
        ctx.poll();
        return out;
    }

    // Runs handlers until `out` completes (or 2 s pass, which fails the test).
    void finish(const std::shared_ptr<outcome>& out) {
        auto until = std::chrono::steady_clock::now() + 2s;
        while (!out->done && std::chrono::steady_clock::now() < until) ctx.run_one_for(5ms);
        BOOST_REQUIRE_MESSAGE(out->done, "the acquire did not complete");
    }

    // An acquire that must complete at once.
    lease_t take(pool_t& pool, bool fresh = false) {
        auto out = start(pool, 10s, fresh);
        finish(out);
        BOOST_REQUIRE_MESSAGE(!out->error, "acquire failed: " << out->code().message());
        return std::move(*out->lease);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(connection_pool, pool_fixture)

BOOST_AUTO_TEST_CASE(empty_pool_lends_a_slot_without_connection) {
    pool_t pool(ctx.get_executor(), 2, 30s);
    auto l = take(pool);
    BOOST_TEST(!l.connection);
    BOOST_TEST(!l.reused);
    BOOST_TEST(pool.stats().in_use == 1u);
    BOOST_TEST(pool.stats().reused == 0u);
    pool.release(nullptr, true);
    BOOST_TEST(pool.stats().in_use == 0u);
    BOOST_TEST(pool.stats().idle == 0u);
}

BOOST_AUTO_TEST_CASE(idle_connections_are_reused_most_recent_first) {
    pool_t pool(ctx.get_executor(), 4, 30s);
    (void)take(pool);
    (void)take(pool);
    pool.release(open(1), true);
    pool.release(open(2), true);
    BOOST_TEST(pool.stats().idle == 2u);
    BOOST_TEST(pool.stats().in_use == 0u);

    auto a = take(pool);
    BOOST_REQUIRE(a.connection);
    BOOST_TEST(a.connection->id == 2);
    BOOST_TEST(a.reused);
    auto b = take(pool);
    BOOST_REQUIRE(b.connection);
    BOOST_TEST(b.connection->id == 1);
    BOOST_TEST(b.reused);
    auto s = pool.stats();
    BOOST_TEST(s.reused == 2u);
    BOOST_TEST(s.in_use == 2u);
    BOOST_TEST(s.idle == 0u);
    pool.release(std::move(a.connection), true);
    pool.release(std::move(b.connection), true);
}

BOOST_AUTO_TEST_CASE(acquire_beyond_the_limit_waits_for_a_release) {
    pool_t pool(ctx.get_executor(), 2, 30s);
    (void)take(pool);
    (void)take(pool);
    auto third = start(pool);
    ctx.run_for(20ms);
    BOOST_TEST(!third->done);
    BOOST_TEST(pool.stats().waiting == 1u);
    BOOST_TEST(pool.stats().in_use == 2u);

    pool.release(open(7), true);
    finish(third);
    BOOST_REQUIRE(!third->error);
    BOOST_TEST(third->connection_id() == 7);
    BOOST_TEST(third->lease->reused);
    auto s = pool.stats();
    BOOST_TEST(s.waiting == 0u);
    BOOST_TEST(s.in_use == 2u);
    BOOST_TEST(s.idle == 0u);
    BOOST_TEST(s.reused == 1u);
}

BOOST_AUTO_TEST_CASE(max_connections_of_zero_still_allows_one) {
    pool_t pool(ctx.get_executor(), 0, 30s);
    (void)take(pool);
    auto second = start(pool, 20ms);
    finish(second);
    BOOST_TEST((second->code() == make_error_code(hub::error::pool_timeout)));
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(waiters_are_served_first_come_first_served) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    auto a = start(pool);
    auto b = start(pool);
    auto c = start(pool);
    BOOST_TEST(pool.stats().waiting == 3u);

    pool.release(open(1), true);
    ctx.poll();
    BOOST_TEST(a->done);
    BOOST_TEST(!b->done);
    BOOST_TEST(!c->done);
    BOOST_TEST(a->connection_id() == 1);

    pool.release(std::move(a->lease->connection), true);
    ctx.poll();
    BOOST_TEST(b->done);
    BOOST_TEST(!c->done);
    BOOST_TEST(b->connection_id() == 1);

    pool.release(std::move(b->lease->connection), false);
    finish(c);
    BOOST_TEST(c->connection_id() == 0);
    BOOST_TEST(pool.stats().waiting == 0u);
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(release_without_keep_closes_and_hands_the_slot_to_a_waiter) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    auto conn = open(1);
    auto waiter = start(pool);
    BOOST_TEST(!waiter->done);

    pool.release(std::move(conn), false);
    finish(waiter);
    BOOST_REQUIRE(!waiter->error);
    BOOST_TEST(!waiter->lease->connection);  // a new slot: open a connection in it
    BOOST_TEST(!waiter->lease->reused);
    BOOST_TEST(conns.alive.empty());         // the released connection was closed
    auto s = pool.stats();
    BOOST_TEST(s.discarded == 1u);
    BOOST_TEST(s.in_use == 1u);
    BOOST_TEST(s.idle == 0u);
    BOOST_TEST(s.reused == 0u);
}

BOOST_AUTO_TEST_CASE(release_without_keep_and_no_waiter_frees_the_slot) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    pool.release(open(1), false);
    BOOST_TEST(conns.alive.empty());
    BOOST_TEST(pool.stats().in_use == 0u);
    BOOST_TEST(pool.stats().idle == 0u);
    BOOST_TEST(pool.stats().discarded == 1u);
    auto l = take(pool);
    BOOST_TEST(!l.connection);
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(wait_past_the_deadline_fails_with_pool_timeout_and_leaves_no_waiter) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    auto start_time = std::chrono::steady_clock::now();
    auto waiter = start(pool, 30ms);
    BOOST_TEST(pool.stats().waiting == 1u);
    finish(waiter);
    BOOST_TEST((std::chrono::steady_clock::now() - start_time >= 30ms));
    BOOST_TEST((waiter->code() == make_error_code(hub::error::pool_timeout)), waiter->code().message());
    auto s = pool.stats();
    BOOST_TEST(s.waiting == 0u);
    BOOST_TEST(s.in_use == 1u);

    // The timed-out waiter must not swallow the next release.
    pool.release(open(1), true);
    BOOST_TEST(pool.stats().in_use == 0u);
    BOOST_TEST(pool.stats().idle == 1u);
    auto l = take(pool);
    BOOST_TEST(l.connection);
    pool.release(std::move(l.connection), true);
}

BOOST_AUTO_TEST_CASE(each_waiter_times_out_at_its_own_deadline_whatever_the_queue_order) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    auto patient = start(pool, 10s);
    auto hasty = start(pool, 30ms);   // queued second, due first
    auto middle = start(pool, 60ms);
    BOOST_TEST(pool.stats().waiting == 3u);
    finish(hasty);
    BOOST_TEST((hasty->code() == make_error_code(hub::error::pool_timeout)));
    BOOST_TEST(!patient->done);
    finish(middle);
    BOOST_TEST((middle->code() == make_error_code(hub::error::pool_timeout)));
    BOOST_TEST(!patient->done);
    BOOST_TEST(pool.stats().waiting == 1u);

    // The one left still gets the next release.
    pool.release(open(4), true);
    finish(patient);
    BOOST_TEST(patient->connection_id() == 4);
    pool.release(std::move(patient->lease->connection), true);
    BOOST_TEST(pool.stats().waiting == 0u);
}

BOOST_AUTO_TEST_CASE(once_nobody_waits_the_pool_leaves_no_work_behind_so_run_returns) {
    asio::io_context io;  // no work guard: run() returns when the work is done
    pool_t pool(io.get_executor(), 1, 30s);
    auto deadline = std::chrono::steady_clock::now() + 60s;
    std::optional<lease_t> first, second;
    asio::co_spawn(io, pool.acquire(deadline), [&](std::exception_ptr, lease_t l) { first = std::move(l); });
    asio::co_spawn(io, pool.acquire(deadline), [&](std::exception_ptr, lease_t l) { second = std::move(l); });
    io.poll();
    BOOST_REQUIRE(first);
    BOOST_TEST(pool.stats().waiting == 1u);
    pool.release(open(1), true);  // to the waiter
    auto started = std::chrono::steady_clock::now();
    io.run();  // would sit until the 60 s deadline if the deadline timer stayed armed
    BOOST_TEST((std::chrono::steady_clock::now() - started < 30s));
    BOOST_REQUIRE(second);
    BOOST_TEST((second->connection && second->connection->id == 1));
    pool.release(std::move(second->connection), true);
}

// The race between try_acquire saying "nothing" and async_wait queueing: if something came free
// meanwhile and nobody waits, the wait must not queue (it could sit until its deadline).
BOOST_AUTO_TEST_CASE(wait_while_something_is_free_and_nobody_waits_says_try_again_and_queues_nothing) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    bool done = false;
    boost::system::error_code got;
    pool.async_wait(std::chrono::steady_clock::now() + 10s, false, [&](boost::system::error_code ec, lease_t l) {
        done = true;
        got = ec;
        BOOST_TEST(!l.connection);
    });
    BOOST_TEST(!done);  // never inside the initiating call
    BOOST_TEST(pool.stats().waiting == 0u);
    ctx.poll();
    BOOST_TEST(done);
    BOOST_TEST((got == asio::error::try_again), got.message());
    BOOST_TEST(pool.stats().in_use == 0u);  // no slot taken on the way
}

BOOST_AUTO_TEST_CASE(deadline_already_past_with_a_free_slot_still_lends_it) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    auto out = start(pool, -1s);
    finish(out);
    BOOST_TEST(!out->error);
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(cancelled_waiting_acquire_ends_with_operation_aborted_and_leaks_nothing) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    auto held = take(pool);
    asio::cancellation_signal cancel;
    auto waiter = start(pool, 10s, false, cancel.slot());
    auto other = start(pool, 10s);
    BOOST_TEST(pool.stats().waiting == 2u);

    cancel.emit(asio::cancellation_type::terminal);
    finish(waiter);
    BOOST_TEST((waiter->code() == asio::error::operation_aborted), waiter->code().message());
    BOOST_TEST(!waiter->lease);
    BOOST_TEST(!other->done);
    auto s = pool.stats();
    BOOST_TEST(s.waiting == 1u);
    BOOST_TEST(s.in_use == 1u);

    // The slot accounting is intact: the next release goes to the remaining waiter.
    pool.release(open(3), true);
    finish(other);
    BOOST_TEST(other->connection_id() == 3);
    pool.release(std::move(other->lease->connection), true);
    s = pool.stats();
    BOOST_TEST(s.in_use == 0u);
    BOOST_TEST(s.idle == 1u);
    BOOST_TEST(s.waiting == 0u);
    BOOST_TEST(conns.alive.size() == 1u);
}

BOOST_AUTO_TEST_CASE(cancellation_racing_a_grant_loses_no_connection) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    asio::cancellation_signal cancel;
    auto waiter = start(pool, 10s, false, cancel.slot());
    pool.release(open(5), true);                    // granted...
    cancel.emit(asio::cancellation_type::terminal);  // ...and cancelled before it could run
    finish(waiter);
    auto s = pool.stats();
    BOOST_TEST(conns.alive.size() == 1u);
    BOOST_TEST(s.waiting == 0u);
    if (waiter->error) {
        BOOST_TEST((waiter->code() == asio::error::operation_aborted));
        BOOST_TEST(s.in_use == 0u);  // the connection went back to the pool
        BOOST_TEST(s.idle == 1u);
    } else {
        BOOST_TEST(waiter->connection_id() == 5);
        BOOST_TEST(s.in_use == 1u);
        BOOST_TEST(s.idle == 0u);
        pool.release(std::move(waiter->lease->connection), true);
    }
}

BOOST_AUTO_TEST_CASE(unusable_idle_connections_are_evicted_and_counted) {
    pool_t pool(ctx.get_executor(), 3, 30s);
    (void)take(pool);
    (void)take(pool);
    (void)take(pool);
    pool.release(open(1), true);
    pool.release(open(2), true);
    pool.release(open(3), true);
    conns.alive[3] = false;  // e.g. the server closed it while idle
    conns.alive[2] = false;

    auto l = take(pool);
    BOOST_REQUIRE(l.connection);
    BOOST_TEST(l.connection->id == 1);
    BOOST_TEST(l.reused);
    BOOST_TEST(!conns.alive.count(2));
    BOOST_TEST(!conns.alive.count(3));
    auto s = pool.stats();
    BOOST_TEST(s.evicted == 2u);
    BOOST_TEST(s.reused == 1u);
    BOOST_TEST(s.idle == 0u);
    BOOST_TEST(s.in_use == 1u);
    pool.release(std::move(l.connection), true);
}

BOOST_AUTO_TEST_CASE(only_unusable_idle_connections_give_a_new_slot) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    pool.release(open(1), true);
    conns.alive[1] = false;
    auto l = take(pool);
    BOOST_TEST(!l.connection);
    BOOST_TEST(!l.reused);
    BOOST_TEST(conns.alive.empty());
    BOOST_TEST(pool.stats().evicted == 1u);
    BOOST_TEST(pool.stats().in_use == 1u);
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(connections_idle_longer_than_the_idle_timeout_are_evicted) {
    pool_t pool(ctx.get_executor(), 2, 1ms);
    (void)take(pool);
    pool.release(open(1), true);
    std::this_thread::sleep_for(5ms);
    auto l = take(pool);
    BOOST_TEST(!l.connection);
    BOOST_TEST(conns.alive.empty());
    BOOST_TEST(pool.stats().evicted == 1u);
    BOOST_TEST(pool.stats().reused == 0u);
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(evict_idle_closes_only_expired_connections) {
    pool_t pool(ctx.get_executor(), 2, 1ms);
    (void)take(pool);
    pool.release(open(1), true);
    BOOST_TEST(pool.stats().idle == 1u);
    std::this_thread::sleep_for(5ms);
    BOOST_TEST(pool.evict_idle() == 1u);
    BOOST_TEST(conns.alive.empty());
    BOOST_TEST(pool.stats().idle == 0u);
    BOOST_TEST(pool.stats().evicted == 1u);
    BOOST_TEST(pool.evict_idle() == 0u);

    pool_t patient(ctx.get_executor(), 2, 30s);
    (void)take(patient);
    patient.release(open(2), true);
    BOOST_TEST(patient.evict_idle() == 0u);
    BOOST_TEST(patient.stats().idle == 1u);
}

BOOST_AUTO_TEST_CASE(fresh_acquire_never_lends_an_idle_connection) {
    pool_t pool(ctx.get_executor(), 2, 30s);
    (void)take(pool);
    pool.release(open(1), true);
    auto l = take(pool, /*fresh*/ true);
    BOOST_TEST(!l.connection);
    BOOST_TEST(!l.reused);
    BOOST_TEST(conns.alive.count(1) == 1u);  // below the limit, the idle one is left alone
    auto s = pool.stats();
    BOOST_TEST(s.idle == 1u);
    BOOST_TEST(s.in_use == 1u);
    BOOST_TEST(s.reused == 0u);
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(fresh_acquire_at_the_limit_evicts_an_idle_connection) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    pool.release(open(1), true);
    auto l = take(pool, /*fresh*/ true);
    BOOST_TEST(!l.connection);
    BOOST_TEST(conns.alive.empty());
    auto s = pool.stats();
    BOOST_TEST(s.evicted == 1u);
    BOOST_TEST(s.idle == 0u);
    BOOST_TEST(s.in_use == 1u);
    pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(fresh_waiter_is_not_handed_a_released_connection) {
    pool_t pool(ctx.get_executor(), 1, 30s);
    (void)take(pool);
    auto waiter = start(pool, 10s, /*fresh*/ true);
    BOOST_TEST(!waiter->done);
    pool.release(open(1), true);  // a kept connection comes back while a fresh acquire waits
    finish(waiter);
    BOOST_REQUIRE(!waiter->error);
    BOOST_TEST(waiter->connection_id() == 0, "a fresh acquire was lent pooled connection "
                                                 << waiter->connection_id());
    BOOST_TEST(!waiter->lease->reused);
    if (waiter->lease->connection) pool.release(std::move(waiter->lease->connection), true);
    else pool.release(nullptr, false);
}

BOOST_AUTO_TEST_CASE(stats_count_reuse_discards_and_current_use) {
    pool_t pool(ctx.get_executor(), 2, 30s);
    (void)take(pool);
    (void)take(pool);
    auto waiter = start(pool);
    auto s = pool.stats();
    BOOST_TEST(s.in_use == 2u);
    BOOST_TEST(s.idle == 0u);
    BOOST_TEST(s.waiting == 1u);

    pool.release(open(1), true);   // handed to the waiter: a reuse
    finish(waiter);
    pool.release(open(2), false);  // discarded
    pool.release(std::move(waiter->lease->connection), true);  // back to idle
    s = pool.stats();
    BOOST_TEST(s.reused == 1u);
    BOOST_TEST(s.discarded == 1u);
    BOOST_TEST(s.evicted == 0u);
    BOOST_TEST(s.in_use == 0u);
    BOOST_TEST(s.idle == 1u);
    BOOST_TEST(s.waiting == 0u);

    auto l = take(pool);
    s = pool.stats();
    BOOST_TEST(s.reused == 2u);
    BOOST_TEST(s.in_use == 1u);
    BOOST_TEST(s.idle == 0u);
    pool.release(std::move(l.connection), true);
}

BOOST_AUTO_TEST_SUITE_END()
