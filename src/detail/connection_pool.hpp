// The keep-alive connection pool, for one origin. It knows nothing of HTTP: `Connection` is
// anything with `bool usable()` (open, and the peer has neither closed it nor sent anything
// unasked). Tests drive it with a fake connection.
//
// Slots: at most `max_connections` connections exist at once, counting those lent out, those
// being opened and the idle ones. `acquire` hands out an idle connection (most recently used
// first) or a slot to open a new one in; when every slot is taken it waits, first come first
// served, until a `release` or the deadline.
//
// Waiting costs little, so that thousands of calls can queue behind a small pool: a waiter is one
// node holding the caller's completion handler and its deadline; `release` hands the connection
// (or the slot) to the first node and posts its handler; one timer for the whole pool watches the
// earliest deadline. No coroutine frame of the pool's own stays suspended. The state lives in a
// shared block that the timer's and cancellation handlers hold on to, so they may run after the
// pool is gone.
#pragma once

#include <stencila/hub/client.hpp>
#include <stencila/hub/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include "detail/failure.hpp"

#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace stencila::hub::detail {

template <class Connection>
class connection_pool {
public:
    using clock = std::chrono::steady_clock;

    /// What `acquire` lends: a pooled connection, or none (`connection == nullptr`): then the
    /// caller opens one in the slot it now holds. Either way, give it back with `release`.
    struct lease {
        std::unique_ptr<Connection> connection;
        bool reused = false;
    };

    connection_pool(boost::asio::any_io_executor executor, std::size_t max_connections,
                    clock::duration idle_timeout)
        : state_(std::make_shared<state>(std::move(executor), std::max<std::size_t>(1, max_connections),
                                         idle_timeout)) {}

    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;
    ~connection_pool() {
        std::lock_guard lock(state_->mutex);
        state_->timer.cancel();  // its handler holds the state: let it go now
    }

    /// Lends at once if it can without waiting: an idle connection that is still usable (most
    /// recently used first; never with `fresh`), or a free slot (with `fresh`, closing an idle
    /// connection if that is what frees one). Nothing while others wait: they come first.
    std::optional<lease> try_acquire(bool fresh = false) {
        auto& st = *state_;
        for (;;) {
            std::vector<std::unique_ptr<Connection>> doomed;  // closed outside the lock
            std::unique_ptr<Connection> candidate;             // checked outside the lock
            {
                std::lock_guard lock(st.mutex);
                st.evict_expired(clock::now(), doomed);
                if (!st.waiters.empty()) return std::nullopt;
                if (!fresh && !st.idle.empty()) {
                    candidate = std::move(st.idle.back().connection);
                    st.idle.pop_back();
                    ++st.in_use;  // its slot is ours while we look at it
                } else if (st.in_use + st.idle.size() < st.max) {
                    ++st.in_use;
                    return lease{};
                } else if (fresh && !st.idle.empty()) {
                    doomed.push_back(std::move(st.idle.front().connection));
                    st.idle.erase(st.idle.begin());
                    ++st.stats.evicted;
                    ++st.in_use;
                    return lease{};
                } else {
                    return std::nullopt;
                }
            }
            // `usable()` asks the socket (a syscall): not under the lock.
            if (candidate->usable()) {
                std::lock_guard lock(st.mutex);
                ++st.stats.reused;
                return lease{std::move(candidate), true};
            }
            {
                std::lock_guard lock(st.mutex);
                ++st.stats.evicted;
            }
            candidate.reset();
            release(nullptr, false);  // give the slot back (to a waiter, if one came), then look again
        }
    }

    /// Queues for a lease, first come first served: completes with `(error_code, lease)` once a
    /// `release` hands one over; with `error::pool_timeout` at `deadline`; with
    /// `operation_aborted` when cancelled (any cancellation type); with `error::try_again` when
    /// nobody was waiting and something came free since `try_acquire` looked: try that again.
    /// The handler runs on its associated executor (the pool's by default), never inside this call.
    template <class CompletionToken>
    auto async_wait(clock::time_point deadline, bool fresh, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code, lease)>(
            [st = state_, deadline, fresh](auto handler) {
                st->enqueue(st, waiter_handler(std::move(handler)), deadline, fresh);
            },
            token);
    }

    /// `try_acquire`, else `async_wait`: throws `system_error(error::pool_timeout)` at the
    /// deadline, `operation_aborted` when the awaiting coroutine is cancelled.
    boost::asio::awaitable<lease> acquire(clock::time_point deadline, bool fresh = false) {
        for (;;) {
            if (auto l = try_acquire(fresh)) co_return std::move(*l);
            auto [ec, l] = co_await async_wait(deadline, fresh, boost::asio::as_tuple(boost::asio::use_awaitable));
            if (ec == boost::asio::error::try_again) continue;
            if (ec) throw_wait_error(ec);
            co_return std::move(l);
        }
    }

    /// The exception for what `async_wait` completed with.
    [[noreturn]] static void throw_wait_error(boost::system::error_code ec) {
        if (ec == error::pool_timeout)
            throw detail::failure(ec, "no pooled connection became free before the deadline");
        throw detail::failure(ec, "waiting for a pooled connection");
    }

    /// Gives back what `acquire` lent. `keep` = the connection may carry another request; a
    /// null or non-kept connection is closed and its slot freed.
    void release(std::unique_ptr<Connection> c, bool keep) {
        auto& st = *state_;
        waiter_handler next;
        std::unique_ptr<Connection> doomed;
        bool reused = false;
        {
            std::lock_guard lock(st.mutex);
            if (!keep || !c) {
                if (c) ++st.stats.discarded;
                doomed = std::move(c);
            } else if (!st.waiters.empty() && st.waiters.front()->fresh) {
                ++st.stats.evicted;  // the next in line wants a new connection: make room for it
                doomed = std::move(c);
            }
            if (!st.waiters.empty()) {
                auto w = std::move(st.waiters.front());
                st.waiters.pop_front();
                w->take_into(next);
                st.disarm_if_idle();
                if (c) ++st.stats.reused;
                reused = c != nullptr;
            } else {
                --st.in_use;
                if (c) st.idle.push_back({std::move(c), clock::now()});
            }
        }
        if (next) st.complete(std::move(next), {}, lease{std::move(c), reused});  // null: a slot for a new connection
    }

    /// Closes idle connections that have been idle too long. Returns how many.
    std::size_t evict_idle() {
        std::vector<std::unique_ptr<Connection>> doomed;
        std::lock_guard lock(state_->mutex);
        state_->evict_expired(clock::now(), doomed);
        return doomed.size();
    }

    /// Counts `reused`, `evicted`, `discarded`, `in_use`, `idle`, `waiting`.
    pool_stats stats() const {
        std::lock_guard lock(state_->mutex);
        pool_stats s = state_->stats;
        s.in_use = state_->in_use;
        s.idle = state_->idle.size();
        s.waiting = state_->waiters.size();
        return s;
    }

private:
    using waiter_handler = boost::asio::any_completion_handler<void(boost::system::error_code, lease)>;

    struct idle_entry {
        std::unique_ptr<Connection> connection;
        clock::time_point since;
    };

    // One queued `async_wait`. Everything in it is guarded by the pool's mutex.
    struct waiter {
        waiter(clock::time_point by, bool wants_fresh) : deadline(by), fresh(wants_fresh) {}
        // Leaves the queue's hands: the handler (into `out`) to complete. (Swapped, not assigned:
        // Boost 1.81's any_completion_handler move assignment wraps the handler in itself.)
        void take_into(waiter_handler& out) {
            queued = false;
            out.swap(handler);
        }
        waiter_handler handler;
        const clock::time_point deadline;
        const bool fresh;
        bool queued = true;
    };

    struct state {
        state(boost::asio::any_io_executor ex, std::size_t max_connections, clock::duration idle)
            : executor(std::move(ex)), max(max_connections), idle_timeout(idle), timer(executor) {}

        void evict_expired(clock::time_point now, std::vector<std::unique_ptr<Connection>>& doomed) {
            auto fresh_from = std::find_if(idle.begin(), idle.end(),
                                           [&](const idle_entry& e) { return now - e.since < idle_timeout; });
            for (auto it = idle.begin(); it != fresh_from; ++it) doomed.push_back(std::move(it->connection));
            stats.evicted += static_cast<std::uint64_t>(fresh_from - idle.begin());
            idle.erase(idle.begin(), fresh_from);
        }

        // Posts `h` to its executor; the cancellation slot it used is cleared there first.
        void complete(waiter_handler h, boost::system::error_code ec, lease l) {
            auto ex = boost::asio::get_associated_executor(h, executor);
            // Posted through the pool's executor, then run on the handler's own.
            boost::asio::post(executor, boost::asio::bind_executor(ex, [h = std::move(h), ec, l = std::move(l)]() mutable {
                auto slot = boost::asio::get_associated_cancellation_slot(h);
                if (slot.is_connected()) slot.clear();
                std::move(h)(ec, std::move(l));
            }));
        }

        // The initiation of `async_wait`.
        void enqueue(const std::shared_ptr<state>& self, waiter_handler h, clock::time_point deadline, bool fresh) {
            std::vector<std::unique_ptr<Connection>> doomed;
            std::unique_lock lock(mutex);
            evict_expired(clock::now(), doomed);
            bool free_now = waiters.empty() && (!idle.empty() || in_use + idle.size() < max);
            if (free_now) {
                lock.unlock();
                return complete(std::move(h), boost::asio::error::try_again, lease{});
            }
            auto w = std::make_shared<waiter>(deadline, fresh);
            auto slot = boost::asio::get_associated_cancellation_slot(h);
            w->handler.swap(h);
            waiters.push_back(w);
            if (deadline < armed) arm(self, deadline);
            if (slot.is_connected())
                slot.assign([self, w](boost::asio::cancellation_type) { self->drop(*w, boost::asio::error::operation_aborted); });
        }

        // Watches `when` (the earliest deadline) with the pool's timer. Under the mutex, as every
        // use of the timer is; its handler takes the mutex before it looks at anything.
        void arm(const std::shared_ptr<state>& self, clock::time_point when) {
            armed = when;
            timer.expires_at(when);
            timer.async_wait([self](boost::system::error_code ec) {
                if (ec != boost::asio::error::operation_aborted) self->expire(self);
            });
        }

        // Nobody waits: no timer either (an armed timer is outstanding work: `io_context::run`
        // would not return until it fired).
        void disarm_if_idle() {
            if (!waiters.empty() || armed == clock::time_point::max()) return;
            armed = clock::time_point::max();
            timer.cancel();
        }

        // The timer fired: fails the waiters whose deadline has passed, watches the next one.
        void expire(const std::shared_ptr<state>& self) {
            std::vector<waiter_handler> late;
            {
                std::lock_guard lock(mutex);
                auto now = clock::now();
                auto next = clock::time_point::max();
                for (auto it = waiters.begin(); it != waiters.end();) {
                    if ((*it)->deadline <= now) {
                        (*it)->take_into(late.emplace_back());
                        it = waiters.erase(it);
                    } else {
                        next = std::min(next, (*it)->deadline);
                        ++it;
                    }
                }
                armed = clock::time_point::max();
                if (next != clock::time_point::max()) arm(self, next);
            }
            for (auto& h : late) complete(std::move(h), make_error_code(error::pool_timeout), lease{});
        }

        // Takes `w` out of the queue, if it is still there, and fails it with `ec`.
        void drop(waiter& w, boost::system::error_code ec) {
            waiter_handler h;
            {
                std::lock_guard lock(mutex);
                if (!w.queued) return;  // granted, or already dropped
                waiters.erase(std::find_if(waiters.begin(), waiters.end(), [&](const auto& p) { return p.get() == &w; }));
                w.take_into(h);
                disarm_if_idle();
            }
            complete(std::move(h), ec, lease{});
        }

        const boost::asio::any_io_executor executor;
        const std::size_t max;
        const clock::duration idle_timeout;
        mutable std::mutex mutex;
        std::size_t in_use = 0;
        std::vector<idle_entry> idle;  // oldest first
        std::deque<std::shared_ptr<waiter>> waiters;
        pool_stats stats{};
        boost::asio::steady_timer timer;                   // watches `armed`
        clock::time_point armed = clock::time_point::max();  // the deadline the timer waits for
    };

    std::shared_ptr<state> state_;
};

}  // namespace stencila::hub::detail
