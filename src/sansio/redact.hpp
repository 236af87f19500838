// Redacting secrets from text a server sent back: a Hub (or a proxy, or a debug page) may echo the
// request's API key, the token in its path or the password it was posted, and that text goes
// into `api_error`'s message, errors, headers and body. Pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace stencila::hub::detail {

/// Replaces in `text` each of `secrets` (3 characters or more), as given, percent-encoded and
/// JSON-escaped, with "[redacted]".
void redact(std::string& text, std::span<const std::string_view> secrets);

}  // namespace stencila::hub::detail
