#include "pagination.hpp"
#include "text.hpp"

#include "json_out.hpp"

#include <algorithm>
#include <map>

namespace stencila::hub::emulator::detail {

namespace {

void unquote_plus(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '+') out.push_back(' ');
        else if (c == '%' && i + 2 < in.size() &&
                 hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else out.push_back(c);
    }
}

/// `replace_query_param` / `remove_query_param`: every key sorted, values in order, `doseq`.
std::string rebuild(std::string_view base, const std::vector<std::pair<std::string, std::string>>& query,
                    std::optional<std::uint64_t> limit, std::optional<std::uint64_t> offset) {
    std::map<std::string, std::vector<std::string>> keys;
    for (const auto& [k, v] : query) keys[k].push_back(v);
    if (limit) keys["limit"] = {std::to_string(*limit)};
    if (offset) keys["offset"] = {std::to_string(*offset)};
    else keys.erase("offset");
    std::string url(base);
    url.push_back('?');
    bool first = true;
    for (const auto& [k, vs] : keys)
        for (const auto& v : vs) {
            if (!first) url.push_back('&');
            first = false;
            append_quote_plus(url, k);
            url.push_back('=');
            append_quote_plus(url, v);
        }
    return url;
}

}  // namespace

std::optional<std::int64_t> python_int(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    std::int64_t v = 0;
    bool prev_digit = false;
    for (char c : s) {
        if (c == '_') {
            if (!prev_digit) return std::nullopt;
            prev_digit = false;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        prev_digit = true;
        v = std::min<std::int64_t>(v * 10 + (c - '0'), 1'000'000'000'000'000'000LL);
    }
    if (!prev_digit) return std::nullopt;
    return negative ? -v : v;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        std::string k, v;
        unquote_plus(part.substr(0, eq), k);
        if (eq != std::string_view::npos) unquote_plus(part.substr(eq + 1), v);
        out.emplace_back(std::move(k), std::move(v));
    }
    return out;
}

void append_quote_plus(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '_' || c == '.' ||
            c == '-' || c == '~')
            out.push_back(c);
        else if (c == ' ')
            out.push_back('+');
        else {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0xf]);
        }
    }
}

void percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
            hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
}

page_request parse_page_request(const std::vector<std::pair<std::string, std::string>>& query) {
    page_request p;
    const std::string* limit = nullptr;
    const std::string* offset = nullptr;
    for (const auto& [k, v] : query) {
        if (k == "limit") limit = &v;
        else if (k == "offset") offset = &v;
    }
    if (limit)
        if (auto v = python_int(*limit); v && *v > 0) p.limit = static_cast<std::uint64_t>(*v);
    if (offset)
        if (auto v = python_int(*offset); v && *v >= 0) p.offset = static_cast<std::uint64_t>(*v);
    return p;
}

void append_next_link(std::string& out, std::string_view base,
                      const std::vector<std::pair<std::string, std::string>>& query, const page_request& page,
                      std::uint64_t count) {
    if (page.offset + page.limit >= count) {
        out += "null";
        return;
    }
    append_string(out, rebuild(base, query, page.limit, page.offset + page.limit));
}

void append_previous_link(std::string& out, std::string_view base,
                          const std::vector<std::pair<std::string, std::string>>& query, const page_request& page) {
    if (page.offset == 0) {
        out += "null";
        return;
    }
    if (page.offset <= page.limit) append_string(out, rebuild(base, query, page.limit, std::nullopt));
    else append_string(out, rebuild(base, query, page.limit, page.offset - page.limit));
}

}  // namespace stencila::hub::emulator::detail
