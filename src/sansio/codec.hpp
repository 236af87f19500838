// The HTTP/1.1 codec, without I/O: the bytes of a request, and a response read from bytes.
// The connection only moves bytes between these and its socket, so every framing rule (lengths,
// chunks, close-delimited bodies, interim answers, limits, gzip) is tested on byte strings.
#pragma once

#include "sansio/http_message.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace stencila::hub::detail {

/// The fields every request of a client carries: "Host: ...\r\nUser-Agent: ...\r\nAccept: ...\r\n".
[[nodiscard]] std::string fixed_fields(std::string_view host_header, std::string_view user_agent);
/// The value of `Authorization` for an API key: "<prefix> <key>", or the key alone without a prefix.
[[nodiscard]] std::string authorization_value(std::string_view prefix, std::string_view key);

/// Writes the head of `request` into `out` (replacing what it held): the request line, the
/// client's fixed fields ("Host", "User-Agent", "Accept"), `Accept-Encoding: gzip` when asked,
/// `Authorization: <authorization>` when the request is authorized and one is given, and the
/// body's type and length. The body itself follows the head unchanged.
void write_request_head(std::string& out, const http_request& request, std::string_view fixed_fields,
                        std::string_view authorization);

/// Limits of a response.
struct response_limits {
    std::size_t max_body = 8u << 20;    ///< past it: `error::body_too_large` (also after inflating)
    std::size_t max_header = 64u << 10; ///< past it: `error::header_too_large`
};

/// Reads one response from the bytes a connection receives. Interim answers (1xx but 101) are
/// skipped, as RFC 9110 §15.2 asks; a 101 nobody asked for is malformed. The body may come with
/// a Content-Length, chunked (extensions and trailers allowed), or delimited by the close of the
/// connection (`feed_eof`). HTTP/1.0 and 1.1 are read; a higher 1.x minor version as 1.1 (RFC
/// 9110 §2.5), any other version is malformed. An HTTP/1.0 answer that carries Transfer-Encoding
/// has faulty framing (RFC 9112 §6.1): its body is every byte up to the close, and its connection
/// is never kept. Errors are `hub::error` codes: `malformed_response`, `body_too_large`,
/// `header_too_large`, `connection_closed` (the peer closed before the end).
class response_reader {
public:
    explicit response_reader(response_limits limits);
    ~response_reader();
    response_reader(const response_reader&) = delete;
    response_reader& operator=(const response_reader&) = delete;

    /// Takes what it can of `bytes`; returns how many it used. The rest must be given again,
    /// with more after it. Sets `ec` on a malformed or oversized answer, and with
    /// `header_too_large` when more than `max_header` bytes wait for a line to end (a head, a
    /// chunk's size line, trailers).
    std::size_t feed(boost::asio::const_buffer bytes, boost::system::error_code& ec);
    /// The peer closed the connection cleanly: ends a close-delimited body, else `connection_closed`.
    void feed_eof(boost::system::error_code& ec);

    /// A whole final response has been read.
    [[nodiscard]] bool done() const noexcept { return done_; }
    /// The connection may carry another request after this response.
    [[nodiscard]] bool keep_alive() const noexcept;
    /// Moves the response out (once `done()`): status, body (inflated), and for answers other than
    /// 2xx the reason, content type and every header. Sets `ec` when a gzip body does not inflate.
    http_response take(boost::system::error_code& ec);

private:
    struct parser;
    void restart();
    // The head is whole: sees whether its framing can be trusted.
    void on_head();
    [[nodiscard]] bool head_ends_within(boost::asio::const_buffer bytes, std::size_t window);
    response_limits limits_;
    std::size_t head_taken_ = 0;    // bytes of the current head the parser has taken
    std::size_t head_scanned_ = 0;  // bytes after those searched for the head's end, in vain
    std::unique_ptr<parser> parser_;
    unsigned interim_ = 0;
    std::string to_close_body_;  // the body of an answer whose framing is faulty (`to_close_`)
    bool to_close_ = false;      // this answer's body ends at the close, whatever its fields say
    bool never_reuse_ = false;   // some head of this exchange had faulty framing
    bool done_ = false;
};

/// What an answer's status says, by class.
enum class status_class { informational, success, redirection, client_error, server_error, out_of_range };
constexpr status_class classify(unsigned status) noexcept {
    return status >= 100 && status < 200   ? status_class::informational
           : status >= 200 && status < 300 ? status_class::success
           : status >= 300 && status < 400 ? status_class::redirection
           : status >= 400 && status < 500 ? status_class::client_error
           : status >= 500 && status < 600 ? status_class::server_error
                                           : status_class::out_of_range;
}

/// The statuses worth another try for an idempotent call: the Hub's throttle (429) and a front
/// that could not reach it (502, 503, 504).
constexpr bool retryable_status(unsigned status) noexcept {
    return status == 429 || status == 502 || status == 503 || status == 504;
}

/// How long the server asks the client to wait before asking again: its `Retry-After` (seconds or
/// an HTTP-date, taken relative to `now`), or, for a 429 without one, the wait the Hub's throttle
/// message names ("Request was throttled. Expected available in 60 seconds."): the Hub rebuilds
/// every error answer and drops DRF's `Retry-After`. Nothing when the answer names none.
[[nodiscard]] std::optional<std::chrono::milliseconds> retry_after_of(const http_response& answer,
                                                                      std::chrono::system_clock::time_point now);

}  // namespace stencila::hub::detail
