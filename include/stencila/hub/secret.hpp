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

}  // namespace stencila::hub
