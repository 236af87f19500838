// Which proxy, if any, a client goes through: from `proxy_options` or the environment, with
// NO_PROXY honoured. Pure functions, no I/O.
#pragma once

#include "sansio/url.hpp"

#include <stencila/hub/options.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace stencila::hub::detail {

struct proxy_route {
    origin where;               ///< the proxy itself (http only)
    std::string authorization;  ///< "Basic <base64>" or empty
};

/// `no_proxy` as in curl: comma- or space-separated host names, domain suffixes (with or without
/// a leading dot), IP literals, or "*" for every host. Ports in entries are ignored.
bool bypasses_proxy(std::string_view no_proxy, std::string_view host);

/// The proxy for `base`: `opts.proxy.url`, else (when asked) the environment; nothing for none.
/// `getenv` is a parameter so tests can pass their own. Throws `error::invalid_proxy_url`.
std::optional<proxy_route> choose_proxy(const options& opts, const base_url& base,
                                        const char* (*getenv)(const char*));

}  // namespace stencila::hub::detail
