#include "detail/json_models.hpp"

#include "detail/failure.hpp"

#include <stencila/hub/error.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/system/system_error.hpp>

namespace stencila::hub::detail {
namespace json = boost::json;
namespace {

[[noreturn]] void malformed(const std::string& what) {
    throw detail::failure(make_error_code(error::malformed_response), what);
}

json::value parse_object(std::string_view body, json::storage_ptr sp, const char* what) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec, std::move(sp));
    if (ec) malformed(std::string(what) + ": the body is not valid JSON");
    if (!v.is_object()) malformed(std::string(what) + ": the body is not a JSON object");
    return v;
}

const json::value& required(const json::object& o, std::string_view key, const char* what) {
    const auto* v = o.if_contains(key);
    if (!v) malformed(std::string(what) + ": `" + std::string(key) + "` is missing");
    return *v;
}

std::string string_field(const json::object& o, std::string_view key, const char* what) {
    const auto& v = required(o, key, what);
    if (!v.is_string()) malformed(std::string(what) + ": `" + std::string(key) + "` is not a string");
    return std::string(v.get_string());
}

// A name: camelCase as the Hub sends it, or snake_case; missing or null reads as "".
std::string name_field(const json::object& o, std::string_view camel, std::string_view snake, const char* what) {
    const auto* v = o.if_contains(camel);
    if (!v) v = o.if_contains(snake);
    if (!v || v->is_null()) return {};
    if (!v->is_string()) malformed(std::string(what) + ": `" + std::string(camel) + "` is not a string");
    return std::string(v->get_string());
}

timestamp datetime_field(const json::value& v, std::string_view key, const char* what) {
    if (!v.is_string()) malformed(std::string(what) + ": `" + std::string(key) + "` is not a string");
    auto t = parse_datetime(v.get_string());
    if (!t) malformed(std::string(what) + ": `" + std::string(key) + "` is not a date-time");
    return *t;
}

void read_token_fields(const json::object& o, token& t, const char* what) {
    const auto& user = required(o, "user", what);
    if (user.is_int64()) t.user = user.get_int64();
    else if (user.is_uint64() && user.get_uint64() <= INT64_MAX) t.user = static_cast<std::int64_t>(user.get_uint64());
    else malformed(std::string(what) + ": `user` is not an integer");
    t.id = string_field(o, "id", what);
    t.created = datetime_field(required(o, "created", what), "created", what);
    if (const auto* e = o.if_contains("expiry"); e && !e->is_null())
        t.expiry = datetime_field(*e, "expiry", what);
}

}  // namespace

token parse_token(std::string_view body) {
    unsigned char buf[2048];
    json::monotonic_resource mr(buf, sizeof buf);
    auto v = parse_object(body, &mr, "read");
    token t;
    read_token_fields(v.get_object(), t, "read");
    return t;
}

created_token parse_created_token(std::string_view body) {
    unsigned char buf[2048];
    json::monotonic_resource mr(buf, sizeof buf);
    auto v = parse_object(body, &mr, "create");
    const auto& o = v.get_object();
    created_token t;
    read_token_fields(o, t, "create");
    t.token = string_field(o, "token", "create");
    if (t.token.empty()) malformed("create: `token` is empty");
    t.username = string_field(o, "username", "create");
    t.first_name = name_field(o, "firstName", "first_name", "create");
    t.last_name = name_field(o, "lastName", "last_name", "create");
    return t;
}

token_page parse_token_page(std::string_view body) {
    json::monotonic_resource mr;
    auto v = parse_object(body, &mr, "list");
    const auto& o = v.get_object();
    token_page page;
    const auto& count = required(o, "count", "list");
    if (count.is_int64() && count.get_int64() >= 0) page.count = count.get_int64();
    else malformed("list: `count` is not a non-negative integer");
    for (const char* key : {"next", "previous"}) {
        auto& slot = key[0] == 'n' ? page.next : page.previous;
        if (const auto* link = o.if_contains(key); link && !link->is_null()) {
            if (!link->is_string()) malformed(std::string("list: `") + key + "` is not a string");
            slot = std::string(link->get_string());
        }
    }
    const auto& results = required(o, "results", "list");
    if (!results.is_array()) malformed("list: `results` is not an array");
    page.results.reserve(results.get_array().size());
    for (const auto& item : results.get_array()) {
        if (!item.is_object()) malformed("list: an item of `results` is not an object");
        read_token_fields(item.get_object(), page.results.emplace_back(), "list");
    }
    return page;
}

std::string create_body(const password_credentials& c) {
    json::object o;
    o["username"] = c.username;
    o["password"] = c.password.reveal();
    return json::serialize(o);
}

std::string create_body(const openid_credentials& c) {
    json::object o;
    o["openid"] = c.jwt.reveal();
    return json::serialize(o);
}

}  // namespace stencila::hub::detail
