// The keep-alive pool on real sockets: reuse, limits, idle closes by the server, and the
// transparent retry of a call that met a connection the server had just closed.
#include "fixture.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>
#include <vector>

using namespace test;

BOOST_AUTO_TEST_SUITE(connection_pool)

BOOST_AUTO_TEST_CASE(thousand_sequential_calls_open_exactly_one_connection) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.run([&]() -> asio::awaitable<void> {
        for (int i = 0; i < 1000; ++i) co_await c.tokens().read(token);
    }());
    BOOST_TEST(c.stats().opened == 1u);
    BOOST_TEST(c.stats().reused == 999u);
    BOOST_TEST(f.server.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(two_hundred_concurrent_calls_with_limit_eight_use_at_most_eight_connections) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.pool.max_connections = 8;
    hub::client c{f.io.get_executor(), opts};
    int succeeded = 0;
    for (int i = 0; i < 200; ++i)
        asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
            auto t = co_await c.tokens().read(token);
            if (t.id == token.substr(0, 8)) ++succeeded;
        }, asio::detached);
    f.io.run();
    BOOST_TEST(succeeded == 200);
    BOOST_TEST(c.stats().opened <= 8u);
    BOOST_TEST(f.server.stats().connections_accepted <= 8u);
    BOOST_TEST(c.stats().in_use == 0u);
    BOOST_TEST(c.stats().waiting == 0u);
}

BOOST_AUTO_TEST_CASE(concurrent_calls_from_two_threads_all_succeed) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.pool.max_connections = 4;
    hub::client c{f.io.get_executor(), opts};
    std::atomic<int> succeeded{0};
    for (int i = 0; i < 400; ++i)
        asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
            co_await c.tokens().read(token);
            ++succeeded;
        }, asio::detached);
    std::thread second([&] { f.io.run(); });
    f.io.run();
    second.join();
    BOOST_TEST(succeeded == 400);
    BOOST_TEST(c.stats().opened <= 4u);
}

BOOST_AUTO_TEST_CASE(server_closing_idle_connections_goes_unnoticed) {
    emu::server_options so;
    so.idle_timeout = std::chrono::milliseconds(50);
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.run(c.tokens().read(token));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server closes the idle connection
    auto t = f.run(c.tokens().read(token));
    BOOST_TEST(t.id == token.substr(0, 8));
    BOOST_TEST(c.stats().opened == 2u);
}

BOOST_AUTO_TEST_CASE(call_racing_a_server_close_is_retried_once_on_a_fresh_connection) {
    emu::server_options so;
    so.faults = true;
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    // The first answer keeps the connection alive in its headers, then the server closes it:
    // the next call finds the connection pooled and dead.
    f.server.inject({.what = emu::fault::kind::close_after_response, .path_prefix = "/api/tokens/"});
    f.run(c.tokens().read(token));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto t = f.run(c.tokens().read(token));
    BOOST_TEST(t.id == token.substr(0, 8));
    BOOST_TEST(c.stats().opened == 2u);
}

BOOST_AUTO_TEST_CASE(idempotent_call_on_a_connection_closed_as_it_was_sent_is_retried_once_on_a_fresh_one) {
    emu::server_options so;
    so.faults = true;
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.run(c.tokens().read(token));  // one pooled connection, alive as far as the client can see
    // The server reads the next request and closes without a byte of answer: what a keep-alive
    // timeout racing the request looks like from the client.
    f.server.inject({.what = emu::fault::kind::close_before_response});
    auto t = f.run(c.tokens().read(token));
    BOOST_TEST(t.id == token.substr(0, 8));
    BOOST_TEST(c.stats().retried == 1u);
    BOOST_TEST(c.stats().opened == 2u);
}

BOOST_AUTO_TEST_CASE(create_on_a_connection_closed_as_it_was_sent_is_not_retried) {
    emu::server_options so;
    so.faults = true;
    hub_fixture f{so};
    hub::client c{f.io.get_executor(), f.options()};
    f.run(c.tokens().create(hub::password_credentials{username, password}));
    f.server.inject({.what = emu::fault::kind::close_before_response, .method = "POST"});
    auto before = f.server.token_count();
    BOOST_CHECK_THROW(f.run(c.tokens().create(hub::password_credentials{username, password})),
                      boost::system::system_error);
    BOOST_TEST(c.stats().retried == 0u);
    BOOST_TEST(f.server.token_count() == before);
}

BOOST_AUTO_TEST_CASE(new_connections_resume_the_tls_session_of_earlier_ones) {
    emu::server_options so;
    so.max_requests_per_connection = 1;  // every call on a new connection
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.run([&]() -> asio::awaitable<void> {
        for (int i = 0; i < 4; ++i) co_await c.tokens().read(token);
    }());
    BOOST_TEST(c.stats().opened == 4u);
    BOOST_TEST(c.stats().resumed == 3u);

    auto opts = f.options();
    opts.tls.session_resumption = false;
    hub::client full{f.io.get_executor(), opts};
    f.run([&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) co_await full.tokens().read(token);
    }());
    BOOST_TEST(full.stats().resumed == 0u);
}

BOOST_AUTO_TEST_CASE(client_without_strands_works_on_one_thread) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.pool.thread_safe = false;
    opts.pool.max_connections = 4;
    hub::client c{f.io.get_executor(), opts};
    int succeeded = 0;
    for (int i = 0; i < 100; ++i)
        asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
            co_await c.tokens().read(token);
            ++succeeded;
        }, asio::detached);
    f.io.run();
    BOOST_TEST(succeeded == 100);
    BOOST_TEST(c.stats().opened <= 4u);
}

BOOST_AUTO_TEST_CASE(server_connection_close_header_discards_the_connection) {
    emu::server_options so;
    so.max_requests_per_connection = 2;
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.run([&]() -> asio::awaitable<void> {
        for (int i = 0; i < 6; ++i) co_await c.tokens().read(token);
    }());
    BOOST_TEST(c.stats().opened == 3u);
    BOOST_TEST(c.stats().retried == 0u);
}

// A connection's I/O completes on its own strand; the call must still resume on the caller's.
BOOST_AUTO_TEST_CASE(calls_made_on_a_strand_resume_on_that_strand_with_two_threads) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    constexpr int calls = 50;
    int on_strand[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        auto strand = asio::make_strand(f.io);
        asio::co_spawn(strand, [&, strand, k]() -> asio::awaitable<void> {
            for (int i = 0; i < calls; ++i) {
                (void)co_await c.tokens().read(token);
                if (strand.running_in_this_thread()) ++on_strand[k];
            }
        }, asio::detached);
    }
    std::thread second([&] { f.io.run(); });
    f.io.run();
    second.join();
    BOOST_TEST(on_strand[0] == calls);
    BOOST_TEST(on_strand[1] == calls);
}

BOOST_AUTO_TEST_SUITE_END()
