// What a failed operation had to say, for completion tokens: every operation can complete a
// handler with `void(error_code, T)`. A non-2xx answer then arrives as an error code in
// `http_category()` whose value is the status (404, 503...); pass a `diagnostics` before the
// completion token, as Boost.MySQL does, to keep the Hub's message, field errors, headers and body.
//
//     hub::diagnostics diag;
//     auto [ec, t] = co_await tokens.read(key, diag, asio::as_tuple(asio::use_awaitable));
//     if (ec.category() == hub::http_category()) std::cerr << diag.http_error->message();
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <stencila/hub/error.hpp>

#include <optional>
#include <string>

namespace stencila::hub {

/// What an operation that failed had to say, in full. Filled on failure, cleared on success.
struct diagnostics {
    std::string message{};                  ///< the text an exception would have had (its `what()`); empty after a success
    std::optional<api_error> http_error{};  ///< for a non-2xx answer: status, message, errors, headers, body; none otherwise
    /// Empties both. Every operation given this `diagnostics` does so when it completes, before
    /// filling it on a failure.
    void clear() {
        message.clear();
        http_error.reset();
    }
};

}  // namespace stencila::hub
