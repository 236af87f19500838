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
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace stencila::hub {

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
    listing_changed,            ///< `count` changed during a walk with `on_change::fail`
    proxy_refused,              ///< the proxy did not open the tunnel (its status is in the message)
    invalid_proxy_url,          ///< the proxy URL is not an http URL we can use
    invalid_next_link,          ///< a page's `next` link does not follow on from that page
    incomplete_listing,         ///< a walk got no more items (or `next: null`) before `count`
    inconsistent_page,          ///< a page holds more items than its offset and `count` leave room for
    walk_timeout,               ///< a walk's own deadline (`paging::deadline`) passed
};

/// The category of `error` codes, named "stencila.hub".
const boost::system::error_category& error_category() noexcept;

/// The category of non-2xx answers, named "stencila.hub.http": the value is the HTTP status.
const boost::system::error_category& http_category() noexcept;

inline boost::system::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// One entry of the Hub's `errors` list, e.g. {"username", "This field may not be blank."}.
struct field_error {
    std::optional<std::string> field{};  ///< null for errors not tied to a field
    std::string message{};
};

/// The Hub answered with a status other than 2xx. A `system_error` whose code is the status in
/// `http_category()`, so `catch (const boost::system::system_error&)` takes it too.
///
/// `what()` reads e.g. "Hub answered 403 Forbidden: Invalid token." and never contains a secret
/// (the request's own secrets are redacted should the server echo them). For an HTML page (the
/// Hub's 502 page) or an empty body it says so.
class api_error : public boost::system::system_error {
public:
    struct details {
        unsigned status = 0;
        std::string reason;                  ///< the status line's reason phrase
        std::string message;                 ///< the Hub's `message`, or a description of the body
        std::vector<field_error> errors;     ///< the Hub's `errors`, if any
        std::vector<std::pair<std::string, std::string>> headers;  ///< response headers (Set-Cookie redacted)
        std::string body;                    ///< the body, cut to its first 4 KiB
        bool body_truncated = false;
        /// How long the Hub asked to wait before trying again: its `Retry-After`, or for a 429 the
        /// wait its throttle message names ("Expected available in 60 seconds.").
        std::optional<std::chrono::milliseconds> retry_after{};
    };

    explicit api_error(details d);

    [[nodiscard]] const char* what() const noexcept override { return text_.c_str(); }
    [[nodiscard]] unsigned status() const noexcept { return d_.status; }
    [[nodiscard]] const std::string& reason() const noexcept { return d_.reason; }
    [[nodiscard]] const std::string& message() const noexcept { return d_.message; }
    [[nodiscard]] const std::vector<field_error>& errors() const noexcept { return d_.errors; }
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& headers() const noexcept {
        return d_.headers;
    }
    /// The first header of that name (case-insensitive), if any.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
    [[nodiscard]] const std::string& body() const noexcept { return d_.body; }
    [[nodiscard]] bool body_truncated() const noexcept { return d_.body_truncated; }
    /// How long the Hub asked to wait before trying again (429, 503), if it said: a service can
    /// back off for exactly that long. The client has already retried when it could within its
    /// deadline and `retry_policy::max_retry_after`.
    [[nodiscard]] std::optional<std::chrono::milliseconds> retry_after() const noexcept { return d_.retry_after; }

private:
    details d_{};
    std::string text_;
};

}  // namespace stencila::hub

template <>
struct boost::system::is_error_code_enum<stencila::hub::error> : std::true_type {};
