// The secret values a run of hub-tokens knows (the API key, a token argument, a password, a token
// just created), kept out of everything it prints, whatever a server puts where.
#pragma once

#include <stencila/hub/models.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace hub_tokens {

/// What stands for a secret in output: the library's marker (`secret`'s `operator<<`, and what
/// `api_error` puts where a server echoed one).
inline constexpr std::string_view redacted_mark = "[redacted]";

/// The secrets to keep out of stdout and stderr. A server may echo any of them anywhere (an
/// `id`, a message); every server-provided text goes through `redact` before it is printed.
class known_secrets {
public:
    /// Remembers `value`; values shorter than 3 characters are ignored, as the library does,
    /// since they would blank out ordinary words.
    void add(std::string_view value);
    /// `text` with every occurrence of a known secret replaced by `[redacted]`.
    [[nodiscard]] std::string redact(std::string text) const;
    /// `t` with its `id` redacted (the only text in a token).
    [[nodiscard]] stencila::hub::token redact(stencila::hub::token t) const;
    /// Each token's `id` redacted, in place.
    void redact(std::vector<stencila::hub::token>& tokens) const;

private:
    std::vector<std::string> values_;
};

}  // namespace hub_tokens
