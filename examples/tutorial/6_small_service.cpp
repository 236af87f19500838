// Tutorial step 6: a small service. Adds serving: a Beast HTTP server whose callers send their
// own Hub token (`Authorization: Token <t>`); it answers with how many tokens the caller holds,
// asking the Hub through a view made for that request (step 5), so one client and one pool serve
// every caller. The Hub's answers become the service's own: a token the Hub refuses is 401, a Hub
// that does not answer within 2 s is 503.
//
//   6_small_service --url URL --ca-file PEM [--requests N]
// prints its own URL first, then answers one request per connection until N are answered.
//
// examples/token_auth_service.cpp is a fuller service (keep-alive, a cache, signals). Next,
// step 7: testing code like this against an emulator in your own test suite.
#include "common/example.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace hub = stencila::hub;
using namespace std::chrono_literals;

http::response<http::string_body> reply(http::status status, std::string body) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::content_type, "text/plain");
    res.keep_alive(false);
    res.body() = std::move(body) + "\n";
    res.prepare_payload();
    return res;
}

// What the service says to a caller who sent `authorization` (a view of the request, which the
// caller keeps alive while it awaits this).
asio::awaitable<http::response<http::string_body>> answer(hub::tokens_api tokens, std::string_view authorization) {
    if (!authorization.starts_with("Token ")) co_return reply(http::status::unauthorized, "send Authorization: Token <your Hub token>");
    try {
        // The caller's key, borrowed from the request for this one call (never logged, never
        // kept); `with` refuses one holding a line break or NUL (invalid_argument).
        auto callers = tokens.with({.api_key = hub::secret_ref{authorization.substr(6)}, .timeout = 2s});
        auto page = co_await callers.list(1);
        co_return reply(http::status::ok, "you hold " + std::to_string(page.count) + " tokens");
    } catch (const hub::api_error& e) {
        if (e.status() == 401 || e.status() == 403) co_return reply(http::status::unauthorized, "the Hub refused your token");
        co_return reply(http::status::service_unavailable, "the Hub answered " + std::to_string(e.status()));
    } catch (const boost::system::system_error& e) {
        if (e.code() == hub::error::invalid_argument) co_return reply(http::status::unauthorized, "not a token");
        co_return reply(http::status::service_unavailable, std::string("the Hub could not be asked: ") + e.what());
    }
}

asio::awaitable<void> serve_one(beast::tcp_stream stream, hub::tokens_api tokens) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    stream.expires_after(10s);  // a caller that sends nothing is not waited for forever
    auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    auto res = co_await answer(tokens, req[http::field::authorization]);
    co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> co_main(example_settings s) {
    int requests = -1;  // forever
    for (std::size_t i = 0; i + 1 < s.args.size(); ++i)
        if (s.args[i] == "--requests") requests = std::stoi(s.args[i + 1]);

    auto executor = co_await asio::this_coro::executor;
    s.options.api_key = {};  // the service has no key of its own: each call carries its caller's
    hub::client client{executor, s.options};

    asio::ip::tcp::acceptor acceptor(executor, {asio::ip::make_address("127.0.0.1"), 0});
    std::cout << "http://127.0.0.1:" << acceptor.local_endpoint().port() << "/" << std::endl;
    for (; requests != 0; --requests) {
        auto socket = co_await acceptor.async_accept(asio::use_awaitable);
        // Each connection on its own coroutine: a slow caller does not hold up the others.
        // (`co_main` returning does not cut these short: the io_context runs them to the end.)
        asio::co_spawn(executor, serve_one(beast::tcp_stream(std::move(socket)), client.tokens()), asio::detached);
    }
}
