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

class secret {
public:
    secret() = default;
    secret(std::string value) : value_(std::move(value)) {}                 // NOLINT: implicit on purpose
    secret(std::string_view value) : value_(value) {}                       // NOLINT
    secret(const char* value) : value_(value ? value : "") {}               // NOLINT

    /// The value itself. Call it only where the value must go on the wire.
    [[nodiscard]] const std::string& reveal() const noexcept { return value_; }
    [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

    /// Compares the values in time independent of where they differ.
    friend bool operator==(const secret& a, const secret& b) noexcept;

    /// Prints `[redacted]` (or `[empty]`), never the value.
    friend std::ostream& operator<<(std::ostream& os, const secret& s) {
        return os << (s.value_.empty() ? "[empty]" : "[redacted]");
    }

private:
    std::string value_;
};

/// A secret borrowed for a moment, e.g. in `call_options`: it points at a `secret` the caller
/// keeps (or at a string it has), and is copied into a `secret` where it is kept. Trivially
/// destructible, so an aggregate holding it is safe to build inside a `co_await` expression.
class secret_ref {
public:
    secret_ref() = default;
    secret_ref(const secret& s) noexcept : value_(s.reveal()), given_(true) {}      // NOLINT: implicit on purpose
    secret_ref(const std::string& s) noexcept : value_(s), given_(true) {}         // NOLINT
    explicit secret_ref(std::string_view value) noexcept : value_(value), given_(true) {}
    // Not from temporaries: a call_options kept in a variable would point at what is gone.
    secret_ref(secret&&) = delete;
    secret_ref(std::string&&) = delete;

    /// Whether one was given (an empty one given counts: it is rejected where a key is needed).
    [[nodiscard]] bool given() const noexcept { return given_; }
    [[nodiscard]] std::string_view reveal() const noexcept { return value_; }

    /// Prints `[redacted]` (or `[none]`), never the value.
    friend std::ostream& operator<<(std::ostream& os, const secret_ref& s) {
        return os << (s.given_ ? "[redacted]" : "[none]");
    }

private:
    std::string_view value_{};
    bool given_ = false;
};

}  // namespace stencila::hub
