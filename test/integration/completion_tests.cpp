// Every operation takes any Asio completion token with `void(error_code, T)`; the default stays a
// throwing awaitable.
#include "fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <thread>

using namespace test;
using boost::system::error_code;

BOOST_AUTO_TEST_SUITE(completion_tokens)

BOOST_AUTO_TEST_CASE(callback_gets_the_token_on_the_clients_executor) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    bool called = false;
    std::thread::id caller = std::this_thread::get_id();
    c.tokens().read(token, [&](error_code ec, hub::token t) {
        called = true;
        BOOST_TEST(!ec);
        BOOST_TEST(t.id == token.substr(0, 8));
        BOOST_TEST((std::this_thread::get_id() == caller));
    });
    BOOST_TEST(!called);  // never inside the initiating call
    f.io.run();
    BOOST_TEST(called);
}

BOOST_AUTO_TEST_CASE(callback_gets_http_status_as_error_code_and_details_in_diagnostics) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::diagnostics diag;
    error_code got;
    c.tokens().read("unknown", diag, [&](error_code ec, hub::token) { got = ec; });
    f.io.run();
    BOOST_TEST((got.category() == hub::http_category()));
    BOOST_TEST(got.value() == 404);
    BOOST_REQUIRE(diag.http_error);
    BOOST_TEST(diag.http_error->message() == "Not found.");
    BOOST_TEST(diag.message.find("404") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(argument_error_goes_to_the_handler_not_thrown) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    error_code got;
    bool called = false;
    c.tokens().remove("", [&](error_code ec) {
        got = ec;
        called = true;
    });
    BOOST_TEST(!called);
    f.io.run();
    BOOST_TEST((got == hub::error::empty_token));
}

BOOST_AUTO_TEST_CASE(use_future_delivers_the_value_and_the_error) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    std::thread runner;
    auto work = asio::make_work_guard(f.io);
    runner = std::thread([&] { f.io.run(); });
    auto ok = c.tokens().read(token, asio::use_future);
    auto missing = c.tokens().read("unknown", asio::use_future);
    BOOST_TEST(ok.get().id == token.substr(0, 8));
    try {
        missing.get();
        BOOST_FAIL("expected an error");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST(e.code().value() == 404);
    }
    work.reset();
    runner.join();
}

BOOST_AUTO_TEST_CASE(deferred_runs_only_when_awaited) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), f.options()};
    auto op = c.tokens().read(token, asio::deferred);
    f.io.run();
    BOOST_TEST(f.server.stats().requests == 0u);
    auto t = f.run([&]() -> asio::awaitable<hub::token> { co_return co_await std::move(op)(asio::use_awaitable); }());
    BOOST_TEST(t.id == token.substr(0, 8));
}

BOOST_AUTO_TEST_CASE(as_tuple_keeps_the_http_details_reachable) {
    hub_fixture f;
    auto opts = f.options();
    opts.api_key = std::string(64, 'f');
    hub::client c{f.io.get_executor(), opts};
    hub::diagnostics diag;
    auto [ec, page] = f.run(c.tokens().list(10, std::nullopt, diag, asio::as_tuple(asio::use_awaitable)));
    BOOST_TEST(ec.value() == 403);
    BOOST_TEST(page.results.empty());
    BOOST_REQUIRE(diag.http_error);
    BOOST_TEST(diag.http_error->message() == "Invalid token.");
}

BOOST_AUTO_TEST_CASE(redirect_error_and_create_work) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    error_code ec;
    auto created = f.run(c.tokens().create(hub::password_credentials{username, password},
                                           asio::redirect_error(asio::use_awaitable, ec)));
    BOOST_TEST(!ec);
    BOOST_TEST(created.username == username);
    f.run(c.tokens().create(hub::password_credentials{username, "wrong"}, asio::redirect_error(asio::use_awaitable, ec)));
    BOOST_TEST(ec.value() == 403);
}

BOOST_AUTO_TEST_CASE(remove_many_and_remove_take_completion_tokens) {
    hub_fixture f;
    auto tokens = f.server.seed_tokens(username, 3);
    hub::client c{f.io.get_executor(), f.options()};
    std::vector<hub::remove_result> results;
    c.tokens().remove_many({tokens[0], tokens[1], "unknown"}, 2, [&](error_code ec, std::vector<hub::remove_result> r) {
        BOOST_TEST(!ec);
        results = std::move(r);
    });
    error_code removed;
    c.tokens().remove(tokens[2], [&](error_code ec) { removed = ec; });
    f.io.run();
    BOOST_REQUIRE(results.size() == 3u);
    BOOST_TEST((results[2].what == hub::remove_result::outcome::not_found));
    BOOST_TEST(!removed);
    BOOST_TEST(f.server.token_count() == 0u);
}

BOOST_AUTO_TEST_CASE(paging_next_takes_completion_tokens) {
    hub_fixture f;
    auto tokens = f.server.seed_tokens(username, 25);
    auto opts = f.options();
    opts.api_key = tokens.front();
    hub::client c{f.io.get_executor(), opts};
    auto range = c.tokens().all({.page_size = 10});
    std::vector<std::string> ids;
    std::function<void()> pull = [&] {
        range.next([&](error_code ec, std::optional<hub::token> t) {
            BOOST_TEST(!ec);
            if (!t) return;
            ids.push_back(t->id);
            pull();
        });
    };
    pull();
    f.io.run();
    BOOST_REQUIRE(ids.size() == 25u);
    BOOST_TEST(ids.back() == tokens.back().substr(0, 8));

    auto pages = c.tokens().pages({.page_size = 10});
    auto [ec, first] = f.run(pages.next(asio::as_tuple(asio::use_awaitable)));
    BOOST_TEST(!ec);
    BOOST_REQUIRE(first);
    BOOST_TEST(first->count == 25);
}

BOOST_AUTO_TEST_CASE(use_awaitable_alone_throws_the_api_error_with_the_hubs_message) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    auto tokens = c.tokens();
    try {
        (void)f.run(tokens.read(std::string(64, 'a'), asio::use_awaitable));
        BOOST_FAIL("no error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 404u);
        BOOST_TEST(e.message() == "Not found.");
    }
}

BOOST_AUTO_TEST_CASE(every_failure_is_a_system_error_and_an_answer_carries_its_status_in_http_category) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    for (bool with_token : {false, true}) {
        BOOST_TEST_CONTEXT("use_awaitable " << with_token) {
            try {
                if (with_token) (void)f.run(c.tokens().read(std::string(64, 'a'), asio::use_awaitable));
                else (void)f.run(c.tokens().read(std::string(64, 'a')));
                BOOST_FAIL("no error");
            } catch (const boost::system::system_error& e) {  // one catch for every failure
                BOOST_TEST((e.code() == error_code(404, hub::http_category())));
                BOOST_TEST(std::string(e.what()) == "Hub answered 404 Not Found: Not found.");
                BOOST_TEST(dynamic_cast<const hub::api_error*>(&e) != nullptr);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_walks_next_with_diagnostics_keeps_the_hubs_message) {
    hub_fixture f;
    auto o = f.options();
    o.api_key = std::string(64, 'b');  // not a key of anyone's
    hub::client c{f.io.get_executor(), o};
    auto range = c.tokens().all();
    hub::diagnostics diag;
    auto [ec, t] = f.run(range.next(diag, asio::as_tuple(asio::use_awaitable)));
    BOOST_TEST((ec == error_code(403, hub::http_category())));
    BOOST_REQUIRE(diag.http_error);
    BOOST_TEST(diag.http_error->message() == "Invalid token.");
    BOOST_TEST(diag.message == "Hub answered 403 Forbidden: Invalid token.");
}

BOOST_AUTO_TEST_CASE(call_stats_count_attempts_requests_retries_by_reason_and_answers_by_class) {
    emu::server_options so;
    so.faults = true;
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    f.server.inject({.what = emu::fault::kind::status, .path_prefix = "/api/tokens/", .times = 2, .status = 503});
    auto o = f.options();
    o.retry.initial_backoff = std::chrono::milliseconds{1};
    hub::client c{f.io.get_executor(), o};
    (void)f.run(c.tokens().read(token));                   // 503, 503, then 200
    try {
        (void)f.run(c.tokens().read(std::string(64, 'a')));  // 404
    } catch (const hub::api_error&) {
    }
    auto s = c.call_stats();
    BOOST_TEST(s.calls == 2u);
    BOOST_TEST(s.attempts == 4u);
    BOOST_TEST(s.requests_sent == 4u);
    BOOST_TEST(s.retries_status == 2u);
    BOOST_TEST(s.answers_5xx == 2u);
    BOOST_TEST(s.answers_2xx == 1u);
    BOOST_TEST(s.answers_4xx == 1u);
    BOOST_TEST(s.transport_failures == 0u);
    BOOST_TEST(c.stats().retried == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
