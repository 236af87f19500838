// What networks and tired servers do: resets, stalls, trickles, keep-alive connections closed
// under the client's feet, refused connections, and bytes nobody asked for.
#include "fixture.hpp"
#include "listing.hpp"
#include "walks.hpp"

#include <thread>

using namespace hostile_test;
using hostile::answer;
using hostile::ending;

namespace {

std::size_t count_method(const hostile::server& s, const std::string& method) {
    std::size_t n = 0;
    for (const auto& r : s.requests()) n += r.method == method;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(reset_before_any_byte_is_connection_reset_retried_for_reads_never_for_create) {
    hostile_case c{hostile::always(answer{.then = ending::reset})};
    auto cli_read = c.cli_read();
    auto o = c.read();
    EXPECT_CODE(o, boost::asio::error::connection_reset);
    EXPECT_HAS(o.what, "GET /tokens/{token}/");
    EXPECT_HAS(o.what, c.lib.host_port());
    BOOST_TEST(c.lib.request_count() == 3u, "the read is tried max_attempts (3) times");
    with_cli(cli_read, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });

    hostile_case k{hostile::always(answer{.then = ending::reset})};
    auto cli_login = k.cli_login();
    std::optional<hub::created_token> created;
    auto oc = k.through_client(create_call(k.keys.password, &created));
    EXPECT_CODE(oc, boost::asio::error::connection_reset);
    EXPECT_HAS(oc.what, "POST /tokens/");
    BOOST_TEST(count_method(k.lib, "POST") == 1u, "a create that reached the server is never sent again");
    with_cli(cli_login, k.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        BOOST_TEST(count_method(k.cli_server, "POST") == 1u);
    });
}

BOOST_AUTO_TEST_CASE(reset_mid_body_is_connection_reset_and_create_is_sent_once) {
    answer a = hostile::send(token_answer.substr(0, token_answer.size() - token_body.size() / 2), ending::reset);
    hostile_case c{hostile::always(a)};
    auto cli = c.cli_read();
    auto o = c.read();
    EXPECT_CODE(o, boost::asio::error::connection_reset);
    BOOST_TEST(c.read_tokens.empty());
    with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });

    hostile_case k{hostile::always(a)};
    auto cli_login = k.cli_login();
    std::optional<hub::created_token> created;
    auto oc = k.through_client(create_call(k.keys.password, &created));
    BOOST_TEST(!oc.ok());
    BOOST_TEST(count_method(k.lib, "POST") == 1u);
    with_cli(cli_login, k.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        BOOST_TEST(count_method(k.cli_server, "POST") == 1u);
    });
}

BOOST_AUTO_TEST_CASE(server_that_accepts_and_never_answers_ends_at_the_deadline_naming_the_phase) {
    hostile_case c{hostile::always(answer{.then = ending::stall})};
    auto cli = c.cli_read({"--timeout", "1"});
    auto opts = c.options();
    opts.timeouts.request = 1s;
    auto o = c.read(opts);
    EXPECT_CODE(o, hub::error::request_timeout);
    BOOST_TEST(o.took >= 900ms, describe(o));
    BOOST_TEST(o.took < 6s, describe(o));
    EXPECT_HAS(o.what, "GET /tokens/{token}/: waiting for " + c.lib.host_port() + ": ");
    with_cli(cli, c.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        EXPECT_HAS(r.err, "hub-tokens: read: GET /tokens/{token}/: waiting for " + c.cli_server.host_port() + ": ");
    });
}

BOOST_AUTO_TEST_CASE(answer_trickled_one_byte_every_200_ms_still_ends_at_the_deadline) {
    answer a{.pieces = hostile::split_every(token_answer, 1), .pause = 200ms};
    hostile_case c{hostile::always(a)};
    auto cli = c.cli({"--timeout", "1", "list"});
    auto opts = c.options();
    opts.timeouts.request = 1s;
    std::optional<hub::token_page> page;
    auto o = c.through_client(list_call(&page), opts);
    EXPECT_CODE(o, hub::error::request_timeout);
    BOOST_TEST(o.took < 6s, describe(o));
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        EXPECT_HAS(r.err, "timed out");
    });
}

BOOST_AUTO_TEST_CASE(keep_alive_connection_closed_after_each_answer_goes_unnoticed_by_reads_and_deletes) {
    // HTTP/1.1 without `Connection: close`, then the server closes: the next call finds the
    // pooled connection dead (at once, or after the 100 ms the pool trusts a fresh answer).
    hostile_case c{hostile::always(hostile::send(token_answer, ending::close))};
    std::vector<hub::token> got;
    call read = read_call(c.keys.token, &got), remove = remove_call(c.keys.token);
    call calls = [&](hub::client& client) -> asio::awaitable<void> {
        co_await read(client);
        co_await read(client);  // at once: the dead connection is used, fails, and is retried
        co_await remove(client);
        std::this_thread::sleep_for(150ms);  // the pool asks the socket first
        co_await read(client);
    };
    auto o = c.through_client(calls);
    BOOST_TEST(o.ok(), describe(o));
    BOOST_TEST(got.size() == 3u);
    BOOST_TEST(c.lib.request_count() == 4u, "no request reached the server twice");
    BOOST_TEST(c.lib.connections() == 4u);
}

BOOST_AUTO_TEST_CASE(request_read_and_dropped_on_a_reused_connection_is_retried_once_for_reads_and_deletes_never_for_create) {
    // Each connection answers its first request; the second is read, then the server closes
    // without a byte of answer: a keep-alive timeout racing the request, as seen by the client.
    const auto created_value = secrets::make().created;
    hostile::script s = [created_value](const hostile::request& r) {
        if (r.on_connection >= 2) return answer{.then = ending::close};
        if (r.method == "POST") return hostile::send(hostile::with_length(201, hostile::created_json(9, created_value)));
        if (r.method == "DELETE") return hostile::send(hostile::head(204, {}));
        return hostile::send(token_answer);
    };
    hostile_case c{s};
    std::vector<hub::token> got;
    std::optional<hub::created_token> created;
    call read = read_call(c.keys.token, &got), remove = remove_call(c.keys.token),
         create = create_call(c.keys.password, &created);
    bool removed = false;
    call calls = [&](hub::client& client) -> asio::awaitable<void> {
        co_await read(client);    // connection 1
        co_await read(client);    // dropped on 1, retried on 2
        co_await remove(client);  // dropped on 2, retried on 3
        removed = true;
        co_await create(client);  // dropped on 3: not sent again
    };
    auto o = c.through_client(calls);
    BOOST_TEST(got.size() == 2u);
    BOOST_TEST(removed);
    EXPECT_CODE(o, hub::error::connection_closed);
    EXPECT_HAS(o.what, "POST /tokens/");
    BOOST_TEST(o.stats.retried == 2u);
    BOOST_TEST(count_method(c.lib, "GET") == 3u);
    BOOST_TEST(count_method(c.lib, "DELETE") == 2u);
    BOOST_TEST(count_method(c.lib, "POST") == 1u, "the create was sent again");
}

BOOST_AUTO_TEST_CASE(list_all_over_connections_the_server_keeps_closing_prints_every_row) {
    auto listing = hostile::listing([](const hostile::page_request& r) { return hostile::drf_page(r, 30, 30); });
    hostile::script closing = [listing](const hostile::request& r) {
        auto a = listing(r);
        a.then = ending::close;  // after every answer, without saying so
        return a;
    };
    hostile::script dropping = [listing](const hostile::request& r) {
        return r.on_connection >= 2 ? answer{.then = ending::close} : listing(r);
    };
    auto keys = secrets::make();
    for (const auto& [name, s] : {std::pair{"closed after each answer", closing}, std::pair{"second request dropped", dropping}}) {
        BOOST_TEST_CONTEXT(name) {
            for (bool json : {false, true}) {
                auto l = list_all(s, json, {"--page-size", "10"}, keys);
                if (l.run) expect_no_secret(keys, *l.run);
                expect_cli_complete(l, 0, 30);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(refused_connection_names_the_call_the_host_and_the_phase) {
    auto host = "127.0.0.1:" + std::to_string(closed_port());
    auto keys = secrets::make();
    auto cli = std::async(std::launch::async, [&] { return run_hub_tokens("http://" + host + "/api", keys.api_key, {"read", keys.token}); });
    hub::options opts;
    opts.base_url = "http://" + host + "/api";
    opts.api_key = keys.api_key;
    std::vector<hub::token> got;
    std::optional<hub::token_page> page;
    std::optional<hub::created_token> created;
    struct expected {
        call c;
        std::string what;
    } calls[] = {
        {read_call(keys.token, &got), "GET /tokens/{token}/: connecting to " + host + ": Connection refused"},
        {list_call(&page), "GET /tokens/: connecting to " + host + ": Connection refused"},
        {create_call(keys.password, &created), "POST /tokens/: connecting to " + host + ": Connection refused"},
    };
    for (const auto& e : calls) {
        auto o = run_library(opts, e.c);
        expect_no_secret(keys, o);
        EXPECT_CODE(o, boost::asio::error::connection_refused);
        BOOST_TEST(o.what == e.what);
    }
    if (auto r = cli.get()) {
        expect_no_secret(keys, *r);
        BOOST_TEST(r->exit_code == 5, describe(*r));
        BOOST_TEST(r->err == "hub-tokens: read: GET /tokens/{token}/: connecting to " + host + ": Connection refused\n");
    }
}

BOOST_AUTO_TEST_CASE(bytes_that_arrive_on_an_idle_connection_are_never_taken_as_the_next_answer) {
    // Response-queue poisoning: bytes after a complete answer, sent a moment later (so they are
    // not read with it), then the next call goes out on that connection. What they say is not
    // the answer to a request that had not been sent yet.
    std::string poison = hostile::with_length(200, R"({"user":666,"id":"poisoned","created":"2022-02-01T20:42:43Z"})");
    std::string timeout_408 = hostile::with_length(408, "", {{"Connection", "close"}});
    struct variant {
        const char* name;
        std::string extra;
        ending then;
    } cases[] = {{"a second 200 nobody asked for", poison, ending::keep_open},
                 {"a 408 and a close, as idle servers do", timeout_408, ending::close}};
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            hostile::script s = [v](const hostile::request& r) {
                if (r.index == 1) return answer{.pieces = {token_answer, v.extra}, .pause = 5ms, .then = v.then};
                return hostile::send(hostile::with_length(200, hostile::token_json(7)));
            };
            hostile_case c{s};
            std::vector<hub::token> got;
            call read = read_call(c.keys.token, &got);
            call calls = [&](hub::client& client) -> asio::awaitable<void> {
                co_await read(client);
                c.lib.wait_for_answers(1, 2s);  // the extra bytes are in the client's socket now
                co_await read(client);
            };
            auto o = c.through_client(calls);
            BOOST_TEST(o.ok(), describe(o));
            BOOST_TEST(got.size() == 2u);
            if (got.size() == 2u) {
                BOOST_TEST(got[1].id == hostile::token_id(7), "the second read got bytes sent before it was asked");
                BOOST_TEST(got[1].user == 1);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(list_all_against_a_server_that_appends_an_unasked_page_to_each_answer_loses_and_repeats_nothing) {
    auto listing = hostile::listing([](const hostile::page_request& r) { return hostile::drf_page(r, 30, 30); });
    hostile::script s = [listing](const hostile::request& r) {
        auto a = listing(r);
        a.pieces.front() += hostile::with_length(200, hostile::page_json(30, std::nullopt, 100, 10));
        return a;
    };
    auto keys = secrets::make();
    for (bool json : {false, true}) {
        auto l = list_all(s, json, {"--page-size", "10"}, keys);
        if (l.run) expect_no_secret(keys, *l.run);
        expect_cli_no_loss_no_repeat(l, 0, 30);
    }
}
