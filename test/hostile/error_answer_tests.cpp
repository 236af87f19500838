// Error answers as real servers and proxies give them: HTML pages, empty bodies, bodies that
// echo the request's secrets back, Retry-After in every form, and redirects to other hosts.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>

using namespace hostile_test;
using hostile::answer;
using hostile::ending;

namespace {

const std::string stencila_502 =
    "<!DOCTYPE html><html><head><title>Error : Stencila</title></head><body><h1>502</h1>Bad gateway</body></html>";

std::string html(unsigned status, const std::string& page) {
    return hostile::with_length(status, page, {{"Content-Type", "text/html; charset=utf-8"}});
}

/// An IMF-fixdate `ahead` from now.
std::string http_date(std::chrono::seconds ahead) {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + ahead);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return text;
}

/// The api_error of a failed outcome.
std::optional<hub::api_error> api_error_of(const outcome& o) {
    try {
        if (o.error) std::rethrow_exception(o.error);
    } catch (const hub::api_error& e) {
        return e;
    } catch (...) {
    }
    return std::nullopt;
}

/// JSON text for a string value (quotes and backslashes escaped).
std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

/// The text of a file of the source tree, "README.md" say.
std::string source_file(const std::string& path) {
    std::ifstream in(std::string(SOURCE_DIR) + "/" + path);
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
}

/// `text` with every run of white space (line breaks included) made one space.
std::string one_spaced(const std::string& text) {
    std::string out;
    for (char ch : text) {
        bool space = ch == ' ' || ch == '\n';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : ch;
    }
    return out;
}

/// The first answer is `first()`, every later one 200.
hostile::script first_then_fine(std::function<std::string()> first) {
    return [first](const hostile::request& r) { return hostile::send(r.index == 1 ? first() : token_answer); };
}

hostile::script first_then_fine(std::string first) {
    return first_then_fine([first] { return first; });
}

}  // namespace

BOOST_AUTO_TEST_CASE(html_502_page_is_an_api_error_that_says_html_after_the_retries) {
    hostile_case c{hostile::always(hostile::send(html(502, stencila_502)))};
    auto cli = c.cli_read();
    auto o = c.read();
    const std::string what = "Hub answered 502 Bad Gateway: an HTML page, not the Hub's JSON (\"Error : Stencila\")";
    EXPECT_STATUS(o, 502u);
    BOOST_TEST(o.what == what);
    BOOST_TEST(c.lib.request_count() == 3u, "502 is retried for a read, up to max_attempts");
    with_cli(cli, c.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 6, describe(r));
        BOOST_TEST(r.err == "hub-tokens: read: " + what + "\n");
    });
}

BOOST_AUTO_TEST_CASE(empty_500_is_an_api_error_that_says_so_and_is_not_retried) {
    hostile_case c{hostile::always(hostile::send(hostile::with_length(500, "", {})))};
    auto cli = c.cli_read();
    auto o = c.read();
    EXPECT_STATUS(o, 500u);
    BOOST_TEST(o.what == "Hub answered 500 Internal Server Error: empty body");
    BOOST_TEST(c.lib.request_count() == 1u);
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 6, describe(r));
        BOOST_TEST(r.err == "hub-tokens: read: Hub answered 500 Internal Server Error: empty body\n");
    });
}

BOOST_AUTO_TEST_CASE(error_bodies_that_echo_the_requests_secrets_do_not_leak_them) {
    // Servers and proxies echo requests in their error pages: the Authorization header, the path
    // (which holds the token), the form that was posted. Whatever they say, the client's own
    // texts must not carry the secrets on (`through_client()` and `with_cli` check every text).
    hostile::script echo_auth = [](const hostile::request& r) {
        return hostile::send(hostile::with_length(
            403, R"({"message":"Invalid token: )" + r.header("Authorization").value_or("none") + R"(."})",
            {{"Content-Type", "application/json"}, {"Set-Cookie", "sessionid=" + r.header("Authorization").value_or("")}}));
    };
    hostile::script echo_path = [](const hostile::request& r) {
        return hostile::send(hostile::with_length(404, R"({"message":"Not found: )" + r.target + R"("})"));
    };
    hostile::script debug_404 = [](const hostile::request& r) {
        return hostile::send(html(404, "<html><head><title>Page not found at " + r.target +
                                           "</title></head><body>Request URL: http://127.0.0.1" + r.target + "</body></html>"));
    };
    hostile::script echo_form = [](const hostile::request& r) {
        return hostile::send(hostile::with_length(
            400, R"({"message":)" + json_string("Invalid input for " + r.body) +
                     R"(,"errors":[{"field":"password","message":)" + json_string("This password is too common: " + r.body) + "}]}"));
    };
    {
        hostile_case c{echo_auth};
        auto cli = c.cli({"list"});
        std::optional<hub::token_page> page;
        auto o = c.through_client(list_call(&page));
        EXPECT_STATUS(o, 403u);
        auto e = api_error_of(o);
        BOOST_TEST((e && e->header("Set-Cookie") == std::optional<std::string>("[redacted]")));
        with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 3, describe(r)); });

        // The same answer through a completion token and `diagnostics`.
        hub::diagnostics diag;
        call with_diag = [&](hub::client& client) -> asio::awaitable<void> {
            auto [ec, p] = co_await client.tokens().list(10, 0, diag, asio::as_tuple(asio::use_awaitable));
            BOOST_TEST(ec.value() == 403);
        };
        c.through_client(with_diag);
        expect_no_secret(c.keys, "diagnostics::message", diag.message);
        BOOST_TEST(diag.http_error.has_value());
        if (diag.http_error) {
            expect_no_secret(c.keys, "diagnostics::http_error->what()", diag.http_error->what());
            expect_no_secret(c.keys, "diagnostics::http_error->message()", diag.http_error->message());
        }
    }
    for (const auto& [name, s] : {std::pair{"a JSON 404 echoing the path", echo_path}, std::pair{"Django's debug 404 page", debug_404}}) {
        BOOST_TEST_CONTEXT(name) {
            hostile_case c{s};
            auto cli = c.cli_read();
            auto o = c.read();
            EXPECT_STATUS(o, 404u);
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 4, describe(r)); });
        }
    }
    {
        hostile_case c{echo_form};
        auto cli = c.cli_login();
        std::optional<hub::created_token> created;
        auto o = c.through_client(create_call(c.keys.password, &created));
        EXPECT_STATUS(o, 400u);
        with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 6, describe(r)); });
    }
}

BOOST_AUTO_TEST_CASE(retry_after_as_seconds_or_http_date_is_waited_for_then_the_call_succeeds) {
    struct variant {
        const char* name;
        std::function<std::string()> first;
    } cases[] = {
        {"503 with Retry-After: 1",
         [] { return hostile::with_length(503, R"({"message":"busy"})", {{"Content-Type", "application/json"}, {"Retry-After", "1"}}); }},
        {"429 with Retry-After as an HTTP-date 2 s ahead",  // at least 1 s ahead: the date has whole seconds
         [] {
             return hostile::with_length(429, R"({"message":"Request was throttled."})",
                                         {{"Content-Type", "application/json"}, {"Retry-After", http_date(2s)}});
         }},
    };
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            hostile_case c{first_then_fine(v.first)};
            auto cli = c.cli_read();
            auto o = c.read();
            BOOST_TEST(o.ok(), describe(o));
            auto seen = c.lib.requests();
            BOOST_REQUIRE(seen.size() == 2u);
            BOOST_TEST((seen[1].at - seen[0].at >= 900ms), "the retry did not wait as Retry-After said");
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 0, describe(r));
                BOOST_TEST(c.cli_server.request_count() == 2u);
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(retry_after_that_is_not_a_delay_is_ignored_for_the_usual_backoff) {
    for (std::string value : {"soon", "-1", "1.5", "", "Wed, 99 Foo 2022 25:61:61 GMT", "1, 2"}) {
        BOOST_TEST_CONTEXT("Retry-After: \"" << value << "\"") {
            hostile_case c{first_then_fine(
                hostile::with_length(503, R"({"message":"busy"})", {{"Content-Type", "application/json"}, {"Retry-After", value}}))};
            auto cli = c.cli_read();
            auto o = c.read();
            BOOST_TEST(o.ok(), describe(o));
            BOOST_TEST(c.lib.request_count() == 2u);
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 0, describe(r)); });
        }
    }
}

BOOST_AUTO_TEST_CASE(retry_after_past_the_deadline_fails_at_once_with_the_header_reachable) {
    for (std::string value : {"99999999999", "86400", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
        BOOST_TEST_CONTEXT("Retry-After: " << value) {
            hostile_case c{hostile::always(hostile::send(hostile::with_length(
                503, R"({"message":"down for maintenance"})", {{"Content-Type", "application/json"}, {"Retry-After", value}})))};
            auto cli = c.cli_read();
            auto opts = c.options();
            opts.timeouts.request = 10s;
            auto o = c.read(opts);
            EXPECT_STATUS(o, 503u);
            BOOST_TEST(o.took < 15s, describe(o));
            BOOST_TEST(c.lib.request_count() == 1u, "a retry that cannot be made before the deadline is not waited for");
            auto e = api_error_of(o);
            BOOST_TEST((e && e->header("retry-after") == std::optional<std::string>(value)));
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 6, describe(r));
                BOOST_TEST(c.cli_server.request_count() == 1u);
            });
        }
    }
}

// An absurd wait, in the throttle message or in Retry-After, saturates at about 100 years
// (3,162,240,000 s): one request, no retry at once, and the CLI's "try again" is that, never a
// negative number (it printed "try again in -9223372036854774 s").
BOOST_AUTO_TEST_CASE(an_absurd_throttle_wait_saturates_one_request_and_a_truthful_try_again) {
    struct variant {
        const char* name;
        std::string answer;
    } cases[] = {
        {"throttle message", hostile::with_length(
             429, R"({"message":"Request was throttled. Expected available in 99999999999999999999 seconds."})",
             {{"Content-Type", "application/json"}})},
        {"Retry-After", hostile::with_length(429, R"({"message":"Request was throttled."})",
                                             {{"Content-Type", "application/json"}, {"Retry-After", "99999999999"}})},
    };
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            hostile_case c{hostile::always(hostile::send(v.answer))};
            auto cli = c.cli_read();
            auto o = c.read();
            EXPECT_STATUS(o, 429u);
            BOOST_TEST(c.lib.request_count() == 1u);
            auto e = api_error_of(o);
            BOOST_REQUIRE(e);
            BOOST_REQUIRE(e->retry_after());
            BOOST_TEST((*e->retry_after() == std::chrono::hours{24 * 366 * 100}));
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 6, describe(r));
                BOOST_TEST(c.cli_server.request_count() == 1u);
                BOOST_TEST(r.err.find("(try again in 3162240000 s)") != std::string::npos, describe(r));
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(create_answered_429_with_retry_after_is_not_retried) {
    hostile_case c{hostile::always(hostile::send(hostile::with_length(
        429, R"({"message":"Request was throttled. Expected available in 1 second."})",
        {{"Content-Type", "application/json"}, {"Retry-After", "1"}})))};
    auto cli = c.cli_login();
    std::optional<hub::created_token> created;
    auto o = c.through_client(create_call(c.keys.password, &created));
    EXPECT_STATUS(o, 429u);
    BOOST_TEST(o.what == "Hub answered 429 Too Many Requests: Request was throttled. Expected available in 1 second.");
    BOOST_TEST(c.lib.request_count() == 1u);
    with_cli(cli, c.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 6, describe(r));
        BOOST_TEST(c.cli_server.request_count() == 1u);
    });
}

BOOST_AUTO_TEST_CASE(redirects_to_another_host_are_not_followed_and_the_key_goes_nowhere_else) {
    hostile::server elsewhere{hostile::always(hostile::send(token_answer))};
    for (unsigned status : {301u, 302u, 303u, 307u, 308u}) {
        BOOST_TEST_CONTEXT("status " << status) {
            hostile::script s = [&elsewhere, status](const hostile::request& r) {
                return hostile::send(hostile::with_length(status, "", {{"Location", elsewhere.origin() + r.target}}));
            };
            hostile_case c{s};
            auto cli_list = c.cli({"list"});
            auto cli_read = c.cli_read();
            auto cli_login = c.cli_login();
            std::vector<hub::token> got;
            std::optional<hub::token_page> page;
            std::optional<hub::created_token> created;
            for (const auto& k : {list_call(&page), read_call(c.keys.token, &got), create_call(c.keys.password, &created)}) {
                auto o = c.through_client(k);
                EXPECT_STATUS(o, status);
                auto e = api_error_of(o);
                BOOST_TEST((e && e->header("Location").has_value()));
            }
            // The key went to the Hub on `list` only, and nowhere else.
            auto seen = c.lib.requests();
            BOOST_REQUIRE(seen.size() == 3u);
            BOOST_TEST((seen[0].header("Authorization") == std::optional<std::string>("Token " + c.keys.api_key)));
            BOOST_TEST(!seen[1].header("Authorization").has_value(), "read sent the key");
            BOOST_TEST(!seen[2].header("Authorization").has_value(), "create with a password sent the key");
            for (auto* run : {&cli_list, &cli_read, &cli_login})
                with_cli(*run, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 6, describe(r)); });
            BOOST_TEST(elsewhere.connections() == 0u, "a request followed the redirect");
        }
    }
}


BOOST_AUTO_TEST_CASE(server_text_with_terminal_control_characters_reaches_the_terminal_without_them) {
    // What a server says goes to the user's terminal: escape sequences could set the window
    // title, clear the screen, move the cursor over the error or hide it; "one line on stderr"
    // allows none of that.
    const std::string nasty = R"(\u001b]0;pwned\u0007\u001b[2J\u001b[1A\rNot found.\u000b\u000c\u0085\u007f)";
    const std::string created = R"(,"created":"2022-02-01T20:42:43Z")";
    const std::string token = R"({"user":1,"id":")" + nasty + R"(")" + created + "}";
    struct variant {
        const char* name;
        std::string answer;
        std::vector<std::string> args;  ///< after the command's token, if any
        int exit_code;
    } cases[] = {
        {"an error message", hostile::with_length(404, R"({"message":")" + nasty + R"("})"), {"read"}, 4},
        {"an HTML title", html(502, "<title>\x1b]0;pwned\x07\x1b[2J</title>"), {"read"}, 6},
        {"a token id in read's details", hostile::with_length(200, token), {"read"}, 0},
        {"a token id in list's table",
         hostile::with_length(200, R"({"count":1,"next":null,"previous":null,"results":[)" + token + "]}"), {"list"}, 0},
    };
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            hostile_case c{hostile::always(hostile::send(v.answer))};
            auto args = v.args;
            if (args.front() == "read") args.push_back(c.keys.token);
            auto cli = c.cli(args);
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == v.exit_code, describe(r));
                auto in_err = control_character_in(r.err), in_out = control_character_in(r.out);
                BOOST_TEST(!in_err, "a control character on stderr at byte " << in_err.value_or(0) << ": " << r.err);
                BOOST_TEST(!in_out, "a control character on stdout at byte " << in_out.value_or(0) << ": " << r.out);
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(a_delete_whose_answer_was_lost_then_answered_404_succeeds_and_says_so) {
    // The first DELETE reached the Hub, which removed the token, but its answer was lost on the
    // way (a gateway timed out, the connection broke): the retry finds nothing to remove. That is
    // what was asked, and the library says how it knows.
    const std::string not_found = hostile::with_length(404, R"({"message":"Not found."})");
    const std::string log_line =
        "DELETE /tokens/{token}/: 404 after an earlier attempt's answer was lost: taken as removed (that attempt "
        "most likely removed it; the Hub no longer has it)";
    struct lost {
        const char* name;
        answer first;
    } cases[] = {
        {"a gateway's 504", hostile::send(hostile::with_length(504, R"({"message":"Gateway Timeout"})"))},
        {"a gateway's HTML 502", hostile::send(html(502, stencila_502))},
        {"a reset after the request was read", answer{.then = ending::reset}},
    };
    for (const auto& k : cases) {
        BOOST_TEST_CONTEXT(k.name) {
            hostile::script s = [&k, not_found](const hostile::request& r) {
                return r.index == 1 ? k.first : hostile::send(not_found);
            };
            hostile_case c{s};
            auto cli = c.cli({"delete", c.keys.token});
            hub::call_stats stats;
            call remove = [&](hub::client& client) -> asio::awaitable<void> {
                co_await client.tokens().remove(c.keys.token);
                stats = client.call_stats();
            };
            auto o = c.through_client(remove);
            BOOST_TEST(o.ok(), describe(o));
            BOOST_TEST(c.lib.request_count() == 2u);
            BOOST_TEST(stats.removed_earlier == 1u);
            BOOST_TEST(stats.answers_4xx == 1u);
            BOOST_TEST((std::find(o.log.begin(), o.log.end(), log_line) != o.log.end()), describe(o));
            const std::string shown = log_line.substr(0, log_line.find(" (that attempt"));  // the README ends it "..."
            BOOST_TEST(one_spaced(source_file("README.md")).find(shown) != std::string::npos, "README.md: " << shown);
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 0, describe(r));
                BOOST_TEST(r.out == "deleted token " + c.keys.token.substr(0, 8) + "\n");
                BOOST_TEST(source_file("tools/README.md").find(r.err) != std::string::npos,
                           "tools/README.md shows the note as printed: " << r.err);
                BOOST_TEST(r.err ==
                           "hub-tokens: delete: note: the first attempt's answer was lost and the retry found no such "
                           "token: the Hub no longer has it\n");
                BOOST_TEST(c.cli_server.request_count() == 2u);
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(remove_many_tells_a_404_after_a_lost_answer_from_a_404_at_once) {
    // One at a time: the first token's DELETE is answered 504, its retry 404; the second
    // token's first DELETE 404.
    const std::string other(64, 'a');
    hostile::script s = [](const hostile::request& r) {
        return hostile::send(r.index == 1 ? hostile::with_length(504, R"({"message":"Gateway Timeout"})")
                                          : hostile::with_length(404, R"({"message":"Not found."})"));
    };
    hostile_case c{s};
    std::vector<hub::remove_result> results;
    hub::call_stats stats;
    const std::vector<hub::secret> tokens{hub::secret(c.keys.token), hub::secret(other)};
    call remove = [&](hub::client& client) -> asio::awaitable<void> {
        results = co_await client.tokens().remove_many(tokens, 1);
        stats = client.call_stats();
    };
    auto o = c.through_client(remove);
    BOOST_TEST(o.ok(), describe(o));
    BOOST_REQUIRE(results.size() == 2u);
    BOOST_TEST((results[0].what == hub::remove_result::outcome::removed_earlier));
    BOOST_TEST(!results[0].error);
    BOOST_TEST((results[1].what == hub::remove_result::outcome::not_found));
    BOOST_TEST(stats.removed_earlier == 1u);
    BOOST_TEST(c.lib.request_count() == 3u);
}

BOOST_AUTO_TEST_CASE(a_delete_answered_404_at_once_is_still_not_found) {
    hostile_case c{hostile::always(hostile::send(hostile::with_length(404, R"({"message":"Not found."})")))};
    auto cli = c.cli({"delete", c.keys.token});
    hub::call_stats stats;
    call remove = [&](hub::client& client) -> asio::awaitable<void> {
        try {
            co_await client.tokens().remove(c.keys.token);
        } catch (...) {
            stats = client.call_stats();
            throw;
        }
    };
    auto o = c.through_client(remove);
    EXPECT_STATUS(o, 404u);
    BOOST_TEST(o.what == "Hub answered 404 Not Found: Not found.");
    BOOST_TEST(stats.removed_earlier == 0u);
    BOOST_TEST(c.lib.request_count() == 1u);
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 4, describe(r));
        BOOST_TEST(r.err == "hub-tokens: delete: Hub answered 404 Not Found: Not found.\n");
    });
}

BOOST_AUTO_TEST_CASE(plain_drf_error_bodies_keep_their_text) {
    // A DRF server without the Hub's handler in front (a proxy's own API, a misconfigured
    // deployment) answers {"detail": ...}, {"non_field_errors": [...]} or errors keyed by field.
    {
        hostile_case c{hostile::always(hostile::send(hostile::with_length(404, R"({"detail":"Not found."})")))};
        auto cli = c.cli_read();
        auto o = c.read();
        EXPECT_STATUS(o, 404u);
        BOOST_TEST(o.what == "Hub answered 404 Not Found: Not found.");
        with_cli(cli, c.keys, [](const test::child_result& r) {
            BOOST_TEST(r.exit_code == 4, describe(r));
            BOOST_TEST(r.err == "hub-tokens: read: Hub answered 404 Not Found: Not found.\n");
        });
    }
    struct body {
        const char* json;
        const char* what;
        std::size_t errors;
    } bodies[] = {
        {R"({"non_field_errors":["Unable to log in with provided credentials."]})",
         "Hub answered 400 Bad Request: Unable to log in with provided credentials.", 1},
        {R"({"username":["This field is required."],"password":["This field may not be blank."]})",
         "Hub answered 400 Bad Request: username: This field is required. password: This field may not be blank.", 2},
    };
    for (const auto& b : bodies) {
        BOOST_TEST_CONTEXT(b.json) {
            hostile_case c{hostile::always(hostile::send(hostile::with_length(400, b.json)))};
            auto cli = c.cli_login();
            std::optional<hub::created_token> created;
            auto o = c.through_client(create_call(c.keys.password, &created));
            EXPECT_STATUS(o, 400u);
            BOOST_TEST(o.what == b.what);
            auto e = api_error_of(o);
            BOOST_TEST((e && e->errors().size() == b.errors));
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 6, describe(r));
                BOOST_TEST(r.err == std::string("hub-tokens: login: ") + b.what + "\n");
            });
        }
    }
}

