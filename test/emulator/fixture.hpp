// A running emulator with three users, and short-hands for raw requests against it.
#pragma once

#include "raw_http.hpp"

#include "stencila/hub/emulator.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace emu = stencila::hub::emulator;

inline emu::server_options test_options() {
    emu::server_options o;
    o.faults = true;
    o.openid_test_audiences = {"test-audience"};
    return o;
}

struct hub_fixture {
    emu::server hub;
    rawhttp::endpoint ep;

    explicit hub_fixture(emu::server_options o = test_options()) : hub(std::move(o)) {
        hub.add_user({.username = "sam", .password = "sam", .email = "", .first_name = "", .last_name = ""});
        hub.add_user({.username = "a-user", .password = "a-user", .email = "a-user@example.com", .first_name = "A",
                      .last_name = "User"});
        hub.add_user({.username = "inactive", .password = "inactive", .email = "", .first_name = "In",
                      .last_name = "Active", .active = false});
        ep.port = hub.port();
        ep.https = hub.base_url().rfind("https", 0) == 0;
        ep.ca_pem = hub.ca_pem();
    }

    rawhttp::response send(std::string method, std::string target, rawhttp::header_list headers = {},
                           std::string body = {}) {
        return rawhttp::fetch(ep, rawhttp::request{.method = std::move(method), .target = std::move(target),
                                                   .headers = std::move(headers), .body = std::move(body)});
    }
    rawhttp::response get(std::string target, rawhttp::header_list headers = {}) {
        return send("GET", std::move(target), std::move(headers));
    }
    rawhttp::response post_json(std::string body, rawhttp::header_list headers = {}) {
        headers.emplace_back("Content-Type", "application/json");
        return send("POST", "/api/tokens/", std::move(headers), std::move(body));
    }
    /// A new token through POST /api/tokens/ with a password.
    std::string create_token(const std::string& user = "sam") {
        auto r = post_json(R"({"username":")" + user + R"(","password":")" + user + R"("})");
        BOOST_REQUIRE_EQUAL(r.status, 201u);
        return std::string(boost::json::parse(r.body).at("token").as_string());
    }
    static rawhttp::header_list token_auth(const std::string& t) { return {{"Authorization", "Token " + t}}; }
};

inline boost::json::object json_object(const rawhttp::response& r) { return boost::json::parse(r.body).as_object(); }
inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }
