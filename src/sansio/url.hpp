// The base URL and the request targets built from it. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stencila::hub::detail {

/// Where requests go: scheme, host and port.
struct origin {
    bool https = true;
    std::string host;          ///< for connecting and TLS checks: no brackets around IPv6
    std::uint16_t port = 443;
    std::string host_header;   ///< the `Host` field: brackets for IPv6, port when not the default
    bool host_is_ip = false;   ///< IP literals get no SNI and are checked as IP addresses
    friend bool operator==(const origin&, const origin&) = default;
};

struct base_url {
    origin where;
    std::string path;          ///< the path prefix without a trailing slash, e.g. "/api" or ""
};

/// Parses `options::base_url`. Throws `system_error(error::invalid_base_url)` saying what is wrong.
[[nodiscard]] base_url parse_base_url(std::string_view url);

/// Percent-encodes one path segment: everything but RFC 3986 unreserved characters.
[[nodiscard]] std::string encode_path_segment(std::string_view segment);

/// "<prefix>/tokens/?limit=L&offset=O", each parameter only when given.
[[nodiscard]] std::string tokens_target(const base_url& base, std::optional<std::int64_t> limit,
                                        std::optional<std::int64_t> offset);

/// "<prefix>/tokens/<encoded token>/".
[[nodiscard]] std::string token_target(const base_url& base, std::string_view token);

/// For an absolute link given by the server (a page's `next`): its origin-form target when it
/// points at `base`'s origin, nothing otherwise (so the key is never sent to another host).
[[nodiscard]] std::optional<std::string> same_origin_target(const base_url& base, std::string_view link);

/// The value of the query parameter `name` in `target` (the last one when repeated, as the Hub
/// reads it) when it is a decimal integer; nothing when it is absent or not a number.
[[nodiscard]] std::optional<std::int64_t> query_integer(std::string_view target, std::string_view name);

}  // namespace stencila::hub::detail
