// Request -> response by the Hub's rules (routing, content negotiation, authentication,
// permissions, the four token actions, errors). Plain structs in and out: no Beast here.
#pragma once

#include "counters.hpp"
#include "session_cookie.hpp"
#include "store.hpp"
#include "throttle.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace stencila::hub::emulator::detail {

/// The parts of an HTTP request the Hub looks at. Views into the server's request.
struct hub_request {
    std::string_view method;
    std::string_view target;  ///< origin-form, e.g. /api/tokens/?limit=2
    std::string_view host;    ///< Host header; empty = use the listening address
    std::string_view authorization;
    std::string_view content_type;
    std::string_view accept;
    std::string_view forwarded_proto;   ///< X-Forwarded-Proto
    std::string_view method_override;   ///< X-HTTP-Method-Override
    std::string_view cookie;            ///< Cookie
    std::string_view forwarded_for;     ///< X-Forwarded-For
    std::string_view remote_addr;       ///< the peer's address, as gunicorn's REMOTE_ADDR
    std::string_view body;
};

/// The answer. Reused across requests of a connection so its buffers are not reallocated.
struct hub_response {
    unsigned status = 200;
    std::string_view content_type;  ///< empty = no Content-Type header (204)
    std::string_view allow;         ///< empty = no Allow header (Django's own 404 page)
    bool head = false;              ///< send headers only (Content-Length of the GET body)
    std::string body;
    /// Add the headers of the Hub's Django middleware (X-Frame-Options, Vary,
    /// X-Content-Type-Options, Referrer-Policy) and `set_cookie` when not empty.
    bool hub_headers = false;
    std::string set_cookie;         ///< the Set-Cookie value
    route where = route::unrouted;  ///< for the counters

    // scratch space, reused
    std::string path;
    std::string link_base;
    std::vector<token_view> items;
};

/// What the handler needs to know of the server's options.
struct hub_settings {
    bool https = true;
    std::string default_host;  ///< for links when the request has no Host
    std::vector<std::string> openid_test_audiences;
    bool hub_headers = true;
    throttle_options throttle;
};

/// Django's URL resolution on the percent-decoded path (into `decoded`): the list route
/// `^api/tokens/?$`, the detail route `^api/tokens/(?P<token>[^/.]+)/?$` (its token into
/// `token`), or neither.
route classify(std::string_view target, std::string& decoded, std::string_view& token);

class hub_handler {
public:
    hub_handler(store& s, hub_settings settings);
    void handle(const hub_request& req, hub_response& res);

private:
    void respond(const hub_request& req, hub_response& res);
    void list(const hub_request& req, hub_response& res, int user, std::string_view raw_path, std::string_view query);
    void retrieve(hub_response& res, std::string_view token, bool remove);
    void create(const hub_request& req, hub_response& res, int auth_user);

    store& store_;
    hub_settings settings_;
    throttle throttle_;
    session_cookies sessions_;
};

/// The request path with token values replaced, for logs.
std::string redact_target(std::string_view target);

}  // namespace stencila::hub::emulator::detail
