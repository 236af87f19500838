// A small HTTP service that authenticates its own incoming requests with Hub tokens: each
// `Authorization: Token <t>` is checked with `tokens.read` (which also keeps the token alive),
// and the answer is cached for 30 seconds so a busy client costs one Hub call per half-minute.
//
//   token_auth_service --url URL --ca-file PEM [--port N] [--requests N]
// prints its own URL first, then serves until SIGINT/SIGTERM (or N requests).
#include "common/example.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <iostream>
#include <unordered_map>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace hub = stencila::hub;
using namespace std::chrono_literals;

// Who a token belongs to, as the Hub said within the last 30 s. (Failures are not cached.)
class token_cache {
public:
    explicit token_cache(hub::tokens_api tokens) : tokens_(std::move(tokens)) {}

    asio::awaitable<std::optional<hub::token>> check(const std::string& value) {
        auto now = std::chrono::steady_clock::now();
        if (auto it = entries_.find(value); it != entries_.end() && it->second.until > now) co_return it->second.who;
        try {
            auto who = co_await tokens_.read(value);
            entries_[value] = {who, now + 30s};
            co_return who;
        } catch (const hub::api_error& e) {
            if (e.status() == 404) co_return std::nullopt;  // unknown or expired
            throw;
        }
    }

private:
    struct entry {
        hub::token who;
        std::chrono::steady_clock::time_point until;
    };
    hub::tokens_api tokens_;
    std::unordered_map<std::string, entry> entries_;  // one coroutine at a time touches it (one thread)
};

http::response<http::string_body> answer(unsigned status, std::string body) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::move(body) + "\n";
    res.prepare_payload();
    return res;
}

asio::awaitable<void> serve(beast::tcp_stream stream, token_cache& cache, int& budget) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        std::string_view auth = req[http::field::authorization];
        http::response<http::string_body> res;
        if (!auth.starts_with("Token ")) {
            res = answer(401, "send Authorization: Token <your Hub token>");
        } else {
            try {
                auto who = co_await cache.check(std::string(auth.substr(6)));
                res = who ? answer(200, "hello, user " + std::to_string(who->user) + " (token " + who->id + ")")
                          : answer(401, "unknown or expired token");
            } catch (const std::exception& e) {
                res = answer(503, std::string("the Hub could not be asked: ") + e.what());
            }
        }
        res.keep_alive(req.keep_alive());
        co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        if (--budget == 0) throw std::runtime_error("done");  // ends the service (tests)
        if (!req.keep_alive()) co_return;
    }
}

asio::awaitable<void> co_main(example_settings s) {
    auto executor = co_await asio::this_coro::executor;
    unsigned short port = 0;
    int budget = -1;
    for (std::size_t i = 0; i + 1 < s.args.size(); ++i) {
        if (s.args[i] == "--port") port = static_cast<unsigned short>(std::stoi(s.args[i + 1]));
        if (s.args[i] == "--requests") budget = std::stoi(s.args[i + 1]);
    }
    hub::client client{executor, s.options};
    token_cache cache{client.tokens()};

    asio::ip::tcp::acceptor acceptor(executor, {asio::ip::make_address("127.0.0.1"), port});
    std::cout << "http://127.0.0.1:" << acceptor.local_endpoint().port() << "/" << std::endl;
    asio::signal_set signals(executor, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) { acceptor.close(); });

    bool done = false;
    while (!done) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) break;
        asio::co_spawn(executor, serve(beast::tcp_stream(std::move(socket)), cache, budget), [&](std::exception_ptr e) {
            if (e) {  // the request budget is spent
                done = true;
                acceptor.close();
                signals.cancel();
            }
        });
    }
    signals.cancel();
}
