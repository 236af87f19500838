// One call's exchange with the Hub, as a state machine without I/O: attempts, the stale-connection
// retry, the policy's retries with backoff, budget and `Retry-After`, the per-attempt and
// whole-call deadlines. It takes events (a connection was lent or could not be had, an exchange
// ended, a connection was given back, a wait ended) with the time they happened, and says what to
// do next (get a connection, exchange on it, give it back, wait, or finish). The transport only
// performs those actions (transport.cpp); the tests drive it with a manual clock.
//
//   start ─► acquire ─► exchange ─► release ─► done
//               ▲  │fail     │fail/retryable answer
//               │  ▼         ▼
//               └─ wait ◄─ (policy says retry)      stale reused connection ─► acquire(fresh)
#pragma once

#include "sansio/io_result.hpp"
#include "sansio/retry.hpp"

#include <stencila/hub/call_stats.hpp>
#include <stencila/hub/retry.hpp>

#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace stencila::hub::detail {

/// The counters of `call_stats`, shared by every call of a client and bumped by their machines.
struct call_counters {
    std::atomic<std::uint64_t> calls{0}, attempts{0}, requests_sent{0}, stale_retries{0}, retries_connect{0},
        retries_status{0}, retries_broken{0}, retries_refused_by_budget{0}, answers_2xx{0}, answers_4xx{0},
        answers_5xx{0}, answers_other{0}, transport_failures{0}, cancelled{0}, removed_earlier{0};
    [[nodiscard]] call_stats snapshot() const;
};

/// What a call may spend: the policy, the budget it shares with its client's other calls, its
/// deadlines. `deadline` is `time_point::max()` for none.
struct exchange_settings {
    using clock = std::chrono::steady_clock;
    const retry_policy* retry = nullptr;
    retry_budget* budget = nullptr;
    call_counters* counters = nullptr;
    clock::time_point deadline = clock::time_point::max();
    std::chrono::milliseconds attempt_timeout{0};  ///< zero: bounded by `deadline` only
};

class exchange_fsm {
public:
    using clock = std::chrono::steady_clock;

    /// Where the call is: which event the machine waits for. Each event is allowed in one state
    /// only (`start` in `idle`, `on_lease` in `acquiring`, `on_exchanged` in `exchanging`,
    /// `on_released` in `releasing`, `on_waited` in `waiting`); the action it returns names the
    /// next state (`acquire` -> `acquiring`, ..., `done` -> `done`).
    enum class state { idle, acquiring, exchanging, releasing, waiting, done };

    struct action {
        enum class kind {
            acquire,   ///< get a connection (`fresh`: not a pooled one), by `deadline`
            exchange,  ///< write the request and read the answer on it, by `deadline`
            release,   ///< give the connection back (`keep`: it may serve another request)
            wait,      ///< wait `delay` before the next attempt
            done,      ///< the call is over: `error` (with `phase`), or the last answer stands
        } what = kind::done;
        bool fresh = false;
        /// `acquire`: the call's first, which the shell has already asked the pool for (a call
        /// queued behind a busy pool waits in a small frame of its own, before the machine exists:
        /// W3 in docs/benchmarks.md); every later one is the shell's to ask for now.
        bool first = false;
        bool keep = false;
        clock::time_point deadline{};
        std::chrono::milliseconds delay{0};
        boost::system::error_code error{};
        io_phase phase = io_phase::connecting;
        std::string_view note{};  ///< for a log line (static text): why a retry was made, or why none
        /// `done`: a removal's retry was answered 404 after an earlier attempt's fate was lost;
        /// the answer stands as a success (see `earlier_fate_unknown`).
        bool removed_earlier = false;
    };

    /// How an exchange ended, as the connection saw it.
    struct exchanged {
        boost::system::error_code error{};  ///< none: an answer came
        io_phase phase = io_phase::waiting;
        bool received_any = false;          ///< some byte of an answer arrived
        bool sent_any = false;              ///< some byte of the request was written
        unsigned status = 0;                ///< the answer's status
        bool keep_alive = false;            ///< the answer allows another request on the connection
        std::optional<std::chrono::milliseconds> retry_after{};  ///< the answer's wait, as the codec read it
    };

    /// `idempotent`: the request may go twice (GET, DELETE). `removal`: it removes what its target
    /// names (DELETE), so a 404 after an attempt whose fate is unknown means that attempt removed it.
    exchange_fsm(const exchange_settings& settings, bool idempotent, bool removal = false) noexcept;

    /// The first action.
    [[nodiscard]] action start();
    /// The connection asked for: lent (`error` empty; `reused` if from the pool), or none could be
    /// had (the pool's deadline, cancellation, or a failure to connect in `phase`). `draw` is a
    /// uniform random number in [0, 1) for the backoff's jitter.
    [[nodiscard]] action on_lease(clock::time_point now, boost::system::error_code error, io_phase phase, bool reused,
                                  double draw);
    [[nodiscard]] action on_exchanged(clock::time_point now, const exchanged& result, double draw);
    [[nodiscard]] action on_released();
    /// The wait ended (`error`: it was cancelled).
    [[nodiscard]] action on_waited(boost::system::error_code error);

    /// The state the machine is in: the event it waits for.
    [[nodiscard]] state current() const noexcept { return state_; }
    /// Events that came in a state that does not allow them (a bug in the shell that feeds it):
    /// each is refused with `done` and `errc::state_not_recoverable`, and the call is over. The
    /// shell asserts there are none; the tests feed them on purpose.
    [[nodiscard]] std::uint32_t refused_events() const noexcept { return refused_; }

    /// Attempts made so far (1 = the first).
    [[nodiscard]] std::uint32_t attempts() const noexcept { return attempt_; }
    /// An attempt before the one under way may have reached the Hub and been acted on, its answer
    /// lost: its request went out and a 502, 503 or 504 came back, or the connection failed or
    /// the attempt timed out before a whole answer (a stale pooled connection aside: that request
    /// went nowhere).
    [[nodiscard]] bool earlier_fate_unknown() const noexcept { return fate_unknown_; }

private:
    // An event that `state_` does not allow: the call ends with an error, loudly.
    action refuse();
    // Moves to the state that `a` leads to, and returns `a`.
    action enter(action a);
    action lease_event(clock::time_point now, boost::system::error_code error, io_phase phase, bool reused, double draw);
    action exchanged_event(clock::time_point now, const exchanged& result, double draw);
    action acquire(bool fresh);
    action finish(boost::system::error_code error, io_phase phase, std::string_view note = {});
    // After a failure or a retryable answer: a wait and a new attempt, or the end.
    action retry_or_finish(clock::time_point now, const attempt_outcome& outcome, io_phase phase, double draw);
    void count(std::atomic<std::uint64_t> call_counters::*counter) noexcept;

    exchange_settings settings_;
    state state_ = state::idle;
    std::uint32_t refused_ = 0;
    bool idempotent_;
    bool removal_;
    bool fate_unknown_ = false;  // see earlier_fate_unknown()
    std::uint32_t attempt_ = 0;
    bool reused_ = false;      // the connection of this attempt came from the pool
    bool fresh_tried_ = false; // this attempt already went out again on a fresh connection
    clock::time_point attempt_deadline_{};  // of the exchange under way
    std::optional<action> after_release_;  // what follows the release under way
};

}  // namespace stencila::hub::detail
