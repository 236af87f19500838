// Tutorial step 7: testing your own code against the emulator. Adds a test suite: Boost.Test
// cases that start an in-process Hub emulator on an ephemeral port (link `stencila::hub_emulator`,
// include <stencila/hub/emulator.hpp>), point a client at it, and check how a piece of
// application code behaves when the Hub answers, fails with 503, or stops answering. No network,
// no real Hub, no mock of the client: the real client, over real TLS, against a server that
// answers as the Hub does and fails when and how a test says.
//
//   7_testing_with_the_emulator            (a Boost.Test executable; ctest runs it)
//
// The code under test is `count_my_tokens` below; in a real project it would live in the
// application and the test in a file of its own. The emulator's faults (`server_options::faults`
// then `server.inject(...)`) apply to the next matching requests; `server.stats()` counts what it
// answered, so a test can say how many attempts the code made. `throttle_options::hub()` gives
// the emulator the Hub's budgets (the last test: a token verifier at the anonymous budget).
#define BOOST_TEST_MODULE tutorial_7_testing_with_the_emulator
#include <boost/test/unit_test.hpp>

#include <stencila/hub/emulator.hpp>
#include <stencila/hub/hub.hpp>
#include <stencila/hub/verifier.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace emu = stencila::hub::emulator;
using namespace std::chrono_literals;

// ---- The application's code under test --------------------------------------------------------

/// How many tokens the key's owner holds: one `list` of one item, within `budget` (retries
/// included). Throws as the client does: `api_error` for the Hub's refusals, `system_error` when
/// there is no usable answer in time.
asio::awaitable<std::int64_t> count_my_tokens(hub::tokens_api tokens, std::chrono::milliseconds budget) {
    auto page = co_await tokens.with({.timeout = budget}).list(1);
    co_return page.count;
}

// ---- The tests ---------------------------------------------------------------------------------

namespace {

/// An emulator with fault injection on, a user with `tokens` tokens, and a client for that user
/// (its first token as the API key).
struct hub_under_test {
    explicit hub_under_test(std::size_t tokens = 7) : server(with_faults()) {
        server.add_user({.username = "sam", .password = "sam's password"});
        auto secrets = server.seed_tokens("sam", tokens);
        hub::options o;
        o.base_url = server.base_url();  // https://127.0.0.1:<ephemeral port>/api
        o.tls.ca_pem = server.ca_pem();  // the emulator's own CA, generated at start
        o.api_key = secrets.front();
        client.emplace(io.get_executor(), o);
    }

    static emu::server_options with_faults() {
        emu::server_options o;
        o.faults = true;
        return o;
    }

    /// Runs the code under test to completion; its result, or its exception rethrown.
    template <class T>
    T run(asio::awaitable<T> code) {
        auto result = asio::co_spawn(io, std::move(code), asio::use_future);
        io.restart();
        io.run();
        return result.get();
    }

    /// How many answers with `status` the emulator gave to listings.
    std::uint64_t listings_answered(unsigned status) const {
        std::uint64_t n = 0;
        for (const auto& r : server.stats().responses)
            if (r.method == "GET" && r.route == "/api/tokens/" && r.status == status) n += r.count;
        return n;
    }

    emu::server server;
    asio::io_context io;
    std::optional<hub::client> client;
};

using steady = std::chrono::steady_clock;

}  // namespace

BOOST_AUTO_TEST_CASE(counts_the_tokens_of_the_keys_owner_only) {
    hub_under_test hub{7};
    hub.server.add_user({.username = "ann", .password = "ann's password"});
    hub.server.seed_tokens("ann", 3);  // someone else's: not counted

    BOOST_TEST(hub.run(count_my_tokens(hub.client->tokens(), 5s)) == 7);
    BOOST_TEST(hub.listings_answered(200) == 1u);
}

BOOST_AUTO_TEST_CASE(a_503_is_retried_and_the_count_still_arrives) {
    hub_under_test hub{7};
    hub.server.inject({.what = emu::fault::kind::status, .method = "GET", .path_prefix = "/api/tokens/", .status = 503});

    BOOST_TEST(hub.run(count_my_tokens(hub.client->tokens(), 5s)) == 7);
    BOOST_TEST(hub.listings_answered(503) == 1u);  // the first attempt was refused...
    BOOST_TEST(hub.listings_answered(200) == 1u);  // ...and the client asked again
}

BOOST_AUTO_TEST_CASE(a_hub_that_keeps_answering_503_ends_in_api_error_503_after_three_attempts) {
    hub_under_test hub;
    hub.server.inject({.what = emu::fault::kind::status, .method = "GET", .path_prefix = "/api/tokens/", .times = 0,
                       .status = 503});  // every matching request from now on

    try {
        hub.run(count_my_tokens(hub.client->tokens(), 10s));
        BOOST_FAIL("counted tokens on a Hub that only answers 503");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 503u);
        BOOST_TEST((e.code().category() == hub::http_category()));
    }
    BOOST_TEST(hub.listings_answered(503) == hub::retry_policy{}.max_attempts);
}

BOOST_AUTO_TEST_CASE(a_hub_that_stops_answering_ends_in_request_timeout_at_the_budget) {
    hub_under_test hub;
    hub.server.inject({.what = emu::fault::kind::stall, .times = 0});  // read the request, never answer

    auto start = steady::now();
    try {
        hub.run(count_my_tokens(hub.client->tokens(), 300ms));
        BOOST_FAIL("counted tokens on a Hub that never answers");
    } catch (const hub::api_error& e) {
        BOOST_FAIL("a stall is not an answer: " << e.what());
    } catch (const boost::system::system_error& e) {
        BOOST_TEST(e.code() == make_error_code(hub::error::request_timeout), e.what());
    }
    auto took = steady::now() - start;
    BOOST_TEST(took >= 300ms);  // not before the budget...
    BOOST_TEST(took < 30s);     // ...and not forever (a hang guard, generous for a slow machine)
}

BOOST_AUTO_TEST_CASE(a_slow_hub_within_the_budget_still_counts) {
    hub_under_test hub{3};
    hub.server.inject({.what = emu::fault::kind::latency, .delay = 200ms});

    BOOST_TEST(hub.run(count_my_tokens(hub.client->tokens(), 10s)) == 3);
    BOOST_TEST(hub.listings_answered(503) == 0u);
}

BOOST_AUTO_TEST_CASE(a_refused_key_is_an_api_error_403_and_not_retried) {
    hub_under_test hub;
    hub::secret unknown{std::string(64, 'f')};
    auto strangers = hub.client->tokens().with({.api_key = unknown});

    try {
        hub.run(count_my_tokens(strangers, 5s));
        BOOST_FAIL("counted tokens with a key the Hub does not know");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 403u);
        BOOST_TEST(e.message() == "Invalid token.");
    }
    BOOST_TEST(hub.listings_answered(403) == 1u);
}

// At the Hub's budget: `throttle_options::hub()` is the Hub's production rates (100 anonymous
// requests an hour per address, 5000 per user), and the emulator's counters say how many Hub
// reads your service made. A verifier without an API key reads anonymously: 100 distinct callers
// an hour, each read once however often they call (the cache), and the 101st is refused with 429.
BOOST_AUTO_TEST_CASE(at_the_hubs_budget_each_caller_costs_one_read_and_the_101st_anonymous_read_is_429) {
    emu::server server{{.throttle = emu::throttle_options::hub(), .manual_clock = true}};
    server.add_user({.username = "ann", .password = "ann's password"});
    auto callers = server.seed_tokens("ann", 101);
    asio::io_context io;
    hub::options o;
    o.base_url = server.base_url();
    o.tls.ca_pem = server.ca_pem();
    hub::token_verifier verifier{hub::client{io.get_executor(), o}, {.ttl = 60s}};
    auto verify = [&](const std::string& t) {
        auto result = asio::co_spawn(io, verifier.verify(t), asio::use_future);
        io.restart();
        io.run();
        return result.get();
    };
    for (int round = 0; round < 5; ++round)
        for (std::size_t i = 0; i < 100; ++i) BOOST_TEST_REQUIRE(verify(callers[i]).has_value());
    auto stats = server.stats();
    BOOST_TEST(stats.count("GET", "/api/tokens/{token}/", 200) == 100u);  // 500 verifications, 100 reads
    try {
        verify(callers[100]);
        BOOST_FAIL("the 101st read in the hour was not refused");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 429u);
    }
    BOOST_TEST(server.stats().count("GET", "/api/tokens/{token}/", 429) == 1u);
}
