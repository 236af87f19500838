// Per-call options: one client, one pool, many users' keys and per-call deadlines and policies
// (`tokens().with(call_options)`), against the in-process emulator.
#include "fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <mutex>

using namespace test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(call_options)

BOOST_AUTO_TEST_CASE(calls_for_50_users_through_one_pool_of_8_each_get_their_own_users_tokens) {
    hub_fixture f;
    struct user_keys {
        int id;
        hub::secret key;
    };
    std::vector<user_keys> users;
    for (int u = 0; u < 50; ++u) {
        auto name = "user-" + std::to_string(u);
        int id = f.server.add_user({.username = name, .password = name});
        auto tokens = f.server.seed_tokens(name, 1 + u % 3);
        users.push_back({id, tokens.front()});
    }
    auto o = f.options();  // no client-wide key at all
    o.pool.max_connections = 8;
    hub::client c{f.io.get_executor(), o};
    std::vector<hub::tokens_api> views;
    for (const auto& u : users) views.push_back(c.tokens().with({.api_key = u.key}));

    std::size_t next = 0, right = 0, wrong = 0;
    auto worker = [&]() -> asio::awaitable<void> {
        for (std::size_t i; (i = next++) < 1000;) {
            auto u = i % users.size();
            auto page = co_await views[u].list(10, 0);
            bool all_theirs = page.count == static_cast<std::int64_t>(1 + u % 3) && !page.results.empty();
            for (const auto& t : page.results) all_theirs = all_theirs && t.user == users[u].id;
            ++(all_theirs ? right : wrong);
        }
    };
    std::size_t done = 0;
    for (int w = 0; w < 32; ++w)
        asio::co_spawn(f.io, worker(), [&](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
            ++done;
        });
    f.io.run();
    BOOST_TEST(done == 32u);
    BOOST_TEST(right == 1000u);
    BOOST_TEST(wrong == 0u);
    BOOST_TEST(c.stats().opened <= 8u);
    BOOST_TEST(c.stats().reused >= 990u);  // the keys share the connections
}

BOOST_AUTO_TEST_CASE(a_per_call_deadline_ends_that_call_while_a_call_with_the_clients_goes_on) {
    emu::server_options so;
    so.faults = true;
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    f.server.inject({.what = emu::fault::kind::latency, .method = "GET", .times = 2, .delay = 1500ms});
    hub::client c{f.io.get_executor(), f.options()};
    auto hurried = c.tokens().with({.timeout = 300ms});
    std::optional<boost::system::error_code> hurried_error;
    std::chrono::steady_clock::duration hurried_took{}, patient_took{};
    bool patient_ok = false;
    auto start = std::chrono::steady_clock::now();
    asio::co_spawn(f.io, hurried.read(token), [&](std::exception_ptr e, hub::token) {
        hurried_took = std::chrono::steady_clock::now() - start;
        try {
            if (e) std::rethrow_exception(e);
        } catch (const boost::system::system_error& x) {
            hurried_error = x.code();
        }
    });
    asio::co_spawn(f.io, c.tokens().read(token), [&](std::exception_ptr e, hub::token t) {
        patient_took = std::chrono::steady_clock::now() - start;
        patient_ok = !e && t.id == token.substr(0, 8);
    });
    f.io.run();
    BOOST_REQUIRE(hurried_error);
    BOOST_TEST((*hurried_error == hub::error::request_timeout), hurried_error->message());
    BOOST_TEST(hurried_took < 1200ms);  // its own deadline, not the answer's delay
    BOOST_TEST(patient_ok);
    BOOST_TEST(patient_took >= 1500ms);
}

BOOST_AUTO_TEST_CASE(a_per_call_policy_of_one_attempt_is_not_retried_on_503_and_the_clients_is) {
    emu::server_options so;
    so.faults = true;
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto o = f.options();
    o.retry.initial_backoff = 1ms;
    hub::client c{f.io.get_executor(), o};
    f.server.inject({.what = emu::fault::kind::status, .times = 1, .status = 503});
    auto before = f.server.stats().requests;
    try {
        (void)f.run(c.tokens().with({.retry = hub::retry_policy{.max_attempts = 1}}).read(token));
        BOOST_FAIL("no error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 503u);
    }
    BOOST_TEST(f.server.stats().requests - before == 1u);
    f.server.inject({.what = emu::fault::kind::status, .times = 1, .status = 503});
    auto t = f.run(c.tokens().read(token));
    BOOST_TEST(t.id == token.substr(0, 8));
    BOOST_TEST(f.server.stats().requests - before == 3u);
}

BOOST_AUTO_TEST_CASE(a_views_key_walks_and_creates_for_that_user_and_never_shows) {
    hub_fixture f;
    auto key = hub::secret{f.server.seed_tokens(username, 3).at(0)};
    std::mutex m;
    std::vector<std::string> lines;
    auto o = f.options();
    o.min_log_level = hub::log_level::debug;
    o.logger = [&](hub::log_level, std::string_view line) {
        std::lock_guard lock(m);
        lines.emplace_back(line);
    };
    hub::client c{f.io.get_executor(), o};
    auto mine = c.tokens().with({.api_key = key});
    auto walked = f.run(mine.all({.page_size = 2}).collect());
    BOOST_TEST(walked.size() == 3u);
    auto created = f.run(mine.create());  // a new token for the key's owner
    BOOST_TEST(created.user == f.user_id);
    std::vector<std::string> texts;
    hub::secret wrong{std::string(64, '7')};
    try {
        (void)f.run(c.tokens().with({.api_key = wrong}).list());
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 403u);
        texts.emplace_back(e.what());
    }
    try {
        (void)c.tokens().with({.api_key = hub::secret_ref{std::string_view("bad\r\nkey-value")}});
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::invalid_argument));
        texts.emplace_back(e.what());
    }
    BOOST_TEST(texts.size() == 2u);
    BOOST_TEST(lines.size() > 3u);
    for (const auto* all : {&lines, &texts})
        for (const auto& l : *all) {
            BOOST_TEST(l.find(key.reveal()) == std::string::npos, l);
            BOOST_TEST(l.find(wrong.reveal()) == std::string::npos, l);
            BOOST_TEST(l.find("key-value") == std::string::npos, l);
        }
}

BOOST_AUTO_TEST_CASE(a_walk_without_any_key_is_refused_before_any_io_and_a_list_gets_the_hubs_answer) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    auto before = f.server.stats().requests;
    BOOST_CHECK_THROW((void)c.tokens().all(), boost::system::system_error);
    BOOST_TEST(f.server.stats().requests == before);
    try {
        (void)f.run(c.tokens().list());  // sent as asked, without Authorization: the Hub says why not
        BOOST_FAIL("no error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 403u);
        BOOST_TEST(e.message() == "Authentication credentials were not provided.");
    }
}

BOOST_AUTO_TEST_SUITE_END()
