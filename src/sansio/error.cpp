#include <stencila/hub/error.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>

namespace stencila::hub {
namespace {

class category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "stencila.hub"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::empty_token: return "token is empty";
            case error::invalid_base_url: return "invalid base URL";
            case error::invalid_argument: return "invalid argument";
            case error::connect_timeout: return "timed out connecting";
            case error::tls_handshake_timeout: return "timed out in the TLS handshake";
            case error::request_timeout: return "timed out waiting for the response";
            case error::attempt_timeout: return "the attempt timed out waiting for the response";
            case error::pool_timeout: return "timed out waiting for a pooled connection";
            case error::tls_untrusted_certificate: return "TLS certificate not trusted (unknown issuer)";
            case error::tls_hostname_mismatch: return "TLS certificate does not match the host name";
            case error::tls_certificate_expired: return "TLS certificate expired or not yet valid";
            case error::tls_verification_failed: return "TLS certificate verification failed";
            case error::tls_handshake_failed: return "TLS handshake failed";
            case error::body_too_large: return "response body too large";
            case error::header_too_large: return "response header too large";
            case error::malformed_response: return "malformed response";
            case error::connection_closed: return "connection closed before the response was complete";
            case error::cross_origin_link: return "paging link points at another origin";
            case error::listing_changed: return "the listing changed during the walk";
            case error::proxy_refused: return "the proxy refused the tunnel";
            case error::invalid_proxy_url: return "invalid proxy URL";
            case error::invalid_next_link: return "a page's next link does not follow on from it";
            case error::incomplete_listing: return "the listing ended before its count";
            case error::inconsistent_page: return "a page holds more items than its count leaves room for";
            case error::walk_timeout: return "the walk's deadline passed";
            case error::hub_throttled: return "the verifier started no Hub call (throttled, or over its ceiling)";
        }
        return "unknown stencila.hub error";
    }
};

class http_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "stencila.hub.http"; }
    std::string message(int status) const override { return "the Hub answered HTTP " + std::to_string(status); }
};

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

std::string describe(const api_error::details& d) {
    std::string s = "Hub answered " + std::to_string(d.status);
    if (!d.reason.empty()) s += " " + d.reason;
    s += ": " + d.message;
    for (const auto& e : d.errors) {
        // A plain DRF body's message already says each field's text (read_drf_fields): once is enough.
        if (!e.message.empty() && d.message.find(e.message) != std::string::npos) continue;
        s += e.field ? " [" + *e.field + ": " : " [";
        s += e.message + "]";
    }
    return s;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, error e) {
    const char* name = nullptr;
    switch (e) {
        case error::empty_token: name = "empty_token"; break;
        case error::invalid_base_url: name = "invalid_base_url"; break;
        case error::invalid_argument: name = "invalid_argument"; break;
        case error::connect_timeout: name = "connect_timeout"; break;
        case error::tls_handshake_timeout: name = "tls_handshake_timeout"; break;
        case error::request_timeout: name = "request_timeout"; break;
        case error::attempt_timeout: name = "attempt_timeout"; break;
        case error::pool_timeout: name = "pool_timeout"; break;
        case error::tls_untrusted_certificate: name = "tls_untrusted_certificate"; break;
        case error::tls_hostname_mismatch: name = "tls_hostname_mismatch"; break;
        case error::tls_certificate_expired: name = "tls_certificate_expired"; break;
        case error::tls_verification_failed: name = "tls_verification_failed"; break;
        case error::tls_handshake_failed: name = "tls_handshake_failed"; break;
        case error::body_too_large: name = "body_too_large"; break;
        case error::header_too_large: name = "header_too_large"; break;
        case error::malformed_response: name = "malformed_response"; break;
        case error::connection_closed: name = "connection_closed"; break;
        case error::cross_origin_link: name = "cross_origin_link"; break;
        case error::listing_changed: name = "listing_changed"; break;
        case error::proxy_refused: name = "proxy_refused"; break;
        case error::invalid_proxy_url: name = "invalid_proxy_url"; break;
        case error::invalid_next_link: name = "invalid_next_link"; break;
        case error::incomplete_listing: name = "incomplete_listing"; break;
        case error::inconsistent_page: name = "inconsistent_page"; break;
        case error::walk_timeout: name = "walk_timeout"; break;
        case error::hub_throttled: name = "hub_throttled"; break;
    }
    if (!name) return os << "error(" << static_cast<int>(e) << ")";
    return os << "error::" << name;
}

const boost::system::error_category& error_category() noexcept {
    static const category_impl instance;
    return instance;
}

const boost::system::error_category& http_category() noexcept {
    static const http_category_impl instance;
    return instance;
}

api_error::api_error(details d)
    : boost::system::system_error(static_cast<int>(d.status), http_category()), d_(std::move(d)), text_(describe(d_)) {}

std::optional<std::string> api_error::header(std::string_view name) const {
    for (const auto& [k, v] : d_.headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

}  // namespace stencila::hub
