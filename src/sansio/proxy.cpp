#include "sansio/proxy.hpp"

#include "sansio/failure.hpp"

#include <stencila/hub/error.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace stencila::hub::detail {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string base64(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

const char* first_set(const char* (*getenv)(const char*), const char* a, const char* b) {
    const char* v = getenv(a);
    if (v && *v) return v;
    v = getenv(b);
    return v && *v ? v : nullptr;
}

}  // namespace

bool bypasses_proxy(std::string_view no_proxy, std::string_view host_in) {
    std::string host = lower(host_in);
    std::size_t i = 0;
    while (i < no_proxy.size()) {
        std::size_t j = no_proxy.find_first_of(", ", i);
        if (j == std::string_view::npos) j = no_proxy.size();
        std::string entry = lower(no_proxy.substr(i, j - i));
        i = j + 1;
        if (entry.empty()) continue;
        if (entry == "*") return true;
        if (entry.front() != '[') {  // drop a port, but not from a bracketed IPv6 literal
            if (auto colon = entry.rfind(':'); colon != std::string::npos && entry.find(':') == colon)
                entry.resize(colon);
        } else if (auto close = entry.find(']'); close != std::string::npos) {
            entry = entry.substr(1, close - 1);
        }
        if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
        if (host == entry) return true;
        if (host.size() > entry.size() && host.ends_with(entry) && host[host.size() - entry.size() - 1] == '.')
            return true;
    }
    return false;
}

std::optional<proxy_route> choose_proxy(const options& opts, const base_url& base,
                                        const char* (*getenv)(const char*)) {
    std::string url = opts.proxy.url;
    if (url.empty() && opts.proxy.from_environment) {
        const char* v = base.where.https ? first_set(getenv, "HTTPS_PROXY", "https_proxy")
                                         : first_set(getenv, "HTTP_PROXY", "http_proxy");
        if (!v) return std::nullopt;
        if (const char* no = first_set(getenv, "NO_PROXY", "no_proxy"); no && bypasses_proxy(no, base.where.host))
            return std::nullopt;
        url = v;
    }
    if (url.empty()) return std::nullopt;
    if (url.find("://") == std::string::npos) url = "http://" + url;  // "proxy:3128", as curl reads it

    // Credentials in the URL (http://user:pw@proxy:3128), as environments often carry them.
    std::string user = opts.proxy.username, password = opts.proxy.password.reveal();
    auto start = url.find("://") + 3;
    auto end = url.find_first_of("/?#", start);
    if (auto at = url.substr(0, end).rfind('@'); at != std::string::npos && at > start) {
        std::string info = url.substr(start, at - start);
        url.erase(start, at - start + 1);
        if (user.empty()) {
            auto colon = info.find(':');
            user = info.substr(0, colon);
            password = colon == std::string::npos ? "" : info.substr(colon + 1);
        }
    }

    base_url parsed;
    try {
        parsed = parse_base_url(url);
    } catch (const boost::system::system_error&) {
        throw failure(make_error_code(error::invalid_proxy_url), "proxy URL: the URL is not usable");
    }
    if (parsed.where.https)
        throw failure(make_error_code(error::invalid_proxy_url), "proxy URL: only http:// proxies are supported");

    proxy_route route{std::move(parsed.where), {}};
    if (!user.empty()) route.authorization = "Basic " + base64(user + ":" + password);
    return route;
}

}  // namespace stencila::hub::detail
