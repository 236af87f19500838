// The verifier's spending rules for the Hub's budget, without I/O (see verifier_fsm.hpp, which
// applies them): which presented values are worth a Hub call at all, and when a miss may start
// one. Time is passed in; nothing here reads a clock.
//
// - Shape: a Hub token is a knox token, 64 lowercase hex characters (hub-tokens-api.md §2.1, the
//   `token` field: "64 lowercase hex characters (32 random bytes, hexlified)"; §5,
//   `AUTH_TOKEN_CHARACTER_LENGTH`). Anything else would be a 404 (§2.3: "a non-hex string or an
//   odd-length string → 404"), so it is answered "invalid" without asking.
// - Throttle gate: the Hub (DRF) answers 429 "Request was throttled. Expected available in N
//   seconds." once a budget is spent. After a 429 with a stated wait, no call starts until the
//   wait has passed; then exactly one call (the probe) starts, and the gate stays shut until it
//   answers: open again on any answer but a 429, shut again on a 429 (with its new wait).
// - Ceiling: at most `max_hub_calls_per_minute` calls started in any 60 s (a sliding window over
//   the start times of the calls; 0 = no ceiling).
#pragma once

#include <stencila/hub/verifier_options.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

namespace stencila::hub::detail {

/// Whether `token` has the shape of a Hub token: exactly 64 characters, each in `0-9a-f`.
[[nodiscard]] bool has_token_shape(std::string_view token) noexcept;

class hub_call_policy {
public:
    using time_point = std::chrono::steady_clock::time_point;
    using flight_id = std::uint64_t;

    explicit hub_call_policy(const verifier_options& o) : per_minute_(o.max_hub_calls_per_minute) {}

    /// Whether a call may start at `now`.
    struct verdict {
        enum class kind { go, throttled, ceiling } what = kind::go;
        /// For a refusal: when a call may start again (for `throttled` while the probe is out:
        /// `now`, as nobody can tell).
        time_point until{};
    };
    /// Asks without starting anything (forgets the starts that left the ceiling's window).
    [[nodiscard]] verdict ask(time_point now);
    /// Call `f` started at `now` (after `ask` said `go`).
    void started(flight_id f, time_point now);
    /// Call `f` ended at `now`: answered (`throttled_for` set for a 429 with a stated wait), or
    /// abandoned (no answer: `abandoned`).
    void ended(flight_id f, time_point now, std::optional<std::chrono::milliseconds> throttled_for, bool abandoned);

    /// Whether the gate is shut (a 429's wait not yet over, or its probe out) at `now`.
    [[nodiscard]] bool shut(time_point now) const { return now < shut_until_ || probe_.has_value(); }

private:
    std::size_t per_minute_;
    std::deque<time_point> starts_;  // of the calls of the last minute, when there is a ceiling
    time_point shut_until_{};        // no call before this (a 429's wait)
    bool probing_ = false;           // the wait has passed: the next call to start is the probe
    std::optional<flight_id> probe_{};
};

}  // namespace stencila::hub::detail
