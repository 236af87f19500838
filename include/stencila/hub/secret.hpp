// `secret`: a string that never shows itself. API keys and token values live in it, so they
// cannot reach a log line, an exception message or `operator<<` output by accident.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace stencila::hub {

/// A string that never shows itself: an API key, a token's value, a password. Made implicitly
/// from any string, so `read("3f0c...")` and `options{.api_key = key}` read naturally; printed,
/// it says `[redacted]`; only `reveal()` gives the value.
class secret {
public:
    /// An empty secret.
    secret() = default;
    /// @param value the value; taken over
    secret(std::string value) : value_(std::move(value)) {}                 // NOLINT: implicit on purpose
    /// @param value the value; copied
    secret(std::string_view value) : value_(value) {}                       // NOLINT
    /// @param value the value, copied; null makes an empty secret
    secret(const char* value) : value_(value ? value : "") {}               // NOLINT

    /// The value itself. Call it only where the value must go on the wire.
    /// @return the value, valid as long as the secret is unchanged
    [[nodiscard]] const std::string& reveal() const noexcept { return value_; }
    /// Whether there is no value (the calls reject an empty token or key before any I/O).
    /// @return true for an empty value
    [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

    /// Compares the values in time independent of where they differ (not of their lengths).
    /// @param a a secret
    /// @param b another
    /// @return whether the values are equal
    friend bool operator==(const secret& a, const secret& b) noexcept;

    /// Prints `[redacted]` (or `[empty]`), never the value.
    /// @param os where to
    /// @param s  the secret
    /// @return `os`
    friend std::ostream& operator<<(std::ostream& os, const secret& s) {
        return os << (s.value_.empty() ? "[empty]" : "[redacted]");
    }

private:
    std::string value_;
};

/// A secret borrowed for a moment (in `call_options`): it points at a `secret` the caller
/// keeps (or at a string it has), and is copied into a `secret` where it is kept. Trivially
/// destructible, so an aggregate holding it is safe to build inside a `co_await` expression.
class secret_ref {
public:
    /// None given.
    secret_ref() = default;
    /// @param s the secret pointed at; it must outlive this reference
    secret_ref(const secret& s) noexcept : value_(s.reveal()), given_(true) {}      // NOLINT: implicit on purpose
    /// @param s the string pointed at; it must outlive this reference
    secret_ref(const std::string& s) noexcept : value_(s), given_(true) {}         // NOLINT
    /// @param value the characters pointed at; they must outlive this reference
    explicit secret_ref(std::string_view value) noexcept : value_(value), given_(true) {}
    // Not from temporaries: a call_options kept in a variable would point at what is gone.
    secret_ref(secret&&) = delete;
    secret_ref(std::string&&) = delete;

    /// Whether one was given (an empty one given counts: it is rejected where a key is needed).
    /// @return true when made from a secret or a string, even an empty one
    [[nodiscard]] bool given() const noexcept { return given_; }
    /// The value pointed at. Call it only where the value must be copied or go on the wire.
    /// @return the characters pointed at; empty when none was given
    [[nodiscard]] std::string_view reveal() const noexcept { return value_; }

    /// Prints `[redacted]` (or `[none]`), never the value.
    /// @param os where to
    /// @param s  the reference
    /// @return `os`
    friend std::ostream& operator<<(std::ostream& os, const secret_ref& s) {
        return os << (s.given_ ? "[redacted]" : "[none]");
    }

private:
    std::string_view value_{};
    bool given_ = false;
};

}  // namespace stencila::hub
