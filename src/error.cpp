#include <stencila/hub/error.hpp>

#include "detail/codec.hpp"
#include "detail/error_envelope.hpp"
#include "detail/redact.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

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

namespace detail {
namespace {

constexpr std::size_t kept_body = 4096;

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string html_title(std::string_view body) {
    std::string lower(body.substr(0, 8192));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto open = lower.find("<title>");
    if (open == std::string::npos) return {};
    auto close = lower.find("</title>", open);
    if (close == std::string::npos) return {};
    return std::string(trim(body.substr(open + 7, close - open - 7)));
}

// The text of a DRF error value: a string, or a list of strings joined by spaces (DRF's
// messages end with a full stop). Empty for anything else (a nested serializer's object, say).
std::string drf_text(const boost::json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    std::string out;
    if (!v.is_array()) return out;
    for (const auto& item : v.get_array()) {
        if (!item.is_string() || item.get_string().empty()) continue;
        if (!out.empty()) out += ' ';
        out += item.get_string();
    }
    return out;
}

// What a plain DRF server (one without the Hub's handler in front) sends for a validation error:
// {"non_field_errors": ["..."], "<field>": ["...", ...]}. Each key becomes a field error, as the
// Hub's handler would make it; the message says them all: the non-field texts, then
// "<field>: <text>" for each field. False when no key holds text.
bool read_drf_fields(const boost::json::object& o, api_error::details& d) {
    std::string general, fields;
    for (const auto& [key, value] : o) {
        auto text = drf_text(value);
        if (text.empty()) continue;
        std::string field(key);
        auto& into = field == "non_field_errors" ? general : fields;
        if (!into.empty()) into += ' ';
        into += field == "non_field_errors" ? text : field + ": " + text;
        d.errors.push_back({std::move(field), std::move(text)});
    }
    if (d.errors.empty()) return false;
    d.message = general.empty() ? fields : fields.empty() ? general : general + " " + fields;
    return true;
}

// Reads the Hub's {"message": "...", "errors": [{"field": ..., "message": ...}]}
// (hub-tokens-api.md §4.1), and what plain DRF sends without the Hub's handler: {"detail": "..."}
// (a string or a list), and validation errors keyed by field (`read_drf_fields`). Returns false
// when the body is not a JSON object.
bool read_envelope(std::string_view body, api_error::details& d) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return false;
    const auto& o = v.get_object();
    if (const auto* m = o.if_contains("message"); m && m->is_string()) d.message = std::string(m->get_string());
    else if (const auto* dm = o.if_contains("detail")) d.message = drf_text(*dm);
    const auto* errs = o.if_contains("errors");
    if (errs && errs->is_array()) {
        for (const auto& e : errs->get_array()) {
            if (!e.is_object()) continue;
            field_error fe;
            if (const auto* f = e.get_object().if_contains("field"); f && f->is_string())
                fe.field = std::string(f->get_string());
            if (const auto* fm = e.get_object().if_contains("message"); fm && fm->is_string())
                fe.message = std::string(fm->get_string());
            d.errors.push_back(std::move(fe));
        }
    }
    const bool envelope = !d.message.empty() || o.contains("message") || o.contains("detail") || errs;
    if (!envelope && read_drf_fields(o, d)) return true;
    if (d.message.empty()) d.message = d.errors.empty() ? "JSON body without a message" : "Invalid input.";
    return true;
}

}  // namespace

api_error make_api_error(http_response&& r, std::span<const std::string_view> secrets) {
    api_error::details d;
    d.retry_after = retry_after_of(r, std::chrono::system_clock::now());
    d.status = r.status;
    d.reason = std::move(r.reason);
    d.headers = std::move(r.headers);
    for (auto& [name, value] : d.headers)
        if (iequals(name, "set-cookie")) value = "[redacted]";

    std::string_view body = r.body;
    std::string_view type = r.content_type;
    if (trim(body).empty()) {
        d.message = "empty body";
    } else if (!read_envelope(body, d)) {
        bool html = type.find("html") != std::string_view::npos || trim(body).front() == '<';
        if (html) {
            auto title = html_title(body);
            d.message = title.empty() ? "an HTML page, not the Hub's JSON"
                                      : "an HTML page, not the Hub's JSON (\"" + title + "\")";
        } else {
            d.message = "a body that is not the Hub's JSON (" + std::to_string(body.size()) + " bytes" +
                        (type.empty() ? std::string(")") : ", " + std::string(type) + ")");
        }
    }
    d.body_truncated = r.body.size() > kept_body;
    if (d.body_truncated) r.body.resize(kept_body);
    d.body = std::move(r.body);
    if (!secrets.empty()) {
        for (auto* text : {&d.reason, &d.message, &d.body}) redact(*text, secrets);
        for (auto& e : d.errors) {
            if (e.field) redact(*e.field, secrets);
            redact(e.message, secrets);
        }
        for (auto& h : d.headers) redact(h.second, secrets);
    }
    return api_error(std::move(d));
}

}  // namespace detail
}  // namespace stencila::hub
