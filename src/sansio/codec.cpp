#include "sansio/codec.hpp"

#include "sansio/gzip.hpp"
#include "sansio/retry_after.hpp"

#include <stencila/hub/error.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace stencila::hub::detail {
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// Interim answers in a row before the final one: more is a server stalling us in a loop.
constexpr unsigned max_interim = 16;

void append_size(std::string& out, std::size_t n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

error_code map_parse_error(error_code ec) {
    if (ec == http::error::body_limit) return error::body_too_large;
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) return error::header_too_large;
    if (ec == http::error::partial_message || ec == http::error::end_of_stream) return error::connection_closed;
    return error::malformed_response;  // not HTTP/1.x, or broken framing
}

}  // namespace

std::string fixed_fields(std::string_view host_header, std::string_view user_agent) {
    std::string out = "Host: ";
    out += host_header;
    out += "\r\nUser-Agent: ";
    out += user_agent;
    out += "\r\nAccept: application/json\r\n";
    return out;
}

std::string authorization_value(std::string_view prefix, std::string_view key) {
    if (key.empty()) return {};
    if (prefix.empty()) return std::string(key);
    std::string out(prefix);
    out += ' ';
    out += key;
    return out;
}

void write_request_head(std::string& out, const http_request& request, std::string_view fixed_fields,
                        std::string_view authorization) {
    out.clear();
    out += method_name(request.method);
    out += ' ';
    out += request.target;
    out += " HTTP/1.1\r\n";
    out += fixed_fields;
    if (request.accept_gzip) out += "Accept-Encoding: gzip\r\n";
    if (request.authorize && !authorization.empty()) {
        out += "Authorization: ";
        out += authorization;
        out += "\r\n";
    }
    if (!request.body.empty() || request.method == http_method::post) {
        out += "Content-Type: application/json\r\nContent-Length: ";
        append_size(out, request.body.size());
        out += "\r\n";
    }
    out += "\r\n";
}

// RFC 9110 §15: a status is three digits, and only 1xx to 5xx mean anything (Beast takes 000-999).
constexpr bool valid_status(unsigned status) noexcept { return status >= 100 && status <= 599; }

// "HTTP/1.2" to "HTTP/1.9" at the start of a status line: a minor version above the 1.1 we speak.
// RFC 9110 §2.5: such a message is processed as the highest minor version the recipient knows;
// Beast refuses any version but 1.0 and 1.1, so it is shown "HTTP/1.1" instead. Other major
// versions (HTTP/0.9, HTTP/2) stay malformed.
bool higher_minor_version(std::string_view start) noexcept {
    return start.size() >= 8 && start.starts_with("HTTP/1.") && start[7] >= '2' && start[7] <= '9';
}

struct response_reader::parser {
    http::response_parser<http::string_body> p;
};

response_reader::response_reader(response_limits limits) : limits_(limits) { restart(); }
response_reader::~response_reader() = default;

// Whether the end of a head ("\r\n\r\n", or "\r\n" right after a start line the parser took
// alone) lies within the first `window` bytes.
// The bytes searched before are not searched again (but for the last 3, which may begin the
// end): a server that trickles a head byte by byte costs a pass over it, not one per byte.
bool response_reader::head_ends_within(boost::asio::const_buffer bytes, std::size_t window) {
    std::string_view seen(static_cast<const char*>(bytes.data()), window);
    if (head_taken_ > 0 && seen.starts_with("\r\n")) return true;
    auto from = head_scanned_ > 3 ? head_scanned_ - 3 : 0;
    if (from < seen.size() && seen.find("\r\n\r\n", from) != std::string_view::npos) return true;
    head_scanned_ = std::max(head_scanned_, seen.size());
    return false;
}

void response_reader::restart() {
    head_taken_ = 0;
    head_scanned_ = 0;
    parser_ = std::make_unique<parser>();
    auto& p = parser_->p;
    p.eager(true);  // the body too, as far as the bytes go, in one `put` (but see `feed`)
    p.body_limit(limits_.max_body);
    p.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits_.max_header, UINT32_MAX)));
}

std::size_t response_reader::feed(boost::asio::const_buffer bytes, error_code& ec) {
    ec = {};
    std::size_t used = 0;
    while (!done_ && bytes.size() > 0) {
        if (to_close_) {  // faulty framing: every byte up to the close is the body
            if (bytes.size() > limits_.max_body - to_close_body_.size()) {
                ec = error::body_too_large;
                return used;
            }
            to_close_body_.append(static_cast<const char*>(bytes.data()), bytes.size());
            used += bytes.size();
            break;
        }
        // The parser sees at most `max_header` bytes at a time, so a chunk line or the trailers
        // must end within that many; and a head within `max_header` bytes from its first,
        // counting what the parser already took of it (Beast may take a start line alone).
        // So the limits hold the same however the bytes were cut into reads.
        auto window = std::min(bytes.size(), limits_.max_header);
        const bool in_head = !parser_->p.is_header_done();
        if (in_head) {
            window = std::min(bytes.size(), limits_.max_header - std::min(head_taken_, limits_.max_header));
            if (!head_ends_within(bytes, window)) {
                if (head_taken_ + bytes.size() >= limits_.max_header) ec = error::header_too_large;
                if (ec || window == 0) break;
            }
        }
        // Beast 1.81 asserts when it resumes a last chunk's trailers with fewer than 5 bytes
        // (found by fuzz_response). What is left of a chunked body is never shorter ("0\r\n\r\n"
        // at least): wait for more.
        if (!in_head && parser_->p.chunked() && bytes.size() < 5) break;
        std::size_t n = 0;
        // Nothing of this head taken yet: `bytes` begins with its status line (Beast takes none of
        // it before its first 8 bytes, the version, have come).
        const std::string_view start{static_cast<const char*>(bytes.data()), in_head && head_taken_ == 0 ? window : 0};
        // An HTTP/1.0 head is read alone, so `on_head` judges its framing before the parser
        // reads any of its body.
        if (start.size() >= 8) parser_->p.eager(!start.starts_with("HTTP/1.0"));
        if (higher_minor_version(start)) {
            const std::array<boost::asio::const_buffer, 2> as_1_1{
                boost::asio::buffer("HTTP/1.1", 8), boost::asio::buffer(bytes.data(), window) + 8};
            n = parser_->p.put(as_1_1, ec);
        } else {
            n = parser_->p.put(boost::asio::buffer(bytes.data(), window), ec);
        }
        if (in_head) {
            head_taken_ += n;
            head_scanned_ -= std::min(head_scanned_, n);  // counted from the first byte not taken
        }
        used += n;
        bytes += n;
        if (ec == http::error::need_more) {
            ec = {};
            if (n > 0) continue;  // it took what it was shown: show it the rest
            // Nothing taken: it waits for the end of a line. Past the window, none can come
            // (an endless chunk extension, say).
            if (bytes.size() >= limits_.max_header) ec = error::header_too_large;
            break;
        }
        if (ec) {
            ec = map_parse_error(ec);
            return used;
        }
        if (in_head && parser_->p.is_header_done()) {
            on_head();
            if (to_close_) continue;
        }
        if (!parser_->p.is_done()) continue;
        auto status = parser_->p.get().result_int();
        if (!valid_status(status)) {
            ec = error::malformed_response;
            return used;
        }
        if (status / 100 != 1) {
            done_ = true;
        } else if (status == 101 || ++interim_ > max_interim) {
            ec = error::malformed_response;  // a protocol switch nobody asked for, or endless interim answers
            return used;
        } else {
            restart();  // an interim answer (100 Continue, 103 Early Hints...): the real one follows
        }
    }
    return used;
}

// RFC 9112 §6.1: "A server or client that receives an HTTP/1.0 message containing a
// Transfer-Encoding header field MUST treat the message as if the framing is faulty, even if a
// Content-Length is present, and close the connection after processing the message" (a server
// must not send one: §6.1; an HTTP/1.0 hop in between may have passed the chunked bytes on, or
// dropped them, without the field knowing). So the rule here:
// - Neither Transfer-Encoding nor Content-Length is believed: the body is every byte up to the
//   close of the connection (§6.3 rule 8, the one boundary that does not depend on the fields),
//   within `max_body`; bytes that were chunked stay as they came.
// - The connection is never used again, even when the answer says `Connection: keep-alive`:
//   §9.3 keeps a connection only when every message on it has a self-defined length, and the
//   bytes after this one may be a piece of it the sender retained (§6.1).
// - An answer without a body by its status (1xx, 204, 304: §6.3 rule 1) ends at its head as
//   always; its connection is not kept either.
// - With a Content-Length as well, Beast refuses the head (Transfer-Encoding and Content-Length
//   together): malformed, and the connection closed all the same.
// Any other HTTP/1.0 answer keeps its connection only with `Connection: keep-alive` (§9.3,
// RFC 9112 Appendix C.2.2): Beast's `keep_alive()`.
void response_reader::on_head() {
    auto& p = parser_->p;
    p.eager(true);
    const auto& msg = p.get();
    if (msg.version() != 10 || msg.find(http::field::transfer_encoding) == msg.end()) return;
    never_reuse_ = true;
    if (!p.is_done()) to_close_ = true;  // an answer with a body: the close ends it
}

void response_reader::feed_eof(error_code& ec) {
    ec = {};
    if (done_) return;
    if (to_close_) {
        if (valid_status(parser_->p.get().result_int())) done_ = true;
        else ec = error::malformed_response;
        return;
    }
    if (!parser_->p.got_some()) {  // nothing of the final answer (maybe an interim one before)
        ec = error::connection_closed;
        return;
    }
    parser_->p.put_eof(ec);
    if (ec) {
        ec = map_parse_error(ec);
        return;
    }
    done_ = parser_->p.is_done();
    if (!done_) ec = error::connection_closed;
    else if (!valid_status(parser_->p.get().result_int())) {
        done_ = false;
        ec = error::malformed_response;
    }
}

bool response_reader::keep_alive() const noexcept {
    return done_ && !never_reuse_ && !to_close_ && parser_->p.get().keep_alive() && !parser_->p.need_eof();
}

http_response response_reader::take(error_code& ec) {
    ec = {};
    http_response response;
    auto& msg = parser_->p.get();
    response.status = msg.result_int();
    if (classify(response.status) != status_class::success) {  // what only an api_error needs
        response.reason = std::string(msg.reason());
        if (auto ct = msg.find(http::field::content_type); ct != msg.end()) response.content_type = std::string(ct->value());
        for (const auto& f : msg) response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    auto& body = to_close_ ? to_close_body_ : msg.body();
    auto encoding = msg.find(http::field::content_encoding);
    if (encoding == msg.end() || boost::beast::iequals(encoding->value(), "identity")) {
        response.body = std::move(body);
    } else if (boost::beast::iequals(encoding->value(), "gzip")) {
        ec = gunzip(body, response.body, limits_.max_body);
    } else {
        ec = error::malformed_response;  // an encoding we never offered to read
    }
    return response;
}

namespace {

// "... Expected available in 60 seconds." / "... in 1 second." (DRF's Throttled.extra_detail).
std::optional<std::chrono::milliseconds> throttle_wait(std::string_view body) {
    static constexpr std::string_view marker = "Expected available in ";
    auto at = body.find(marker);
    if (at == std::string_view::npos) return std::nullopt;
    auto digits = body.substr(at + marker.size());
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (ec == std::errc::result_out_of_range) seconds = std::numeric_limits<std::int64_t>::max();
    else if (ec != std::errc{} || seconds < 0) return std::nullopt;
    if (!std::string_view(end, static_cast<std::size_t>(digits.data() + digits.size() - end)).starts_with(" second"))
        return std::nullopt;
    // Saturated, not multiplied: 10^11 seconds in milliseconds would still fit, 10^17 would not.
    constexpr auto most = std::chrono::duration_cast<std::chrono::seconds>(max_stated_wait).count();
    return seconds >= most ? max_stated_wait : std::chrono::milliseconds{std::chrono::seconds{seconds}};
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after_of(const http_response& answer,
                                                        std::chrono::system_clock::time_point now) {
    for (const auto& [name, value] : answer.headers)
        if (boost::beast::iequals(name, "retry-after")) return parse_retry_after(value, now);
    if (answer.status == 429) return throttle_wait(answer.body);
    return std::nullopt;
}

}  // namespace stencila::hub::detail
