// The keep-alive connection pool for one origin: the Asio shell around `pool_fsm`. It owns a
// connection's whole life: it makes connections (with the factory it was given), opens them,
// lends them, takes them back, closes them, and counts all of it. Decisions are pool_fsm's.
//
// Waiting costs little, so that thousands of calls can queue behind a small pool: a waiter is one
// entry in the state's queue holding the caller's completion handler and its deadline; `release`
// hands the connection (or the slot) to the first one and posts its handler; one timer for the
// whole pool watches the earliest deadline. No coroutine frame of the pool's own stays suspended.
// The state lives in a shared block that the timer's and cancellation handlers hold on to, so they
// may run after the pool is gone.
//
// `Connection` needs `bool usable()` (open, and the peer has neither closed it nor sent anything
// unasked), `awaitable<io_result> open(time_point deadline)` and `bool resumed()`.
#pragma once

#include "sansio/failure.hpp"
#include "sansio/io_result.hpp"
#include "sansio/pool_fsm.hpp"

#include <stencila/hub/error.hpp>
#include <stencila/hub/pool_stats.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace stencila::hub::detail {

template <class Connection>
class connection_pool {
public:
    using clock = std::chrono::steady_clock;
    using connection_ptr = std::unique_ptr<Connection>;

    /// What the pool lends: a pooled connection (`reused`), or none: a slot, which `open` fills.
    /// Either way, give it back with `release`.
    struct lease {
        connection_ptr connection;
        bool reused = false;
    };

    connection_pool(boost::asio::any_io_executor executor, std::size_t max_connections, clock::duration idle_timeout,
                    std::function<connection_ptr()> make)
        : shared_(std::make_shared<shared>(std::move(executor), max_connections, idle_timeout)), make_(std::move(make)) {}

    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;
    ~connection_pool() {
        std::lock_guard lock(shared_->mutex);
        shared_->timer.cancel();  // its handler holds the state: let it go now
    }

    /// Lends at once if it can without waiting: an idle connection that is still usable (most
    /// recently used first; never with `fresh`), or a slot. Nothing while others wait.
    std::optional<lease> try_acquire(bool fresh) { return shared_->try_acquire(fresh); }

    /// Queues for a lease, first come first served: completes with `(error_code, lease)` once a
    /// `release` hands one over; with `error::pool_timeout` at `deadline`; with
    /// `operation_aborted` when cancelled (any cancellation type). When nobody was waiting and
    /// something came free since `try_acquire` looked, it is lent at once (posted).
    /// The handler runs on its associated executor (the pool's by default), never inside this call.
    template <class CompletionToken>
    auto async_wait(clock::time_point deadline, bool fresh, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code, lease)>(
            [sh = shared_, deadline, fresh](auto handler) { sh->enqueue(sh, handler_type(std::move(handler)), deadline, fresh); },
            token);
    }

    /// Makes and opens a connection in the slot `l` holds. On failure the slot is freed and the
    /// error (with its phase) returned; cancellation throws, the slot freed too.
    boost::asio::awaitable<io_result> open(lease& l, clock::time_point deadline) {
        auto c = make_();
        io_result r;
        try {
            r = co_await c->open(deadline);
        } catch (...) {
            release(nullptr, false);
            throw;
        }
        if (r) {
            release(nullptr, false);  // it never opened: nothing to count but the slot
            co_return r;
        }
        {
            std::lock_guard lock(shared_->mutex);
            shared_->state.opened(c->resumed());
        }
        l.connection = std::move(c);
        co_return r;
    }

    /// Gives back what was lent. `keep`: the connection may carry another request; a null or
    /// non-kept connection is closed and its slot freed.
    void release(connection_ptr c, bool keep) {
        auto& sh = *shared_;
        connection_ptr doomed;
        std::optional<typename state_type::grant> g;
        {
            std::lock_guard lock(sh.mutex);
            g = sh.state.release(std::move(c), keep, clock::now(), doomed);
            sh.disarm_if_idle();
        }
        if (g) sh.complete(std::move(g->payload), {}, lease{std::move(g->granted.connection), g->granted.reused});
    }

    /// Counts `opened`, `resumed`, `reused`, `evicted`, `discarded`, `in_use`, `idle`, `waiting`.
    pool_stats stats() const {
        std::lock_guard lock(shared_->mutex);
        return shared_->state.stats();
    }

private:
    using handler_type = boost::asio::any_completion_handler<void(boost::system::error_code, lease)>;
    // The waiter's handler, and its cancellation: swapped out, not assigned (Boost 1.81's
    // any_completion_handler move assignment wraps the handler in itself).
    struct payload {
        payload() = default;
        explicit payload(handler_type h) { handler.swap(h); }
        payload(payload&& o) noexcept { handler.swap(o.handler); }
        payload& operator=(payload&& o) noexcept {
            handler_type old;
            old.swap(handler);
            handler.swap(o.handler);
            return *this;
        }
        handler_type handler;
    };
    using state_type = pool_fsm<Connection, payload, clock>;

    struct shared {
        shared(boost::asio::any_io_executor ex, std::size_t max_connections, clock::duration idle)
            : executor(std::move(ex)), state(max_connections, idle), timer(executor) {}

        // Posts the handler to its executor; the cancellation slot it used is cleared there first.
        void complete(payload p, boost::system::error_code ec, lease l) {
            auto h = std::move(p.handler);
            auto ex = boost::asio::get_associated_executor(h, executor);
            boost::asio::post(executor, boost::asio::bind_executor(ex, [h = std::move(h), ec, l = std::move(l)]() mutable {
                auto slot = boost::asio::get_associated_cancellation_slot(h);
                if (slot.is_connected()) slot.clear();
                std::move(h)(ec, std::move(l));
            }));
        }

        std::optional<lease> try_acquire(bool fresh) {
            for (;;) {
                std::vector<connection_ptr> doomed;  // closed outside the lock
                typename state_type::taken t;
                {
                    std::lock_guard lock(mutex);
                    t = state.take(clock::now(), fresh, doomed);
                }
                if (t.what == state_type::taken::kind::none) return std::nullopt;
                if (t.what == state_type::taken::kind::slot) return lease{};
                if (t.candidate->usable()) {  // asks the socket (a syscall): not under the lock
                    std::lock_guard lock(mutex);
                    state.confirm();
                    return lease{std::move(t.candidate), true};
                }
                connection_ptr closed;
                std::optional<typename state_type::grant> g;
                {
                    std::lock_guard lock(mutex);
                    g = state.reject(std::move(t.candidate), clock::now(), closed);
                    disarm_if_idle();
                }
                if (g) complete(std::move(g->payload), {}, lease{std::move(g->granted.connection), g->granted.reused});
            }
        }

        void enqueue(const std::shared_ptr<shared>& self, handler_type h, clock::time_point deadline, bool fresh) {
            auto slot = boost::asio::get_associated_cancellation_slot(h);
            payload p(std::move(h));
            std::vector<connection_ptr> doomed;  // closed outside the lock
            std::unique_lock lock(mutex);
            for (;;) {
                auto back = state.enqueue(++last_id, clock::now(), deadline, fresh, std::move(p), doomed);
                if (!back) break;
                // Nobody waits and something came free since try_acquire looked: lend it now.
                lock.unlock();
                doomed.clear();
                if (auto l = try_acquire(fresh)) return complete(std::move(*back), {}, std::move(*l));
                p = std::move(*back);
                lock.lock();
            }
            auto id = last_id;
            if (deadline < armed) arm(self, deadline);
            if (slot.is_connected())
                slot.assign([self, id](boost::asio::cancellation_type) { self->drop(id); });
        }

        // Watches `when` (the earliest deadline) with the one timer. Under the mutex, as every use
        // of the timer is; its handler takes the mutex before it looks at anything.
        void arm(const std::shared_ptr<shared>& self, clock::time_point when) {
            armed = when;
            timer.expires_at(when);
            timer.async_wait([self](boost::system::error_code ec) {
                if (ec != boost::asio::error::operation_aborted) self->expire(self);
            });
        }

        // Nobody waits: no timer either (an armed timer is outstanding work: `io_context::run`
        // would not return until it fired).
        void disarm_if_idle() {
            if (state.has_waiters() || armed == clock::time_point::max()) return;
            armed = clock::time_point::max();
            timer.cancel();
        }

        void expire(const std::shared_ptr<shared>& self) {
            std::vector<payload> late;
            {
                std::lock_guard lock(mutex);
                late = state.expire(clock::now());
                armed = clock::time_point::max();
                if (auto next = state.earliest_deadline()) arm(self, *next);
            }
            for (auto& p : late) complete(std::move(p), make_error_code(error::pool_timeout), lease{});
        }

        void drop(typename state_type::waiter_id id) {
            std::optional<payload> p;
            {
                std::lock_guard lock(mutex);
                p = state.cancel(id);
                disarm_if_idle();
            }
            if (p) complete(std::move(*p), boost::asio::error::operation_aborted, lease{});
        }

        const boost::asio::any_io_executor executor;
        mutable std::mutex mutex;
        state_type state;
        typename state_type::waiter_id last_id = 0;
        boost::asio::steady_timer timer;                     // watches `armed`
        clock::time_point armed = clock::time_point::max();  // the deadline the timer waits for
    };

    std::shared_ptr<shared> shared_;
    std::function<connection_ptr()> make_;
};

}  // namespace stencila::hub::detail
