// Date-times as the Hub writes them: ISO 8601 in UTC, e.g. `2022-02-01T20:42:43.123456Z`.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace stencila::hub {

/// A point in time with the Hub's precision (microseconds), in UTC.
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. A fraction of 1 to 9 digits is accepted
/// (digits past the sixth are truncated); a space may stand for `T`.
/// @param text e.g. "2022-02-01T20:42:43.123456Z" or "2022-02-01 21:42:43+01:00"
/// @return the point in time, in UTC; nothing for any other text or for out-of-range fields
[[nodiscard]] std::optional<timestamp> parse_datetime(std::string_view text) noexcept;

/// Formats as the Hub does: `YYYY-MM-DDTHH:MM:SS.ffffffZ`, the fraction left out when zero.
/// @param t the point in time
/// @return e.g. "2022-02-01T20:42:43.123456Z", or "2022-02-01T20:42:43Z"
[[nodiscard]] std::string format_datetime(timestamp t);

}  // namespace stencila::hub
