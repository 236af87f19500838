// The same calls without coroutines: a completion callback, and a std::future from a thread that
// is not running the io_context. Errors arrive as error codes; `diagnostics` keeps the details.
//
//   STENCILA_HUB_PASSWORD=... callbacks_and_futures --url URL --ca-file PEM --user NAME
#include "common/example.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>
#include <thread>

namespace asio = boost::asio;
namespace hub = stencila::hub;

asio::awaitable<void> co_main(example_settings s) {
    auto executor = co_await asio::this_coro::executor;
    hub::client client{executor, s.options};
    auto tokens = client.tokens();

    // A callback: runs on the client's executor once the token is created.
    hub::password_credentials credentials{s.username, s.password};
    tokens.create(credentials, [](boost::system::error_code ec, hub::created_token t) {
        if (ec) std::cout << "callback: create failed: " << ec.message() << "\n";
        else std::cout << "callback: created token " << t.id << " for " << t.username << "\n";
    });

    // A future, waited for on another thread while this io_context goes on running; the thread
    // says when it is done by moving the expiry of a timer this coroutine waits on into the past.
    // (Not by cancelling it: a cancel that comes before the wait starts is lost, and the wait
    // would never end. An expiry in the past ends a pending wait and any later one at once.)
    asio::steady_timer thread_done(executor, asio::steady_timer::time_point::max());
    std::thread waiter([tokens, executor, &thread_done] {
        auto future = tokens.read("no-such-token", asio::use_future);
        try {
            future.get();
        } catch (const boost::system::system_error& e) {
            std::cout << "future: read failed with HTTP " << e.code().value() << "\n";
        }
        asio::post(executor, [&thread_done] { thread_done.expires_at(asio::steady_timer::time_point::min()); });
    });

    // Error codes with details: a bad login, through as_tuple.
    hub::diagnostics diag;
    hub::password_credentials wrong{s.username, "not the password"};
    auto [ec, created] = co_await tokens.create(wrong, diag, asio::as_tuple(asio::use_awaitable));
    std::cout << "as_tuple: HTTP " << ec.value() << ": " << (diag.http_error ? diag.http_error->message() : "") << "\n";

    co_await thread_done.async_wait(asio::as_tuple(asio::use_awaitable));
    waiter.join();
}
