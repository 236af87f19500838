// What hub-tokens prints of what a server sends: a new token only if it has a token's shape, no
// control character on the terminal, valid JSON, and no secret the tool knows, wherever the
// server puts it (an `id`, a message). hub-tokens only: the library half is in the other files.
#include "fixture.hpp"

#include <boost/json/parse.hpp>

#include <memory>
#include <mutex>

using namespace hostile_test;

namespace {

const std::string created_field = R"("created":"2022-02-01T20:42:43Z")";

/// A read answer's token with this `id` (JSON text, escapes allowed).
std::string token_with_id(const std::string& id) { return R"({"user":1,"id":")" + id + R"(",)" + created_field + "}"; }

/// A one-item list page of that token.
std::string page_with_id(const std::string& id) {
    return R"({"count":1,"next":null,"previous":null,"results":[)" + token_with_id(id) + "]}";
}

/// A created token with this value (JSON text) and this username (JSON text).
std::string created_with(const std::string& value, const std::string& username = "sam") {
    return R"({"token":")" + value + R"(","id":"3f0c9a1b",)" + created_field +
           R"(,"expiry":"2022-02-08T20:42:43Z","user":1,"username":")" + username + R"(","firstName":"","lastName":""})";
}

/// A server whose answer is set after the case is made (its secrets are known only then). The
/// server's thread reads it when the child process's request arrives; that order goes through
/// the kernel (spawn, connect, accept), which ThreadSanitizer cannot see, so a mutex says it.
struct late_answer {
    struct shared {
        std::mutex m;
        std::string bytes;
    };
    std::shared_ptr<shared> state = std::make_shared<shared>();
    void set(std::string bytes) const {
        std::lock_guard lock(state->m);
        state->bytes = std::move(bytes);
    }
    hostile::script script() const {
        return [s = state](const hostile::request&) {
            std::lock_guard lock(s->m);
            return hostile::send(s->bytes);
        };
    }
};


void expect_no_control_character(const test::child_result& r) {
    auto in_err = control_character_in(r.err), in_out = control_character_in(r.out);
    BOOST_TEST(!in_err, "a control character on stderr at byte " << in_err.value_or(0) << ": " << r.err);
    BOOST_TEST(!in_out, "a control character on stdout at byte " << in_out.value_or(0) << ": " << r.out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_output)

BOOST_AUTO_TEST_CASE(login_prints_no_new_token_without_the_shape_of_one) {
    // A script reads login's line as the token: escape sequences, a line break or anything but
    // knox's 64 lowercase hex characters must not come out as one.
    const std::string hex63(63, 'a');
    struct variant {
        const char* name;
        std::string value;  ///< JSON text
    } cases[] = {
        {"escape sequences and a line break", R"(\u001b]0;pwned\u0007\u001b[2J)" + hex63.substr(0, 40) + R"(\ninjected)"},
        {"64 upper-case hex characters", std::string(64, 'A')},
        {"63 hex characters", hex63},
        {"65 hex characters", hex63 + "ab"},
        {"64 hex characters and a line break", hex63 + "a\\n"},
        {"a token and a second line", hex63 + "a\\n" + hex63 + "a"},
    };
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            hostile_case c{hostile::always(hostile::send(hostile::with_length(201, created_with(v.value))))};
            auto cli = c.cli_login();
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 5, describe(r));
                BOOST_TEST(r.out.empty(), describe(r));
                BOOST_TEST(r.err ==
                               "hub-tokens: login: POST /tokens/: malformed response: the new token is not 64 "
                               "lowercase hex characters; it is not printed\n",
                           describe(r));
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(login_prints_a_well_shaped_token_whatever_the_username_holds) {
    // The username is not printed; the token is, alone on its line.
    late_answer a;
    hostile_case d{a.script()};
    a.set(hostile::with_length(201, created_with(d.keys.created, R"(\u001b[2J\nroot\u0085)")));
    auto cli = d.cli_login();
    with_cli(cli, d.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 0, describe(r));
        BOOST_TEST(r.out == d.keys.created + "\n", describe(r));
        BOOST_TEST(r.err.empty(), describe(r));
    });
}

BOOST_AUTO_TEST_CASE(an_id_holding_the_api_key_or_the_token_is_printed_redacted_in_every_format) {
    // A hostile (or broken) server echoes a secret the tool sent or knows: the tool prints the
    // library's marker instead, on a table, a details block and in JSON.
    enum class which { api_key, token };
    struct variant {
        const char* name;
        which secret;
        std::vector<std::string> args;  ///< the read's token is added after "read"
        bool list;
    } cases[] = {
        {"read, the API key", which::api_key, {"read"}, false},
        {"read --json, the API key", which::api_key, {"read", "--json"}, false},
        {"read, the token read", which::token, {"read"}, false},
        {"list, the API key", which::api_key, {"list"}, true},
        {"list --json, the API key", which::api_key, {"list", "--json"}, true},
        {"list --all, the API key", which::api_key, {"list", "--all"}, true},
        {"list --all --json, the API key", which::api_key, {"list", "--all", "--json"}, true},
    };
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            late_answer a;
            hostile_case c{a.script()};
            const auto& secret = v.secret == which::api_key ? c.keys.api_key : c.keys.token;
            a.set(hostile::with_length(200, v.list ? page_with_id(secret) : token_with_id(secret)));
            auto args = v.args;
            if (args.front() == "read") args.insert(args.begin() + 1, c.keys.token);
            auto cli = c.cli(args);
            with_cli(cli, c.keys, [&](const test::child_result& r) {  // no secret anywhere: with_cli checks
                BOOST_TEST(r.exit_code == 0, describe(r));
                EXPECT_HAS(r.out, "[redacted]");
                if (std::find(args.begin(), args.end(), "--json") != args.end()) {
                    boost::system::error_code ec;
                    auto parsed = boost::json::parse(r.out, ec);
                    BOOST_TEST(!ec, "not valid JSON: " << r.out);
                }
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(a_message_echoing_the_api_key_is_redacted_even_where_the_call_did_not_send_it) {
    // read and delete send no API key, so the library has no reason to look for it in the answer;
    // the tool knows it (STENCILA_HUB_TOKEN) and keeps it out of the error line all the same.
    for (const std::string command : {"read", "delete"}) {
        BOOST_TEST_CONTEXT(command) {
            late_answer a;
            hostile_case c{a.script()};
            a.set(hostile::with_length(404, R"({"message":"Key )" + c.keys.api_key + R"( is not a token."})"));
            auto cli = c.cli({command, c.keys.token});
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 4, describe(r));
                BOOST_TEST(r.err == "hub-tokens: " + command + ": Hub answered 404 Not Found: Key [redacted] is not a token.\n",
                           describe(r));
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(json_output_shows_no_control_character_and_stays_valid_json) {
    // Boost.JSON escapes C0 controls; DEL and C1 (which some terminals act on) it leaves raw.
    const std::string nasty = R"(\u001b[2J\n\u007f\u0085\u009b31m)";
    for (const auto& args : std::vector<std::vector<std::string>>{{"read", "--json"}, {"list", "--json"},
                                                                  {"list", "--all", "--json"}}) {
        BOOST_TEST_CONTEXT(args[0] << " " << args.back() << " " << args.size()) {
            const bool list = args[0] == "list";
            hostile_case c{hostile::always(
                hostile::send(hostile::with_length(200, list ? page_with_id(nasty) : token_with_id(nasty))))};
            auto full = args;
            if (!list) full.insert(full.begin() + 1, c.keys.token);
            auto cli = c.cli(full);
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 0, describe(r));
                expect_no_control_character(r);
                boost::system::error_code ec;
                auto parsed = boost::json::parse(r.out, ec);
                BOOST_TEST_REQUIRE(!ec, "not valid JSON: " << r.out);
                const auto& token = list ? parsed.at("results").at(0) : parsed;
                BOOST_TEST(token.at("id").as_string() == "\x1b[2J\n\x7f\u0085\u009b" "31m", r.out);
            });
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
