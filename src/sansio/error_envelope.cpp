// Turns a non-2xx answer into an `api_error` (error_envelope.hpp), without I/O or a clock: the
// wait the answer states comes with it, as the transport read it on arrival.
#include "sansio/error_envelope.hpp"

#include "sansio/redact.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace stencila::hub {
namespace detail {
namespace {

constexpr std::size_t kept_body = 4096;

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

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
    d.retry_after = r.retry_after;
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
