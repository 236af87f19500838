// The wait a server states, read without I/O: `Retry-After` (delta-seconds or an HTTP-date) and
// the bound every stated wait is held to. The codec reads answers with it, the retry decisions
// honour what it read; neither includes the other.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace stencila::hub::detail {

/// The longest wait a server's statement is read as (about 100 years): a `Retry-After` or a
/// throttle message naming more reads as this, so a wait can be added to any clock's `now` and
/// printed without overflowing.
inline constexpr std::chrono::milliseconds max_stated_wait =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours{24 * 366 * 100});

/// `w`, at most `max_stated_wait` and at least zero.
[[nodiscard]] constexpr std::chrono::milliseconds saturate_wait(std::chrono::milliseconds w) noexcept {
    return w < std::chrono::milliseconds::zero() ? std::chrono::milliseconds::zero()
           : w > max_stated_wait                 ? max_stated_wait
                                                 : w;
}

/// Parses `Retry-After`: delta-seconds, or an HTTP-date (IMF-fixdate, RFC 850 or asctime form)
/// taken relative to `now`. A date in the past reads as zero; anything else as nothing. Waits
/// are saturated at `max_stated_wait`.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace stencila::hub::detail
