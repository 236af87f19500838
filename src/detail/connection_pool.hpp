// The keep-alive connection pool, for one origin. It knows nothing of HTTP: `Connection` is
// anything with `bool usable()` (open, and the peer has neither closed it nor sent anything
// unasked). Tests drive it with a fake connection.
//
// Slots: at most `max_connections` connections exist at once, counting those lent out, those
// being opened and the idle ones. `acquire` hands out an idle connection (most recently used
// first) or a slot to open a new one in; when every slot is taken it waits, first come first
// served, until a `release` or the deadline.
#pragma once

#include <stencila/hub/client.hpp>
#include <stencila/hub/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include "detail/failure.hpp"

#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
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
        : executor_(std::move(executor)), max_(std::max<std::size_t>(1, max_connections)),
          idle_timeout_(idle_timeout) {}

    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;

    /// Waits until `deadline` at most (throws `system_error(error::pool_timeout)`), or until the
    /// awaiting coroutine is cancelled (throws `operation_aborted`). With `fresh`, never lends an
    /// idle connection: it closes one if that is what frees a slot.
    boost::asio::awaitable<lease> acquire(clock::time_point deadline, bool fresh = false) {
        for (;;) {
            std::vector<std::unique_ptr<Connection>> doomed;  // closed outside the lock
            std::unique_ptr<Connection> candidate;             // checked outside the lock
            std::shared_ptr<waiter> w;
            {
                std::lock_guard lock(mutex_);
                evict_expired(clock::now(), doomed);
                if (waiters_.empty()) {
                    if (!fresh && !idle_.empty()) {
                        candidate = std::move(idle_.back().connection);
                        idle_.pop_back();
                        ++in_use_;  // its slot is ours while we look at it
                    } else if (in_use_ + idle_.size() < max_) {
                        ++in_use_;
                        co_return lease{};
                    } else if (fresh && !idle_.empty()) {
                        doomed.push_back(std::move(idle_.front().connection));
                        idle_.erase(idle_.begin());
                        ++stats_.evicted;
                        ++in_use_;
                        co_return lease{};
                    }
                }
                if (!candidate) {
                    w = std::make_shared<waiter>(executor_, fresh);
                    waiters_.push_back(w);
                }
            }
            if (w) {
                doomed.clear();
                co_return co_await wait(std::move(w), deadline);
            }
            // `usable()` asks the socket (a syscall): not under the lock.
            if (candidate->usable()) {
                std::lock_guard lock(mutex_);
                ++stats_.reused;
                co_return lease{std::move(candidate), true};
            }
            {
                std::lock_guard lock(mutex_);
                ++stats_.evicted;
            }
            candidate.reset();
            release(nullptr, false);  // give the slot back (to a waiter, if one came), then look again
        }
    }

    /// Gives back what `acquire` lent. `keep` = the connection may carry another request; a
    /// null or non-kept connection is closed and its slot freed.
    void release(std::unique_ptr<Connection> c, bool keep) {
        std::shared_ptr<waiter> next;
        std::unique_ptr<Connection> doomed;
        {
            std::lock_guard lock(mutex_);
            if (!keep || !c) {
                if (c) ++stats_.discarded;
                doomed = std::move(c);
            } else if (!waiters_.empty() && waiters_.front()->fresh) {
                ++stats_.evicted;  // the next in line wants a new connection: make room for it
                doomed = std::move(c);
            }
            if (!waiters_.empty()) {
                next = std::move(waiters_.front());
                waiters_.pop_front();
                next->granted = true;
                if (c) ++stats_.reused;
                next->connection = std::move(c);  // null: a slot for a new connection
            } else {
                --in_use_;
                if (c) idle_.push_back({std::move(c), clock::now()});
            }
        }
        if (next) next->signal.try_send(boost::system::error_code{});
    }

    /// Closes idle connections that have been idle too long. Returns how many.
    std::size_t evict_idle() {
        std::vector<std::unique_ptr<Connection>> doomed;
        std::lock_guard lock(mutex_);
        evict_expired(clock::now(), doomed);
        return doomed.size();
    }

    /// Counts `reused`, `evicted`, `discarded`, `in_use`, `idle`, `waiting`.
    pool_stats stats() const {
        std::lock_guard lock(mutex_);
        pool_stats s = stats_;
        s.in_use = in_use_;
        s.idle = idle_.size();
        s.waiting = waiters_.size();
        return s;
    }

private:
    struct idle_entry {
        std::unique_ptr<Connection> connection;
        clock::time_point since;
    };
    struct waiter {
        waiter(const boost::asio::any_io_executor& ex, bool wants_fresh) : signal(ex, 1), fresh(wants_fresh) {}
        boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> signal;
        const bool fresh;
        bool granted = false;
        std::unique_ptr<Connection> connection;
    };

    void evict_expired(clock::time_point now, std::vector<std::unique_ptr<Connection>>& doomed) {
        auto fresh_from = std::find_if(idle_.begin(), idle_.end(),
                                       [&](const idle_entry& e) { return now - e.since < idle_timeout_; });
        for (auto it = idle_.begin(); it != fresh_from; ++it) doomed.push_back(std::move(it->connection));
        stats_.evicted += static_cast<std::uint64_t>(fresh_from - idle_.begin());
        idle_.erase(idle_.begin(), fresh_from);
    }

    boost::asio::awaitable<lease> wait(std::shared_ptr<waiter> w, clock::time_point deadline) {
        using namespace boost::asio::experimental::awaitable_operators;
        constexpr auto token = boost::asio::as_tuple(boost::asio::use_awaitable);
        boost::asio::steady_timer timer(executor_, deadline);
        std::exception_ptr failure;
        try {
            co_await (w->signal.async_receive(token) || timer.async_wait(token));
        } catch (...) {
            failure = std::current_exception();
        }
        std::unique_lock lock(mutex_);
        if (w->granted) {
            lock.unlock();
            bool reused = w->connection != nullptr;
            if (!failure) co_return lease{std::move(w->connection), reused};
            release(std::move(w->connection), true);  // cancelled just as it was granted: pass it on
            std::rethrow_exception(failure);
        }
        waiters_.erase(std::find(waiters_.begin(), waiters_.end(), w));
        lock.unlock();
        if (failure) std::rethrow_exception(failure);
        auto cs = co_await boost::asio::this_coro::cancellation_state;
        if (cs.cancelled() != boost::asio::cancellation_type::none)
            throw detail::failure(boost::asio::error::operation_aborted, "waiting for a pooled connection");
        throw detail::failure(make_error_code(error::pool_timeout),
                                          "no pooled connection became free before the deadline");
    }

    boost::asio::any_io_executor executor_;
    const std::size_t max_;
    const clock::duration idle_timeout_;
    mutable std::mutex mutex_;
    std::size_t in_use_ = 0;
    std::vector<idle_entry> idle_;  // oldest first
    std::deque<std::shared_ptr<waiter>> waiters_;
    pool_stats stats_{};
};

}  // namespace stencila::hub::detail
