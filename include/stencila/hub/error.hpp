// Errors. Every failure is a `boost::system::system_error`, so one `catch` takes them all; its
// code is an `error` below, the operating system's (connection refused, reset, host not found...),
// or, when the Hub answered with a status other than 2xx, that status in `http_category()`. The
// last kind is thrown as `api_error`, which also carries the Hub's message, field errors, headers
// and body. With completion tokens the same codes arrive as `error_code`s, and a `diagnostics`
// keeps the rest (diagnostics.hpp).
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace stencila::hub {

/// The library's own error codes, in `error_category()` ("stencila.hub"). An error-code enum:
/// `ec == error::empty_token` compares, and `error_code ec = error::walk_timeout` converts. Each
/// failure's `what()` says more: the call, the host and the phase (never a secret).
enum class error {
    empty_token = 1,            ///< a token argument was empty; nothing was sent
    invalid_base_url,           ///< `options::base_url` is not an http(s) URL we can use
    invalid_argument,           ///< another argument was rejected before any I/O
    connect_timeout,            ///< the TCP connection was not established in time
    tls_handshake_timeout,      ///< the TLS handshake did not finish in time
    request_timeout,            ///< the operation's deadline passed while writing or reading
    attempt_timeout,            ///< one attempt's time (`timeouts.attempt`) ran out
    pool_timeout,               ///< the deadline passed while waiting for a pooled connection
    tls_untrusted_certificate,  ///< the server's chain does not lead to a trusted CA
    tls_hostname_mismatch,      ///< the certificate is not for the host we connected to
    tls_certificate_expired,    ///< the server's certificate has expired (or is not yet valid)
    tls_verification_failed,    ///< any other certificate verification failure
    tls_handshake_failed,       ///< the handshake failed for a reason other than verification
    body_too_large,             ///< the response body passed `options::max_response_body`
    header_too_large,           ///< the response header passed `options::max_response_header`
    malformed_response,         ///< not HTTP, or a success body that is not the expected JSON
    connection_closed,          ///< the server closed the connection before a whole response
    cross_origin_link,          ///< a paging link points at another origin; not followed
    listing_changed,            ///< a walk with `on_change::fail` saw its listing change: `count`, a token again, or fewer tokens than positions
    proxy_refused,              ///< the proxy did not open the tunnel (its status is in the message)
    invalid_proxy_url,          ///< the proxy URL is not an http URL we can use
    invalid_next_link,          ///< a page's `next` link does not follow on from that page
    incomplete_listing,         ///< a walk got no more items (or `next: null`) before `count`
    inconsistent_page,          ///< a page holds more items than its offset and `count` leave room for
    walk_timeout,               ///< a walk's own deadline (`paging::deadline`) passed
    hub_throttled,              ///< `token_verifier`: no Hub call may start now (after a 429, or over `max_hub_calls_per_minute`); nothing was sent
};

/// Prints the code as it is written in code, `error::request_timeout`, so that a test's
/// `BOOST_TEST(e.code() == error::request_timeout)` compiles and, when it fails, shows both sides
/// (the error code as `stencila.hub:7`, this as its name). The message is
/// `make_error_code(e).message()`. A value outside the enum prints as `error(99)`.
/// @param os where to
/// @param e  the code
/// @return `os`
std::ostream& operator<<(std::ostream& os, error e);

/// The category of `error` codes.
/// @return the one instance, named "stencila.hub"; its `message()` describes each code
const boost::system::error_category& error_category() noexcept;

/// The category of non-2xx answers: an `error_code` in it has the HTTP status as its value, as
/// the completion-token forms report them (`api_error::code()` is one too).
/// @return the one instance, named "stencila.hub.http"
const boost::system::error_category& http_category() noexcept;

/// Makes `error` codes `error_code`s (found by argument-dependent lookup, as Boost.System asks).
/// @param e the code
/// @return `e` in `error_category()`
inline boost::system::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// One entry of the Hub's `errors` list, e.g. {"username", "This field may not be blank."}.
struct field_error {
    std::optional<std::string> field{};  ///< the field's name (e.g. "username", "non_field_errors"); none for errors not tied to one
    std::string message{};               ///< what is wrong with it, in the Hub's words; empty when the Hub gave none
};

/// The Hub answered with a status other than 2xx. A `system_error` whose code is the status in
/// `http_category()`, so `catch (const boost::system::system_error&)` takes it too.
///
/// `what()` reads e.g. "Hub answered 403 Forbidden: Invalid token." and never contains a secret
/// (the request's own secrets are redacted should the server echo them). For an HTML page (the
/// Hub's 502 page) or an empty body it says so.
///
/// Thrown by the default forms of the calls; with a completion token its code arrives instead,
/// and a `diagnostics` keeps the error itself (`diagnostics::http_error`).
class api_error : public boost::system::system_error {
public:
    /// What the Hub answered, as the library read it. Every text here has the request's own
    /// secrets redacted.
    struct details {
        unsigned status = 0;                 ///< the HTTP status, e.g. 403 (0 only in a default-made `details`)
        std::string reason;                  ///< the status line's reason phrase, e.g. "Forbidden"; may be empty
        std::string message;                 ///< the Hub's `message`, or a description of the body (an HTML page, an empty body...)
        std::vector<field_error> errors;     ///< the Hub's `errors`, if any
        std::vector<std::pair<std::string, std::string>> headers;  ///< response headers, in order (Set-Cookie redacted)
        std::string body;                    ///< the body, cut to its first 4 KiB
        bool body_truncated = false;         ///< whether `body` was cut (the answer's body was longer than 4 KiB)
        /// How long the Hub asked to wait before trying again: its `Retry-After`, or for a 429 the
        /// wait its throttle message names ("Expected available in 60 seconds.").
        std::optional<std::chrono::milliseconds> retry_after{};
    };

    /// An error for that answer (the library makes them; tests and mocks may too).
    /// @param d what the Hub answered; its texts should hold no secret, as `what()` shows them
    explicit api_error(details d);

    /// The error's text: "Hub answered 403 Forbidden: Invalid token.", with the field errors
    /// after it ("... Invalid input. [username: This field may not be blank.]").
    /// @return the text, valid as long as the error
    [[nodiscard]] const char* what() const noexcept override { return text_.c_str(); }
    /// The HTTP status, also the value of `code()` (in `http_category()`).
    /// @return e.g. 404
    [[nodiscard]] unsigned status() const noexcept { return d_.status; }
    /// The status line's reason phrase.
    /// @return e.g. "Not Found"; may be empty
    [[nodiscard]] const std::string& reason() const noexcept { return d_.reason; }
    /// The Hub's `message`, or what the body was when it was not the Hub's JSON.
    /// @return e.g. "Not found.", `an HTML page, not the Hub's JSON ("Error : Stencila")` or "empty body"
    [[nodiscard]] const std::string& message() const noexcept { return d_.message; }
    /// The Hub's per-field errors (a 400 for `create`'s body).
    /// @return the `errors` list; empty when the Hub sent none
    [[nodiscard]] const std::vector<field_error>& errors() const noexcept { return d_.errors; }
    /// The answer's headers.
    /// @return every header, in order, as (name, value); Set-Cookie values redacted
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& headers() const noexcept {
        return d_.headers;
    }
    /// The first header of that name (as in `header("Retry-After")`).
    /// @param name the header's name, compared case-insensitively
    /// @return its value, or nothing when the answer has no such header
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
    /// The answer's body, at most its first 4 KiB.
    /// @return the body (the request's secrets redacted), possibly cut: see `body_truncated()`
    [[nodiscard]] const std::string& body() const noexcept { return d_.body; }
    /// Whether `body()` was cut.
    /// @return true when the answer's body was longer than 4 KiB
    [[nodiscard]] bool body_truncated() const noexcept { return d_.body_truncated; }
    /// How long the Hub asked to wait before trying again (429, 503), if it said: a service can
    /// back off for exactly that long. The client never retries sooner than a stated wait: it has
    /// already waited and retried when the wait was at most `retry_policy::max_retry_after` and
    /// within the deadline, and otherwise failed at once. Waits read as at most about 100 years.
    /// @return the `Retry-After` (seconds or HTTP-date, from when the answer came), or for a 429
    ///         without one the wait the Hub's throttle message names; nothing when neither says
    [[nodiscard]] std::optional<std::chrono::milliseconds> retry_after() const noexcept { return d_.retry_after; }

private:
    details d_{};
    std::string text_;
};

}  // namespace stencila::hub

// Makes `error` an error-code enum (see `error`). Kept out of the manual: Doxygen 1.9.4 cannot
// place a specialisation of another library's template ("Internal inconsistency: scope ... not
// found").
/// @cond
template <>
struct boost::system::is_error_code_enum<stencila::hub::error> : std::true_type {};
/// @endcond
