#include "hub_handler.hpp"
#include "text.hpp"

#include "create_request.hpp"
#include "pagination.hpp"

#include <algorithm>
#include <cstring>

namespace stencila::hub::emulator::detail {

namespace {

constexpr std::string_view json_type = "application/json";
constexpr std::string_view allow_list = "GET, POST, HEAD, OPTIONS";
constexpr std::string_view allow_detail = "GET, DELETE, HEAD, OPTIONS";

constexpr std::string_view django_404 =
    "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n"
    "  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n";

constexpr std::string_view options_list =
    R"({"name":"Tokens List","description":"A view set for user tokens.","renders":["application/json"],)"
    R"("parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],)"
    R"("actions":{"POST":{"user":{"type":"field","required":true,"readOnly":false,"label":"User"},)"
    R"("id":{"type":"string","required":true,"readOnly":false,"label":"Id","helpText":"First eight characters of the token."},)"
    R"("created":{"type":"datetime","required":false,"readOnly":true,"label":"Created"},)"
    R"("expiry":{"type":"datetime","required":false,"readOnly":false,"label":"Expiry"}}}})";
constexpr std::string_view options_detail =
    R"({"name":"Tokens Instance","description":"A view set for user tokens.","renders":["application/json"],)"
    R"("parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"]})";

/// Python `bytes.split()`: at most three words are needed.
std::size_t split_words(std::string_view s, std::string_view (&words)[3]) {
    std::size_t n = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        if (i == s.size()) break;
        std::size_t j = i;
        while (j < s.size() && !is_space(s[j])) ++j;
        if (n < 3) words[n] = s.substr(i, j - i);
        ++n;
        i = j;
    }
    return n;
}

void message(hub_response& res, unsigned status, std::string_view text) {
    res.status = status;
    res.content_type = json_type;
    res.body.assign("{\"message\":");
    append_string(res.body, text);
    res.body.push_back('}');
}

/// DRF content negotiation with only the JSON renderer.
bool accepts_json(std::string_view accept) {
    if (accept.empty()) return true;
    while (!accept.empty()) {
        auto comma = accept.find(',');
        std::string_view item = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        item = item.substr(0, item.find(';'));
        while (!item.empty() && is_space(item.front())) item.remove_prefix(1);
        while (!item.empty() && is_space(item.back())) item.remove_suffix(1);
        if (item == "*/*" || item == "application/*" || iequals(item, "application/json")) return true;
    }
    return false;
}

bool base64_decode(std::string_view in, std::string& out) {
    out.clear();
    unsigned buffer = 0;
    int bits = 0, n = 0, pad = 0;
    for (char c : in) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+') v = 62;
        else if (c == '/') v = 63;
        else if (c == '=') { ++pad; continue; }
        else continue;  // binascii skips characters outside the alphabet
        if (pad) return false;
        ++n;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    if (n % 4 == 1) return false;
    if (n % 4 != 0 && pad < 4 - n % 4) return false;  // "Incorrect padding"
    return true;
}

struct auth_outcome {
    int user = 0;              ///< 0 = anonymous
    std::string_view error;    ///< non-empty: 403 with this message
};

auth_outcome token_outcome(store& s, std::string_view token) {
    auto r = s.authenticate(token);
    switch (r.status) {
    case auth_status::ok: return {r.user, {}};
    case auth_status::inactive_user: return {0, "User inactive or deleted."};
    default: return {0, "Invalid token."};
    }
}

/// The Hub's authenticators: its BasicAuthentication (token as user name), then knox.
auth_outcome authenticate(store& s, std::string_view header) {
    std::string_view words[3];
    std::size_t n = split_words(header, words);
    if (n == 0) return {};
    if (iequals(words[0], "basic")) {
        if (n == 1) return {0, "Invalid Basic authorization header. No credentials provided."};
        if (n > 2) return {0, "Invalid Basic authorization header. Credentials string should not contain spaces."};
        std::string decoded;
        if (!base64_decode(words[1], decoded)) return {0, "Invalid Basic authorization header. Credentials not correctly base64 encoded."};
        auto colon = decoded.find(':');
        std::string_view user = std::string_view(decoded).substr(0, colon);
        std::string_view password = colon == std::string::npos ? std::string_view{} : std::string_view(decoded).substr(colon + 1);
        if (!password.empty()) return {0, "Basic authorization with a password is not allowed; use an API token instead."};
        return token_outcome(s, user);
    }
    if (iequals(words[0], "token")) {
        if (n == 1) return {0, "Invalid token header. No credentials provided."};
        if (n > 2) return {0, "Invalid token header. Token string should not contain spaces."};
        return token_outcome(s, words[1]);
    }
    return {};
}

void append_token_view(std::string& out, const token_view& t) {
    out += "{\"user\":";
    append_int(out, t.user);
    out += ",\"id\":\"";
    out.append(t.id.data(), t.id.size());
    out += "\",\"created\":";
    append_datetime(out, t.created);
    out += ",\"expiry\":";
    if (t.expiry == no_expiry) out += "null";
    else append_datetime(out, t.expiry);
    out.push_back('}');
}

}  // namespace

route classify(std::string_view target, std::string& decoded, std::string_view& token) {
    percent_decode(target.substr(0, target.find('?')), decoded);
    constexpr std::string_view prefix = "/api/tokens";
    std::string_view path = decoded;
    if (path.substr(0, prefix.size()) != prefix) return route::unrouted;
    std::string_view rest = path.substr(prefix.size());
    if (rest.empty() || rest == "/") return route::list;
    if (rest.front() != '/') return route::unrouted;
    rest.remove_prefix(1);
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.empty() || rest.find_first_of("/.") != std::string_view::npos) return route::unrouted;
    token = rest;
    return route::detail;
}

hub_handler::hub_handler(store& s, hub_settings settings)
    : store_(s), settings_(std::move(settings)), throttle_(settings_.throttle) {}

void hub_handler::handle(const hub_request& req, hub_response& res) {
    res.status = 200;
    res.head = false;
    res.allow = {};
    res.content_type = {};
    res.body.clear();
    res.set_cookie.clear();
    res.hub_headers = settings_.hub_headers;
    respond(req, res);
    // SessionMiddleware: a visitor without a valid session gets a new one, except on a 500.
    if (settings_.hub_headers && res.status != 500) {
        micros now = store_.clock();
        if (!sessions_.carries_session(req.cookie, now)) sessions_.issue(now, res.set_cookie);
    }
}

void hub_handler::respond(const hub_request& req, hub_response& res) {
    auto q = req.target.find('?');
    std::string_view raw_path = req.target.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
    std::string_view token;
    res.where = classify(req.target, res.path, token);
    if (res.where == route::unrouted) {
        res.status = 404;
        res.content_type = "text/html";
        res.body.assign(django_404);
        res.head = req.method == "HEAD";
        return;
    }
    bool detail = res.where == route::detail;
    res.allow = detail ? allow_detail : allow_list;

    std::string_view method = req.method;
    std::string override_method;
    if (method == "POST" && !req.method_override.empty()) {
        override_method.assign(req.method_override);
        for (auto& c : override_method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        method = override_method;
    }
    bool head = method == "HEAD";
    bool get = method == "GET" || head;
    res.head = head;

    // APIView.initial(): content negotiation, authentication, permissions, throttles; then the
    // handler (so a throttled request is refused before its method is looked at).
    if (!accepts_json(req.accept)) return message(res, 406, "Could not satisfy the request Accept header.");
    auto auth = authenticate(store_, req.authorization);
    if (!auth.error.empty()) return message(res, 403, auth.error);
    if (!detail && get && auth.user == 0) return message(res, 403, "Authentication credentials were not provided.");
    if (throttle_.enabled()) {
        auto verdict = throttle_.check(auth.user, client_ident(req.forwarded_for, req.remote_addr), store_.now());
        if (!verdict.allowed) return message(res, 429, throttled_message(verdict));
    }

    if (method == "OPTIONS") {
        res.content_type = json_type;
        res.body.assign(detail ? options_detail : options_list);
    } else if (get) {
        if (detail) retrieve(res, token, false);
        else list(req, res, auth.user, raw_path, query);
    } else if (detail && method == "DELETE") {
        retrieve(res, token, true);
    } else if (!detail && method == "POST") {
        create(req, res, auth.user);
    } else {
        std::string text = "Method \"" + std::string(method) + "\" not allowed.";
        message(res, 405, text);
    }
}

void hub_handler::retrieve(hub_response& res, std::string_view token, bool remove) {
    token_view t;
    if (!store_.retrieve(token, remove, t)) {
        message(res, 404, "Not found.");
        return;
    }
    if (remove) {
        res.status = 204;
        return;
    }
    res.content_type = json_type;
    append_token_view(res.body, t);
}

void hub_handler::list(const hub_request& req, hub_response& res, int user, std::string_view raw_path,
                       std::string_view query) {
    auto params = parse_query(query);
    auto page = parse_page_request(params);
    std::size_t count = store_.list(user, page.offset, page.limit, res.items);
    res.content_type = json_type;
    std::string& out = res.body;
    out += "{\"count\":";
    append_uint(out, count);
    out += ",\"next\":";
    bool secure = settings_.https || req.forwarded_proto == "https";
    std::string& base = res.link_base;
    base.assign(secure ? "https://" : "http://");
    base.append(req.host.empty() ? std::string_view(settings_.default_host) : req.host);
    base.append(raw_path);
    append_next_link(out, base, params, page, count);
    out += ",\"previous\":";
    append_previous_link(out, base, params, page);
    out += ",\"results\":[";
    for (std::size_t i = 0; i < res.items.size(); ++i) {
        if (i) out.push_back(',');
        append_token_view(out, res.items[i]);
    }
    out += "]}";
}

void hub_handler::create(const hub_request& req, hub_response& res, int auth_user) {
    auto parsed = parse_create_body(req.content_type, req.body);
    if (parsed.status != 0) {
        res.status = parsed.status;
        res.content_type = json_type;
        res.body = std::move(parsed.body);
        return;
    }
    const auto& f = parsed.fields;
    int user = 0;
    if (f.username && f.password) {
        auto id = store_.check_password(*f.username, *f.password);
        if (!id) return message(res, 403, "Incorrect authentication credentials.");
        user = *id;
    } else if (f.openid) {
        openid_identity who;
        double now = static_cast<double>(store_.now()) / 1e6;
        if (auto error = check_openid(*f.openid, now, settings_.openid_test_audiences, who); !error.empty())
            return message(res, 400, error);
        auto id = store_.find_user_by_email(who.email);
        user = id ? *id : store_.add_openid_user(who.email, who.given_name, who.family_name);
    } else if (auth_user != 0) {
        user = auth_user;
    } else {
        return message(res, 403, "Authentication credentials were not provided.");
    }
    auto c = store_.create_token(user);
    res.status = 201;
    res.content_type = json_type;
    std::string& out = res.body;
    out += "{\"token\":";
    append_string(out, c.secret);
    out += ",\"id\":\"";
    out.append(c.view.id.data(), 8);
    out += "\",\"created\":";
    append_datetime(out, c.view.created);
    out += ",\"expiry\":";
    append_datetime(out, c.view.expiry);
    out += ",\"user\":";
    append_int(out, c.view.user);
    out += ",\"username\":";
    append_string(out, c.username);
    out += ",\"firstName\":";
    append_string(out, c.first_name);
    out += ",\"lastName\":";
    append_string(out, c.last_name);
    out.push_back('}');
}

std::string redact_target(std::string_view target) {
    constexpr std::string_view prefix = "/api/tokens/";
    auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    if (path.substr(0, prefix.size()) != prefix || path.size() == prefix.size()) return std::string(target);
    std::string out(prefix);
    out += "<redacted>";
    if (path.back() == '/') out.push_back('/');
    if (q != std::string_view::npos) out.append(target.substr(q));
    return out;
}

}  // namespace stencila::hub::emulator::detail
