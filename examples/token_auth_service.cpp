// A small HTTP service that authenticates its own callers with Hub tokens: each request's
// `Authorization: Token <t>` is checked by a `hub::token_verifier` (see verifier.hpp), which
// caches the Hub's answers (30 s for a valid token, 5 s for an unknown one, 100,000 at most),
// makes one Hub call per token however many requests carry it at once, and is safe on the
// several threads this service runs on.
//
//   token_auth_service --url URL --ca-file PEM [--port N] [--requests N] [--threads N]
// prints its own URL first, then serves until SIGINT/SIGTERM (or N requests), then prints the
// verifier's counters: "verifier: checks=C hub_calls=H hits=... negative_hits=... coalesced=...
// hub_errors=...".
#include "common/example.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <functional>
#include <iostream>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace hub = stencila::hub;

namespace {

struct service {
    hub::token_verifier verifier;
    std::atomic<long> budget;     // requests left to serve; negative = no limit
    std::function<void()> stop;   // stops accepting (from any thread)
};

http::response<http::string_body> answer(unsigned status, std::string body) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::move(body) + "\n";
    res.prepare_payload();
    return res;
}

// Who is calling: 200 for a valid token, 401 for none or an unknown one, 503 when the Hub
// could not tell (an error is never taken for "invalid").
asio::awaitable<http::response<http::string_body>> check(const service& svc, std::string_view auth) {
    if (!auth.starts_with("Token ") || auth.size() == 6) co_return answer(401, "send Authorization: Token <your Hub token>");
    try {
        auto who = co_await svc.verifier.verify(hub::secret(auth.substr(6)));
        if (!who) co_return answer(401, "unknown or expired token");
        co_return answer(200, "hello, user " + std::to_string(who->user) + " (token " + who->id + ")");
    } catch (const std::exception& e) {
        co_return answer(503, std::string("the Hub could not be asked: ") + e.what());
    }
}

// One connection, on a strand of its own.
asio::awaitable<void> serve(beast::tcp_stream stream, service& svc) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        auto res = co_await check(svc, req[http::field::authorization]);
        res.keep_alive(req.keep_alive());
        co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        if (svc.budget.fetch_sub(1) == 1) svc.stop();  // the last request of the budget
        if (!req.keep_alive()) co_return;
    }
}

asio::awaitable<void> listen(asio::ip::tcp::acceptor& acceptor, service& svc, asio::thread_pool& pool) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(pool), asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;  // closed by `stop`
        auto ex = socket.get_executor();
        asio::co_spawn(ex, serve(beast::tcp_stream(std::move(socket)), svc), [](std::exception_ptr e) {
            if (e) std::cerr << "token_auth_service: a connection failed\n";
        });
    }
}

}  // namespace

asio::awaitable<void> co_main(example_settings s) {
    unsigned short port = 0;
    long budget = -1;
    int threads = 2;
    for (std::size_t i = 0; i + 1 < s.args.size(); ++i) {
        if (s.args[i] == "--port") port = static_cast<unsigned short>(std::stoi(s.args[i + 1]));
        if (s.args[i] == "--requests") budget = std::stol(s.args[i + 1]);
        if (s.args[i] == "--threads") threads = std::max(1, std::stoi(s.args[i + 1]));
    }
    // The service runs on its own threads; this coroutine only waits for it.
    asio::thread_pool pool(static_cast<std::size_t>(threads));
    hub::client client{pool.get_executor(), s.options};
    auto strand = asio::make_strand(pool);  // the acceptor's and the signals'
    asio::ip::tcp::acceptor acceptor(strand, {asio::ip::make_address("127.0.0.1"), port});
    asio::signal_set signals(strand, SIGINT, SIGTERM);
    service svc{hub::token_verifier{client}, {budget}, [&] {
                    asio::post(strand, [&] {
                        acceptor.close();
                        signals.cancel();
                    });
                }};
    std::cout << "http://127.0.0.1:" << acceptor.local_endpoint().port() << "/" << std::endl;
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (!ec) svc.stop();
    });

    co_await asio::co_spawn(strand, listen(acceptor, svc, pool), asio::use_awaitable);
    pool.join();  // the connections still open end when their clients close them

    auto st = svc.verifier.stats();
    std::cout << "verifier: checks=" << st.hits + st.negative_hits + st.misses << " hub_calls=" << st.hub_calls
              << " hits=" << st.hits << " negative_hits=" << st.negative_hits << " coalesced=" << st.coalesced
              << " hub_errors=" << st.hub_errors << std::endl;
}
