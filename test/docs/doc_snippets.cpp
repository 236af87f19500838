// The documentation's snippets, verbatim between "// snippet:" and "// end snippet", run against
// an in-process emulator (plain HTTP; `url` and `key` are its base URL and an API key of "sam").
// snippet_coverage.cpp checks that these regions and the documentation agree line for line. CI
// runs this suite under AddressSanitizer too: what the docs show is safe to copy.
#include <stencila/hub/emulator.hpp>
#include <stencila/hub/hub.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <iostream>
#include <optional>
#include <vector>

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace emu = stencila::hub::emulator;

namespace {

struct doc_fixture {
    doc_fixture() {
        server.add_user({.username = "sam", .password = "secret"});
        key = server.seed_tokens("sam", 3).front();
    }

    // Runs one snippet's coroutine to its end; rethrows what it threw.
    void run(std::function<asio::awaitable<void>()> snippet) {
        asio::io_context io;
        auto done = asio::co_spawn(io, snippet(), asio::use_future);
        io.run();
        done.get();
    }

    emu::server server{{.https = false}};
    std::string url = server.base_url();
    std::string key;
    std::vector<hub::token> seen;
    std::function<void(const hub::token&)> use = [this](const hub::token& t) { seen.push_back(t); };
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(doc_snippets, doc_fixture)

BOOST_AUTO_TEST_CASE(readme_first_example) {
    run([&]() -> asio::awaitable<void> {
        auto executor = co_await asio::this_coro::executor;
        // snippet: README.md, the first example
        hub::client hub{executor, {.base_url = url, .api_key = key}};
        auto created = co_await hub.tokens().create(hub::password_credentials{"sam", "secret"});
        auto page    = co_await hub.tokens().list(10, 0);          // list needs options::api_key
        auto fresh   = co_await hub.tokens().read(created.token);  // refreshes the expiry
        co_await hub.tokens().remove(created.token);

        auto all = hub.tokens().all({.page_size = 100, .concurrency = 8});  // every token, in order
        while (auto t = co_await all.next()) use(*t);
        // end snippet
        BOOST_TEST(page.count == 4);
        BOOST_TEST(fresh.id == created.id);
    });
    BOOST_TEST(seen.size() == 3u);  // the seeded three; the created one was removed
}

BOOST_AUTO_TEST_CASE(client_header_first_example) {
    run([&]() -> asio::awaitable<void> {
        // snippet: client.hpp, the first example
        auto executor = co_await asio::this_coro::executor;  // named first: see the compiler notes in README.md
        hub::client hub{executor, {.base_url = url, .api_key = key}};
        auto created = co_await hub.tokens().create(hub::password_credentials{"sam", "secret"});
        auto page    = co_await hub.tokens().list(10, 0);
        auto fresh   = co_await hub.tokens().read(created.token);
        co_await hub.tokens().remove(created.token);
        // end snippet
        BOOST_TEST(page.results.size() == 4u);
        BOOST_TEST(fresh.user == created.user);
    });
}

BOOST_AUTO_TEST_CASE(paging_header_example) {
    run([&]() -> asio::awaitable<void> {
        hub::options o{url, key};  // named: an aggregate built in a co_await expression is destroyed twice by g++ 12
        hub::client hub{co_await asio::this_coro::executor, o};
        // snippet: paging.hpp, the first example
        auto all = hub.tokens().all({.page_size = 100, .concurrency = 8});
        while (auto t = co_await all.next()) use(*t);
        // end snippet
    });
    BOOST_TEST(seen.size() == 3u);
}

BOOST_AUTO_TEST_CASE(readme_diagnostics_example) {
    std::optional<boost::system::error_code> code;
    std::string message;
    run([&]() -> asio::awaitable<void> {
        hub::options o{url, std::string(64, 'f')};
        hub::client client{co_await asio::this_coro::executor, o};
        auto tokens = client.tokens();
        // snippet: README.md, errors with completion tokens
        hub::diagnostics diag;
        auto [ec, page] = co_await tokens.list(10, std::nullopt, diag, asio::as_tuple(asio::use_awaitable));
        if (ec.category() == hub::http_category()) std::cerr << diag.http_error->message();   // "Invalid token."
        // end snippet
        code = ec;
        message = diag.http_error ? diag.http_error->message() : "";
    });
    BOOST_TEST(code->value() == 403);
    BOOST_TEST(message == "Invalid token.");
}

BOOST_AUTO_TEST_CASE(diagnostics_header_example) {
    std::optional<boost::system::error_code> code;
    std::string message;
    run([&]() -> asio::awaitable<void> {
        hub::options o{url};
        hub::client client{co_await asio::this_coro::executor, o};
        auto tokens = client.tokens();
        hub::secret key{std::string(64, 'e')};  // no such token
        // snippet: diagnostics.hpp, the first example
        hub::diagnostics diag;
        auto [ec, t] = co_await tokens.read(key, diag, asio::as_tuple(asio::use_awaitable));
        if (ec.category() == hub::http_category()) std::cerr << diag.http_error->message();
        // end snippet
        code = ec;
        message = diag.http_error ? diag.http_error->message() : "";
    });
    BOOST_TEST(code->value() == 404);
    BOOST_TEST(message == "Not found.");
}

BOOST_AUTO_TEST_CASE(readme_compiler_note_inline_forms_are_safe) {
    std::size_t listed = 0;
    run([&]() -> asio::awaitable<void> {
        hub::options o{url, key};
        hub::client hub{co_await asio::this_coro::executor, o};
        // snippet: README.md, the compiler notes
        auto first_ten = co_await hub.tokens().all({.page_size = 5, .max_items = 10}).collect();
        auto created = co_await hub.tokens().create(hub::password_credentials{"sam", "secret"});
        // end snippet
        listed = first_ten.size();
        co_await hub.tokens().remove(created.token);
    });
    BOOST_TEST(listed == 3u);
}

BOOST_AUTO_TEST_CASE(call_options_header_example) {
    using namespace std::chrono_literals;
    std::int64_t listed = -1;
    run([&]() -> asio::awaitable<void> {
        hub::options o{url};  // no client-wide key: the view brings Sam's
        hub::client hub{co_await asio::this_coro::executor, o};
        hub::secret sams_key{key};
        // snippet: call_options.hpp, the first example
        auto sams = hub.tokens().with({.api_key = sams_key, .timeout = 2s});
        auto page = co_await sams.list(10, 0);   // Sam's tokens, on the client's pooled connections
        // end snippet
        listed = page.count;
    });
    BOOST_TEST(listed == 3);
}

BOOST_AUTO_TEST_CASE(emulator_examples) {
    for (int form = 0; form < 2; ++form) {
        hub::options options, client_options;
        std::optional<hub::created_token> created;
        {
            if (form == 0) {
                // snippet: emulator.hpp, the first example
                stencila::hub::emulator::server hub{{.https = true}};
                hub.add_user({.username = "sam", .password = "sam"});
                client_options.base_url = hub.base_url();   // https://127.0.0.1:PORT/api
                client_options.tls.ca_pem = hub.ca_pem();
                // end snippet
                run([&]() -> asio::awaitable<void> {
                    stencila::hub::client c{co_await asio::this_coro::executor, client_options};
                    created = co_await c.tokens().create(stencila::hub::password_credentials{"sam", "sam"});
                });
            } else {
                // snippet: README.md, the emulator in-process
                stencila::hub::emulator::server hub{{.https = true}};
                hub.add_user({.username = "sam", .password = "sam"});
                options.base_url = hub.base_url();
                options.tls.ca_pem = hub.ca_pem();
                // end snippet
                run([&]() -> asio::awaitable<void> {
                    stencila::hub::client c{co_await asio::this_coro::executor, options};
                    created = co_await c.tokens().create(stencila::hub::password_credentials{"sam", "sam"});
                });
            }
        }
        BOOST_TEST(created.has_value());
    }
}

BOOST_AUTO_TEST_CASE(readme_verifier_example) {
    std::vector<std::pair<std::int64_t, std::string>> served;
    std::vector<int> refused;
    auto serve = [&](std::int64_t user, const std::string& id) { served.emplace_back(user, id); };
    auto refuse = [&](int status) { refused.push_back(status); };
    run([&]() -> asio::awaitable<void> {
        using namespace std::chrono_literals;
        auto executor = co_await asio::this_coro::executor;
        for (const std::string& presented : {key, std::string(64, '0')}) {
            // snippet: README.md, authenticating your service's callers
            hub::client hub{executor, {.base_url = url}};
            hub::token_verifier verifier{hub, {.ttl = 30s, .negative_ttl = 5s, .max_entries = 100'000}};

            // for each request, `presented` being the token its caller sent:
            if (auto caller = co_await verifier.verify(presented))
                serve(caller->user, caller->id);  // valid; caller->stale: see stale_if_error
            else
                refuse(401);                      // unknown or expired: the Hub answered 404
            // anything else (the Hub unreachable, a timeout, 5xx) is thrown: answer 503, not 401
            // end snippet
        }
    });
    BOOST_TEST_REQUIRE(served.size() == 1u);
    BOOST_TEST(served[0].first == 1);
    BOOST_TEST(served[0].second == key.substr(0, 8));
    BOOST_TEST((refused == std::vector<int>{401}));
}

BOOST_AUTO_TEST_CASE(verifier_header_example) {
    std::vector<std::int64_t> greeted;
    int refused = 0;
    auto greet = [&](std::int64_t user) { greeted.push_back(user); };
    auto refuse = [&] { ++refused; };
    run([&]() -> asio::awaitable<void> {
        using namespace std::chrono_literals;
        hub::options o{url};
        hub::client hub{co_await asio::this_coro::executor, o};
        for (const std::string& presented : {key, std::string(64, '0'), key}) {
            // snippet: verifier.hpp, the first example
            hub::token_verifier verifier{hub, {.ttl = 30s, .negative_ttl = 5s}};
            if (auto caller = co_await verifier.verify(presented)) greet(caller->user);  // valid
            else refuse();                                                              // unknown or expired
            // end snippet
        }
    });
    BOOST_TEST((greeted == std::vector<std::int64_t>{1, 1}));
    BOOST_TEST(refused == 1);
}

BOOST_AUTO_TEST_SUITE_END()
