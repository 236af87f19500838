// DRF 3.12.4 throttling as the Hub configures it: AnonRateThrottle and UserRateThrottle, each a
// sliding window of request times per cache key, kept per server process (the Hub's LocMemCache).
// Pure: the caller passes the clock reading.
#pragma once

#include "json_out.hpp"
#include "stencila/hub/emulator.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stencila::hub::emulator::detail {

/// The outcome of DRF's `check_throttles`.
struct throttle_verdict {
    bool allowed = true;
    /// When refused: `math.ceil` of the longest wait any refusing throttle computed; empty when
    /// none could compute one (DRF's `wait()` returning None), and the message then has no wait.
    std::optional<std::uint64_t> wait_seconds;
};

class throttle {
public:
    explicit throttle(const throttle_options& options);
    [[nodiscard]] bool enabled() const { return anon_.duration > 0 || user_.duration > 0; }

    /// Every throttle runs (DRF does not stop at the first refusal); each that allows the request
    /// records it. `user` is the authenticated user's primary key, 0 for an anonymous request;
    /// `ident` is DRF's `get_ident()` (see `client_ident`).
    throttle_verdict check(int user, std::string_view ident, micros now);

private:
    struct rate {
        std::int64_t requests = 0;
        micros duration = 0;  // 0 = this throttle is off
    };
    /// SimpleRateThrottle.allow_request; on refusal `wait` gets `wait()` in seconds, rounded up.
    bool allow(const rate& r, const std::string& key, micros now, std::optional<std::uint64_t>& wait);

    rate anon_, user_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::deque<micros>> history_;  // newest first, as DRF keeps it
};

/// DRF's `get_ident()`: a non-empty X-Forwarded-For value with all whitespace removed (even if
/// nothing is left), otherwise the peer address.
std::string client_ident(std::string_view forwarded_for, std::string_view remote_addr);

/// The 429 body's message: "Request was throttled. Expected available in 60 seconds."
std::string throttled_message(const throttle_verdict& v);

}  // namespace stencila::hub::emulator::detail
