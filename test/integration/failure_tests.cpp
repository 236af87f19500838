// Network and server failures end in clear, specific errors, and the client keeps working.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <thread>
#include <vector>

using namespace test;
using namespace std::chrono_literals;

namespace {

template <class T>
boost::system::error_code code_of(hub_fixture& f, asio::awaitable<T> op) {
    try {
        f.run(std::move(op));
    } catch (const boost::system::system_error& e) {
        return e.code();
    }
    return {};
}

// The failure's what(), or nothing when `op` succeeded.
template <class T>
std::string what_of(hub_fixture& f, asio::awaitable<T> op) {
    try {
        f.run(std::move(op));
    } catch (const boost::system::system_error& e) {
        return e.what();
    }
    return {};
}

// "127.0.0.1:PORT" of a base URL, as messages name the host.
std::string host_of(const std::string& base_url) {
    auto start = base_url.find("://") + 3;
    return base_url.substr(start, base_url.find('/', start) - start);
}

// A port nothing listens on.
std::uint16_t closed_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

// Options that show each failure as it comes, with no retry.
hub::options without_retries(hub::options o) {
    o.retry.max_attempts = 1;
    return o;
}

emu::server_options with_faults() {
    emu::server_options so;
    so.faults = true;
    return so;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(failures)

BOOST_AUTO_TEST_CASE(refused_connection_is_a_system_error) {
    hub_fixture f;
    auto opts = without_retries(f.options());
    opts.base_url = "https://127.0.0.1:" + std::to_string(closed_port()) + "/api";
    hub::client c{f.io.get_executor(), opts};
    BOOST_TEST((code_of(f, c.tokens().read("foo")) == asio::error::connection_refused));
}

BOOST_AUTO_TEST_CASE(stalled_server_hits_the_request_deadline_and_the_next_call_succeeds) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.timeouts.request = 300ms;
    hub::client c{f.io.get_executor(), opts};
    f.server.inject({.what = emu::fault::kind::stall});
    BOOST_TEST((code_of(f, c.tokens().read(token)) == hub::error::request_timeout));
    BOOST_TEST(c.stats().discarded == 1u);
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
}

BOOST_AUTO_TEST_CASE(stalled_attempt_times_out_and_is_retried_on_a_new_connection) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.timeouts.attempt = 200ms;
    opts.retry.initial_backoff = 1ms;
    hub::client c{f.io.get_executor(), opts};
    f.server.inject({.what = emu::fault::kind::stall});
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
    BOOST_TEST(c.stats().retried == 1u);
    BOOST_TEST(c.stats().discarded == 1u);
}

BOOST_AUTO_TEST_CASE(stalled_attempt_without_retries_is_an_attempt_timeout) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = without_retries(f.options());
    opts.timeouts.attempt = 200ms;
    hub::client c{f.io.get_executor(), opts};
    f.server.inject({.what = emu::fault::kind::stall});
    BOOST_TEST((code_of(f, c.tokens().read(token)) == hub::error::attempt_timeout));
}

// Each timeout's text names the limit that ran out, and its value: the code's message is the
// same for every call, so without it a 500 ms deadline and a 30 s one read alike.
BOOST_AUTO_TEST_CASE(a_request_timeout_names_timeouts_request_and_its_value) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.timeouts.request = 300ms;
    hub::client c{f.io.get_executor(), opts};
    f.server.inject({.what = emu::fault::kind::stall});
    BOOST_TEST(what_of(f, c.tokens().read(token)) ==
               "GET /tokens/{token}/: waiting for " + host_of(f.server.base_url()) +
                   ": timed out waiting for the response: timeouts.request (300 ms) passed");
}

BOOST_AUTO_TEST_CASE(a_per_call_timeout_is_named_as_call_options_timeout_in_what_and_diagnostics) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.server.inject({.what = emu::fault::kind::stall});
    const std::string expected = "GET /tokens/{token}/: waiting for " + host_of(f.server.base_url()) +
                                 ": timed out waiting for the response: call_options::timeout (250 ms) passed";
    BOOST_TEST(what_of(f, c.tokens().with({.timeout = 250ms}).read(token)) == expected);

    f.server.inject({.what = emu::fault::kind::stall});
    hub::diagnostics diag;
    auto [ec, t] = f.run(c.tokens().with({.timeout = 250ms}).read(token, diag, asio::as_tuple(asio::use_awaitable)));
    BOOST_TEST(ec == hub::error::request_timeout);
    BOOST_TEST(diag.message == expected);
}

BOOST_AUTO_TEST_CASE(an_attempt_timeout_names_timeouts_attempt_and_its_value) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = without_retries(f.options());
    opts.timeouts.attempt = 200ms;
    hub::client c{f.io.get_executor(), opts};
    f.server.inject({.what = emu::fault::kind::stall});
    BOOST_TEST(what_of(f, c.tokens().read(token)) ==
               "GET /tokens/{token}/: waiting for " + host_of(f.server.base_url()) +
                   ": the attempt timed out waiting for the response: timeouts.attempt (200 ms) passed");
}

BOOST_AUTO_TEST_CASE(a_pool_timeout_names_the_calls_deadline) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.pool.max_connections = 1;
    hub::client c{f.io.get_executor(), opts};
    f.server.inject({.what = emu::fault::kind::latency, .method = "GET", .times = 1, .delay = 1000ms});
    std::string queued_what;
    asio::co_spawn(f.io, c.tokens().read(token), asio::detached);  // holds the one connection for 1 s
    asio::co_spawn(f.io, c.tokens().with({.timeout = 200ms}).read(token), [&](std::exception_ptr e, hub::token) {
        try {
            if (e) std::rethrow_exception(e);
        } catch (const boost::system::system_error& x) {
            BOOST_TEST(x.code() == hub::error::pool_timeout);
            queued_what = x.what();
        }
    });
    f.io.run();
    BOOST_TEST(queued_what == "GET /tokens/{token}/: waiting for a pooled connection to " + host_of(f.server.base_url()) +
                                  ": timed out waiting for a pooled connection: call_options::timeout (200 ms) passed");
}

// A server that accepts and never speaks: the TLS handshake ends at its own limit, or at the
// call's deadline when that comes first, and the text says which.
BOOST_AUTO_TEST_CASE(a_tls_handshake_timeout_names_the_limit_that_came_first) {
    hub_fixture f;
    asio::io_context server_io;  // its own thread: f.run() runs f.io until it has no work left
    asio::ip::tcp::acceptor silent(server_io, {asio::ip::make_address("127.0.0.1"), 0});
    std::vector<asio::ip::tcp::socket> accepted;
    std::function<void()> accept = [&] {
        silent.async_accept([&](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            accepted.push_back(std::move(s));
            accept();
        });
    };
    accept();
    std::thread server_thread([&] { server_io.run(); });
    const auto host = "127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    auto opts = without_retries(f.options());
    opts.base_url = "https://" + host + "/api";

    opts.timeouts.tls_handshake = 200ms;
    hub::client own_limit{f.io.get_executor(), opts};
    BOOST_TEST(what_of(f, own_limit.tokens().read("foo")) ==
               "GET /tokens/{token}/: TLS handshake with " + host +
                   ": timed out in the TLS handshake: timeouts.tls_handshake (200 ms) passed");

    opts.timeouts.tls_handshake = 10s;
    opts.timeouts.request = 200ms;
    hub::client call_deadline{f.io.get_executor(), opts};
    BOOST_TEST(what_of(f, call_deadline.tokens().read("foo")) ==
               "GET /tokens/{token}/: TLS handshake with " + host +
                   ": timed out in the TLS handshake: timeouts.request (200 ms) passed");
    server_io.stop();
    server_thread.join();
}

BOOST_AUTO_TEST_CASE(cancelled_call_ends_with_operation_aborted_and_discards_its_connection) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.run(c.tokens().read(token));  // one pooled connection
    f.server.inject({.what = emu::fault::kind::stall});

    asio::cancellation_signal cancel;
    std::exception_ptr outcome;
    asio::co_spawn(f.io, c.tokens().read(token),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, hub::token) { outcome = e; }));
    asio::steady_timer timer(f.io, 100ms);
    timer.async_wait([&](auto) { cancel.emit(asio::cancellation_type::terminal); });
    f.io.restart();
    f.io.run();
    BOOST_REQUIRE(outcome);
    try {
        std::rethrow_exception(outcome);
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == asio::error::operation_aborted));
    }
    BOOST_TEST(c.stats().discarded == 1u);
    BOOST_TEST(c.stats().idle == 0u);
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
}

BOOST_AUTO_TEST_CASE(html_502_page_is_an_api_error_that_says_html) {
    hub_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    f.server.inject({.what = emu::fault::kind::status, .status = 502, .html = true});
    try {
        f.run(c.tokens().read("foo"));
        BOOST_FAIL("expected an api_error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 502u);
        BOOST_TEST(e.message().find("HTML") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(retry_after_header_is_reachable_from_the_api_error) {
    hub_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    f.server.inject({.what = emu::fault::kind::status, .status = 429, .retry_after = "1"});
    try {
        f.run(c.tokens().read("foo"));
        BOOST_FAIL("expected an api_error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 429u);
        BOOST_TEST(e.header("retry-after").value_or("") == "1");
    }
}

BOOST_AUTO_TEST_CASE(oversized_body_is_body_too_large) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = without_retries(f.options());
    opts.max_response_body = 64 * 1024;
    hub::client c{f.io.get_executor(), opts};
    f.server.inject({.what = emu::fault::kind::oversized_body, .oversized_bytes = 1 << 20});
    BOOST_TEST((code_of(f, c.tokens().read(token)) == hub::error::body_too_large));
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
}

BOOST_AUTO_TEST_CASE(header_past_the_limit_is_header_too_large_and_the_connection_is_dropped) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = without_retries(f.options());
    opts.max_response_header = 64;  // the emulator's answers carry more
    hub::client c{f.io.get_executor(), opts};
    BOOST_TEST((code_of(f, c.tokens().read(token)) == hub::error::header_too_large));
    BOOST_TEST(c.stats().discarded == 1u);
    BOOST_TEST(c.stats().idle == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_json_is_malformed_response) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    f.server.inject({.what = emu::fault::kind::malformed_json});
    BOOST_TEST((code_of(f, c.tokens().read(token)) == hub::error::malformed_response));
}

BOOST_AUTO_TEST_CASE(truncated_body_is_connection_closed) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    f.server.inject({.what = emu::fault::kind::truncated_body});
    BOOST_TEST((code_of(f, c.tokens().read(token)) == hub::error::connection_closed));
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
}

BOOST_AUTO_TEST_CASE(reset_mid_body_is_a_reset_and_the_next_call_succeeds) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    f.server.inject({.what = emu::fault::kind::reset_mid_body});
    auto ec = code_of(f, c.tokens().read(token));
    BOOST_TEST((ec == asio::error::connection_reset || ec == hub::error::connection_closed));
    BOOST_TEST(c.stats().retried == 0u);
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
}

BOOST_AUTO_TEST_CASE(read_broken_mid_body_is_retried_by_the_policy_and_succeeds) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.server.inject({.what = emu::fault::kind::reset_mid_body});
    f.server.inject({.what = emu::fault::kind::truncated_body});
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
    BOOST_TEST(c.stats().retried == 2u);
}

BOOST_AUTO_TEST_CASE(read_after_503_then_503_is_retried_and_succeeds) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.server.inject({.what = emu::fault::kind::status, .times = 2, .status = 503});
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
    BOOST_TEST(c.stats().retried == 2u);
}

BOOST_AUTO_TEST_CASE(create_answered_503_is_not_retried) {
    hub_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), f.options()};
    f.server.inject({.what = emu::fault::kind::status, .method = "POST", .status = 503});
    try {
        f.run(c.tokens().create(hub::password_credentials{username, password}));
        BOOST_FAIL("expected an api_error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 503u);
    }
    BOOST_TEST(c.stats().retried == 0u);
}

BOOST_AUTO_TEST_CASE(retry_after_one_second_is_waited_for) {
    hub_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    f.server.inject({.what = emu::fault::kind::status, .status = 429, .retry_after = "1"});
    auto start = std::chrono::steady_clock::now();
    BOOST_TEST(f.run(c.tokens().read(token)).id == token.substr(0, 8));
    BOOST_TEST((std::chrono::steady_clock::now() - start >= std::chrono::seconds(1)));
    BOOST_TEST(c.stats().retried == 1u);
}

BOOST_AUTO_TEST_CASE(create_is_retried_when_connecting_failed_then_fails_with_the_cause) {
    hub_fixture f;
    auto opts = f.options();
    opts.base_url = "https://127.0.0.1:" + std::to_string(closed_port()) + "/api";
    opts.retry.initial_backoff = std::chrono::milliseconds(1);
    hub::client c{f.io.get_executor(), opts};
    BOOST_TEST((code_of(f, c.tokens().create(hub::password_credentials{username, password})) ==
                asio::error::connection_refused));
    BOOST_TEST(c.stats().retried == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
