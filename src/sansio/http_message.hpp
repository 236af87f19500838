// The transport's view of an exchange: plain structs, no Beast, so the API layer and its tests
// stay light.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stencila::hub::detail {

struct call_settings;

enum class http_method { get, post, delete_ };

/// "GET", "POST", "DELETE": for the request line and for messages.
constexpr const char* method_name(http_method m) noexcept {
    switch (m) {
        case http_method::get: return "GET";
        case http_method::post: return "POST";
        case http_method::delete_: return "DELETE";
    }
    return "GET";
}

struct http_request {
    http_method method = http_method::get;
    std::string target;        ///< origin-form: path and query, already encoded
    std::string_view route;    ///< for logs: the target with secrets replaced, e.g. "/tokens/{token}/"
    std::string body;          ///< JSON; empty = no body
    bool authorize = false;    ///< send `Authorization: <prefix> <api_key>`
    bool accept_gzip = false;  ///< send `Accept-Encoding: gzip`; a gzip body is inflated
    /// What the request carries that must never come back in a message (the token in the path,
    /// the posted password, the API key): redacted from any error answer. Views into the caller's.
    std::span<const std::string_view> secrets{};
    /// What the call goes by (its key, deadlines, retry policy); null: the client's own.
    const call_settings* call = nullptr;
    /// Safe to send twice: the transport may retry it after a stale connection failed.
    [[nodiscard]] bool idempotent() const noexcept { return method != http_method::post; }
};

struct http_response {
    unsigned status = 0;
    std::string reason;
    std::string content_type;
    std::string body;
    /// All header fields; filled only for non-2xx answers, which become `api_error`s.
    std::vector<std::pair<std::string, std::string>> headers;
    /// The wait the answer states (`retry_after_of`: Retry-After, or the Hub's throttle message),
    /// read once by the transport when the answer arrived; nothing when it names none.
    std::optional<std::chrono::milliseconds> retry_after{};
    /// A DELETE's 404 that the exchange took for a success: an earlier attempt's answer was lost,
    /// and that attempt most likely removed it (`exchange_fsm`).
    bool removed_earlier = false;
};

}  // namespace stencila::hub::detail
