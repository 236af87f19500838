#include "create_request.hpp"
#include "text.hpp"

#include "json_out.hpp"
#include "pagination.hpp"
#include "python_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace stencila::hub::emulator::detail {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 3> field_names{"username", "password", "openid"};

/// The Hub's GOOGLE_AUDS (the production web client id).
constexpr std::string_view google_audience = "110435422451-kafa0mb5tt5c5nfqou4kussbnslfajbv.apps.googleusercontent.com";

std::string_view strip(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::string message_body(std::string_view message) {
    std::string out = "{\"message\":";
    append_string(out, message);
    out += "}";
    return out;
}

std::string invalid_body(const std::vector<std::pair<std::string, std::string>>& errors) {
    std::string out = "{\"message\":\"Invalid input.\",\"errors\":[";
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (i) out.push_back(',');
        out += "{\"field\":";
        append_string(out, errors[i].first);
        out += ",\"message\":";
        append_string(out, errors[i].second);
        out += "}";
    }
    out += "]}";
    return out;
}

/// CharField(required=False) on one JSON value: null, type, blank, NUL, then trim (Python's strip).
std::optional<std::string> validate_json_field(const python_value& v, std::string& error) {
    using k = python_value::kind;
    switch (v.what) {
    case k::null: error = "This field may not be null."; return std::nullopt;
    case k::string: case k::integer: case k::floating: break;
    default: error = "Not a valid string."; return std::nullopt;
    }
    std::string_view trimmed = python_strip(v.text);
    if (trimmed.empty()) { error = "This field may not be blank."; return std::nullopt; }
    if (v.text.find('\0') != std::string::npos) { error = "Null characters are not allowed."; return std::nullopt; }
    return std::string(trimmed);
}

/// `type(data).__name__` for a body that is not an object.
std::string_view type_name(python_value::kind k) {
    switch (k) {
    case python_value::kind::array: return "list";
    case python_value::kind::string: return "str";
    case python_value::kind::boolean: return "bool";
    case python_value::kind::floating: return "float";
    default: return "int";
    }
}

bool media_type_is(std::string_view content_type, std::string_view type) {
    auto semi = content_type.find(';');
    std::string_view t = strip(content_type.substr(0, semi));
    if (t == "*/*") return true;
    return t.size() == type.size() && std::equal(t.begin(), t.end(), type.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

/// The `charset` parameter of a Content-Type (`cgi.parse_header`), or "".
std::string_view charset_of(std::string_view content_type) {
    for (auto semi = content_type.find(';'); semi != std::string_view::npos; semi = content_type.find(';')) {
        content_type.remove_prefix(semi + 1);
        std::string_view param = strip(content_type.substr(0, content_type.find(';')));
        auto eq = param.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view name = strip(param.substr(0, eq));
        if (name.size() == 7 && std::equal(name.begin(), name.end(), "charset", [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == b;
            }))
            return strip(param.substr(eq + 1));
    }
    return {};
}

create_parse_result parse_json(std::string_view content_type, std::string_view body) {
    create_parse_result r;
    auto parsed = python_json_loads(body, charset_of(content_type), field_names);
    if (parsed.status == 400) {
        r.status = 400;
        r.body = message_body("JSON parse error - " + parsed.error);
        return r;
    }
    if (parsed.status != 0) {  // RecursionError: not a ParseError, so the Hub's handler answers 500
        r.status = parsed.status;
        r.body = message_body(parsed.error);
        return r;
    }
    if (parsed.top == python_value::kind::null) {
        r.status = 400;
        r.body = invalid_body({{"non_field_errors", "No data provided"}});
        return r;
    }
    if (parsed.top != python_value::kind::object) {
        r.status = 400;
        r.body = invalid_body({{"non_field_errors", "Invalid data. Expected a dictionary, but got " + std::string(type_name(parsed.top)) + "."}});
        return r;
    }
    std::vector<std::pair<std::string, std::string>> errors;
    std::array<std::optional<std::string>*, 3> slots{&r.fields.username, &r.fields.password, &r.fields.openid};
    for (std::size_t i = 0; i < field_names.size(); ++i) {
        auto it = std::find_if(parsed.members.begin(), parsed.members.end(),
                               [&](const auto& m) { return m.first == field_names[i]; });
        if (it == parsed.members.end()) continue;
        std::string error;
        *slots[i] = validate_json_field(it->second, error);
        if (!error.empty()) errors.emplace_back(field_names[i], error);
    }
    if (!errors.empty()) {
        r.status = 400;
        r.body = invalid_body(errors);
    }
    return r;
}

create_parse_result parse_form(std::string_view body) {
    create_parse_result r;
    auto pairs = parse_query(body);
    std::vector<std::pair<std::string, std::string>> errors;
    std::array<std::optional<std::string>*, 3> slots{&r.fields.username, &r.fields.password, &r.fields.openid};
    for (std::size_t i = 0; i < field_names.size(); ++i) {
        const std::string* value = nullptr;
        for (const auto& [k, v] : pairs)
            if (k == field_names[i]) value = &v;  // QueryDict: the last value wins
        if (!value || value->empty()) continue;  // an empty HTML input counts as absent
        if (python_strip(*value).empty()) errors.emplace_back(field_names[i], "This field may not be blank.");
        else if (value->find('\0') != std::string::npos) errors.emplace_back(field_names[i], "Null characters are not allowed.");
        else *slots[i] = std::string(python_strip(*value));
    }
    if (!errors.empty()) {
        r.status = 400;
        r.body = invalid_body(errors);
    }
    return r;
}

/// pyjwt's base64url_decode: pad, then decode leniently (unknown characters are skipped).
bool base64url_decode(std::string_view in, std::string& out) {
    out.clear();
    unsigned buffer = 0;
    int bits = 0, n = 0;
    for (char c : in) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '-' || c == '+') v = 62;
        else if (c == '_' || c == '/') v = 63;
        else if (c == '=') break;
        else continue;
        ++n;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return n % 4 != 1;
}

/// pyjwt: decode a JSON segment; errors read like "Invalid header string: ...".
std::string load_segment(std::string_view text, std::string_view what, json::object& out) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return "Invalid " + std::string(what) + " string: Expecting value: line 1 column 1 (char 0)";
    if (!v.is_object()) return "Invalid " + std::string(what) + " string: must be a json object";
    out = std::move(v.get_object());
    return {};
}

}  // namespace

create_parse_result parse_create_body(std::string_view content_type, std::string_view body) {
    if (body.empty()) return {};  // an empty body parses as {}
    if (media_type_is(content_type, "application/json")) return parse_json(content_type, body);
    if (media_type_is(content_type, "application/x-www-form-urlencoded")) return parse_form(body);
    create_parse_result r;
    r.status = 415;
    r.body = message_body("Unsupported media type \"" + std::string(content_type) + "\" in request.");
    return r;
}

std::string check_openid(std::string_view jwt, double now_seconds, const std::vector<std::string>& test_audiences,
                         openid_identity& out) {
    auto last = jwt.rfind('.');
    if (last == std::string_view::npos) return "Bad token: Not enough segments";
    std::string_view signing_input = jwt.substr(0, last);
    auto first = signing_input.find('.');
    if (first == std::string_view::npos) return "Bad token: Not enough segments";
    std::string decoded;
    json::object header, claims;
    if (!base64url_decode(signing_input.substr(0, first), decoded)) return "Bad token: Invalid header padding";
    if (auto e = load_segment(decoded, "header", header); !e.empty()) return "Bad token: " + e;
    std::string payload;
    if (!base64url_decode(signing_input.substr(first + 1), payload)) return "Bad token: Invalid payload padding";
    if (!base64url_decode(jwt.substr(last + 1), decoded)) return "Bad token: Invalid crypto padding";
    if (auto e = load_segment(payload, "payload", claims); !e.empty()) return "Bad token: " + e;

    if (auto it = claims.find("exp"); it != claims.end() && it->value().is_number()) {
        if (it->value().to_number<double>() < now_seconds) return "Token has expired";
    }
    auto str = [&](std::string_view key) -> std::string {
        auto it = claims.find(key);
        return it != claims.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
    };
    if (str("iss") != "https://accounts.google.com") return "Invalid token issuer";
    std::string aud = str("aud");
    bool test_aud = std::find(test_audiences.begin(), test_audiences.end(), aud) != test_audiences.end();
    if (aud != google_audience && !test_aud) return "Invalid token audience";
    if (!test_aud) return "Token could not be verified";
    auto verified = claims.find("email_verified");
    if (verified == claims.end() || !(verified->value().is_bool() ? verified->value().get_bool()
                                                                  : (verified->value().is_string() && verified->value().get_string() == "true")))
        return "Email address has not been verified";
    out.email = str("email");
    out.given_name = str("given_name");
    out.family_name = str("family_name");
    if (out.email.empty()) return "Email address has not been verified";
    return {};
}

}  // namespace stencila::hub::emulator::detail
