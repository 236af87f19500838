// The connection pool's bookkeeping, without I/O: slots, idle connections (most recently used
// first), waiters served first come first served, idle eviction, fresh-only leases, counters. Time
// is given, never read, so tests run it on a manual clock. The Asio shell (connection_pool.hpp)
// holds it under a mutex, owns the timer and posts the completions; `Payload` is what the shell
// keeps with each waiter (its completion handler) and gets back when that waiter is served.
//
// Slots: at most `max_connections` connections exist at once, counting those lent out, those
// being opened and the idle ones. `Connection` is anything; the shell asks a pooled one whether
// it is still usable (a syscall, outside the mutex) between `take` and `confirm`/`reject`.
#pragma once

#include <stencila/hub/pool_stats.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace stencila::hub::detail {

template <class Connection, class Payload, class Clock = std::chrono::steady_clock>
class pool_fsm {
public:
    using time_point = typename Clock::time_point;
    using duration = typename Clock::duration;
    using waiter_id = std::uint64_t;
    using connection_ptr = std::unique_ptr<Connection>;

    /// What a waiter or a caller is lent: a pooled connection, or none (a slot to open one in).
    struct lease {
        connection_ptr connection;
        bool reused = false;
    };
    /// A waiter served: its payload and what it got.
    struct grant {
        Payload payload;
        lease granted;
    };

    pool_fsm(std::size_t max_connections, duration idle_timeout)
        : max_(std::max<std::size_t>(1, max_connections)), idle_timeout_(idle_timeout) {}

    /// What `take` found.
    struct taken {
        enum class kind { none, candidate, slot } what = kind::none;
        connection_ptr candidate;  ///< for `candidate`: check it, then `confirm` or `reject` it
    };
    /// Lends at once if nobody waits: the most recently used idle connection (never with
    /// `fresh`), else a free slot (with `fresh`, closing the oldest idle connection if that is what
    /// frees one). Connections idle too long are closed first: they go into `doomed`.
    taken take(time_point now, bool fresh, std::vector<connection_ptr>& doomed) {
        evict_expired(now, doomed);
        taken t;
        if (!waiters_.empty()) return t;
        if (!fresh && !idle_.empty()) {
            t.what = taken::kind::candidate;
            t.candidate = std::move(idle_.back().connection);
            idle_.pop_back();
            ++in_use_;  // its slot is the caller's while it looks at it
        } else if (in_use_ + idle_.size() < max_) {
            t.what = taken::kind::slot;
            ++in_use_;
        } else if (fresh && !idle_.empty()) {
            doomed.push_back(std::move(idle_.front().connection));
            idle_.erase(idle_.begin());
            ++stats_.evicted;
            t.what = taken::kind::slot;
            ++in_use_;
        }
        return t;
    }
    /// The candidate `take` gave is usable: it is lent (counted as reused).
    void confirm() noexcept { ++stats_.reused; }
    /// The candidate was not usable (closed by the server, or bytes arrived unasked): its slot is
    /// freed, for a waiter if one came meanwhile.
    std::optional<grant> reject(connection_ptr candidate, time_point now, connection_ptr& doomed) {
        ++stats_.evicted;
        doomed = std::move(candidate);
        return release(nullptr, false, now, doomed);
    }

    /// Gives back what was lent. `keep`: the connection may carry another request; otherwise (or
    /// for a null connection: a slot whose opening failed) it is closed (into `doomed`) and its
    /// slot freed. The first waiter, if any, is served: with this connection, or with the slot.
    std::optional<grant> release(connection_ptr c, bool keep, time_point now, connection_ptr& doomed) {
        if (!keep || !c) {
            if (c) ++stats_.discarded;
            if (c) doomed = std::move(c);
        } else if (!waiters_.empty() && waiters_.front().fresh) {
            ++stats_.evicted;  // the next in line wants a new connection: make room for it
            doomed = std::move(c);
        }
        if (waiters_.empty()) {
            --in_use_;
            if (c) idle_.push_back({std::move(c), now});
            return std::nullopt;
        }
        auto w = std::move(waiters_.front());
        waiters_.pop_front();
        bool reused = c != nullptr;
        if (reused) ++stats_.reused;
        return grant{std::move(w.payload), lease{std::move(c), reused}};
    }

    /// Queues a waiter, unless something is free and nobody waits: then nothing is queued and the
    /// payload comes back (the caller should `take` again).
    std::optional<Payload> enqueue(waiter_id id, time_point now, time_point deadline, bool fresh, Payload payload,
                                   std::vector<connection_ptr>& doomed) {
        evict_expired(now, doomed);
        if (waiters_.empty() && (!idle_.empty() || in_use_ + idle_.size() < max_)) return payload;
        waiters_.push_back({id, deadline, fresh, std::move(payload)});
        return std::nullopt;
    }
    /// Takes a waiter out of the queue (cancelled); nothing if it was served or gone already.
    std::optional<Payload> cancel(waiter_id id) {
        auto it = std::find_if(waiters_.begin(), waiters_.end(), [&](const waiter& w) { return w.id == id; });
        if (it == waiters_.end()) return std::nullopt;
        auto p = std::move(it->payload);
        waiters_.erase(it);
        return p;
    }
    /// Takes out the waiters whose deadline has passed.
    std::vector<Payload> expire(time_point now) {
        std::vector<Payload> late;
        for (auto it = waiters_.begin(); it != waiters_.end();) {
            if (it->deadline <= now) {
                late.push_back(std::move(it->payload));
                it = waiters_.erase(it);
            } else {
                ++it;
            }
        }
        return late;
    }
    /// The earliest deadline of a waiter, for the shell's one timer; nothing when nobody waits.
    [[nodiscard]] std::optional<time_point> earliest_deadline() const {
        std::optional<time_point> t;
        for (const auto& w : waiters_) t = std::min(t.value_or(time_point::max()), w.deadline);
        return t;
    }

    /// Closes (into `doomed`) idle connections older than the idle timeout.
    void evict_expired(time_point now, std::vector<connection_ptr>& doomed) {
        auto fresh_from = std::find_if(idle_.begin(), idle_.end(),
                                       [&](const idle_entry& e) { return now - e.since < idle_timeout_; });
        for (auto it = idle_.begin(); it != fresh_from; ++it) doomed.push_back(std::move(it->connection));
        stats_.evicted += static_cast<std::uint64_t>(fresh_from - idle_.begin());
        idle_.erase(idle_.begin(), fresh_from);
    }

    /// A connection the pool's owner opened (and, for TLS, whether it resumed a session).
    void opened(bool resumed) noexcept {
        ++stats_.opened;
        if (resumed) ++stats_.resumed;
    }

    [[nodiscard]] pool_stats stats() const {
        auto s = stats_;
        s.in_use = in_use_;
        s.idle = idle_.size();
        s.waiting = waiters_.size();
        return s;
    }
    [[nodiscard]] bool has_waiters() const noexcept { return !waiters_.empty(); }

private:
    struct idle_entry {
        connection_ptr connection;
        time_point since;
    };
    struct waiter {
        waiter_id id;
        time_point deadline;
        bool fresh;
        Payload payload;
    };

    const std::size_t max_;
    const duration idle_timeout_;
    std::size_t in_use_ = 0;
    std::vector<idle_entry> idle_;  // oldest first
    std::deque<waiter> waiters_;
    pool_stats stats_{};
};

}  // namespace stencila::hub::detail
