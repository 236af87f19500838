#include "sansio/url.hpp"

#include <array>

#include "sansio/failure.hpp"

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace stencila::hub::detail {
namespace {

[[noreturn]] void fail(std::string what) {
    throw detail::failure(make_error_code(error::invalid_base_url), what);
}

// Scheme, host and port of a parsed absolute URL; nothing when it is not http(s) with a host.
std::optional<origin> origin_of(const boost::urls::url_view& u, std::string* why) {
    auto say = [&](const char* s) { if (why) *why = s; return std::nullopt; };
    origin o;
    auto scheme = u.scheme_id();
    if (scheme == boost::urls::scheme::https) o.https = true;
    else if (scheme == boost::urls::scheme::http) o.https = false;
    else return say("the scheme must be http or https");
    if (!u.has_authority() || u.encoded_host().empty()) return say("the URL has no host");
    if (u.has_userinfo()) return say("credentials in the URL are not supported; use options::api_key");

    auto kind = u.host_type();
    o.host_is_ip = kind == boost::urls::host_type::ipv4 || kind == boost::urls::host_type::ipv6;
    if (kind == boost::urls::host_type::ipv6) o.host = std::string(u.encoded_host_address());
    else if (kind == boost::urls::host_type::ipv4 || kind == boost::urls::host_type::name)
        o.host = u.host();
    else return say("the host kind is not supported");
    for (auto& c : o.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

    std::uint16_t default_port = o.https ? 443 : 80;
    o.port = default_port;
    if (u.has_port()) {
        auto p = u.port();
        unsigned v = 0;
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
        if (ec != std::errc{} || end != p.data() + p.size() || v == 0 || v > 65535)
            return say("the port is not a number from 1 to 65535");
        o.port = static_cast<std::uint16_t>(v);
    }
    // Appended piece by piece: `"literal" + std::string` trips g++ 12's -Wrestrict false positive at -O3.
    if (kind == boost::urls::host_type::ipv6) {
        o.host_header = '[';
        o.host_header += o.host;
        o.host_header += ']';
    } else {
        o.host_header = o.host;
    }
    if (o.port != default_port) {
        o.host_header += ':';
        o.host_header += std::to_string(o.port);
    }
    return o;
}

// The URL as it may appear in a message: user-info (a password, perhaps) cut out. The password
// may itself hold '/', '?' or '#', so everything up to the last '@' goes.
std::string shown(std::string_view url) {
    auto start = url.find("://");
    start = start == std::string_view::npos ? 0 : start + 3;
    auto at = url.rfind('@');
    if (at == std::string_view::npos || at < start) return std::string(url);
    return std::string(url.substr(0, start)) + "[redacted]" + std::string(url.substr(at));
}

void append_int(std::string& s, std::int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    s.append(buf, end);
}

}  // namespace

base_url parse_base_url(std::string_view text) {
    auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) fail("base URL \"" + shown(text) + "\" is not an absolute URL");
    std::string why;
    auto o = origin_of(*parsed, &why);
    if (!o) fail("base URL \"" + shown(text) + "\": " + why);
    if (parsed->has_query() || parsed->has_fragment())
        fail("base URL \"" + shown(text) + "\": a query or fragment is not allowed");
    base_url b{std::move(*o), std::string(parsed->encoded_path())};
    while (!b.path.empty() && b.path.back() == '/') b.path.pop_back();
    return b;
}

namespace {

// RFC 3986 unreserved characters: the ones a path segment carries as they are.
constexpr auto unreserved_table = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                         c == '-' || c == '.' || c == '_' || c == '~';
    return t;
}();

// Appends `s` percent-encoded, copying runs of unreserved characters at once (a token is one run).
void append_path_segment(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = i;
        while (j < s.size() && unreserved_table[static_cast<unsigned char>(s[j])]) ++j;
        out.append(s.data() + i, j - i);
        if (j == s.size()) break;
        auto c = static_cast<unsigned char>(s[j]);
        out.push_back('%');
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
        i = j + 1;
    }
}

}  // namespace

std::string encode_path_segment(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 2);
    append_path_segment(out, s);
    return out;
}

std::string tokens_target(const base_url& base, std::optional<std::int64_t> limit,
                          std::optional<std::int64_t> offset) {
    std::string t;
    t.reserve(base.path.size() + 40);
    t += base.path;
    t += "/tokens/";
    char sep = '?';
    if (limit) { t += sep; t += "limit="; append_int(t, *limit); sep = '&'; }
    if (offset) { t += sep; t += "offset="; append_int(t, *offset); }
    return t;
}

std::string token_target(const base_url& base, std::string_view token) {
    std::string t;
    t.reserve(base.path.size() + 10 + token.size());
    t += base.path;
    t += "/tokens/";
    append_path_segment(t, token);
    t += '/';
    return t;
}

std::optional<std::string> same_origin_target(const base_url& base, std::string_view link) {
    auto parsed = boost::urls::parse_absolute_uri(link);
    if (!parsed) return std::nullopt;
    auto o = origin_of(*parsed, nullptr);
    if (!o || o->https != base.where.https || o->host != base.where.host || o->port != base.where.port)
        return std::nullopt;
    auto path = parsed->encoded_path();
    std::string target(path.empty() ? std::string_view("/") : std::string_view(path.data(), path.size()));
    if (parsed->has_query()) {
        target += '?';
        target += parsed->encoded_query();
    }
    return target;
}

std::optional<std::int64_t> query_integer(std::string_view target, std::string_view name) {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return std::nullopt;
    std::optional<std::int64_t> found;
    bool present = false;
    for (auto param : parsed->params()) {
        if (param.key != name) continue;
        present = true;
        std::int64_t v = 0;
        const auto& text = param.value;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        found = ec == std::errc{} && end == text.data() + text.size() && param.has_value ? std::optional(v) : std::nullopt;
    }
    return present ? found : std::nullopt;
}

}  // namespace stencila::hub::detail
