// Tutorial step 3: completion tokens. Adds the same calls without exceptions, or without
// coroutines. Every operation takes any Asio completion token last; its handler is
// `void(error_code, T)`. A non-2xx answer is then an error code in `hub::http_category()` whose
// value is the status, and a `hub::diagnostics&` passed just before the token keeps what the
// exception would have said (the Hub's message, field errors, headers), as Boost.MySQL does.
//
//   STENCILA_HUB_PASSWORD=... 3_completion_tokens --url URL --ca-file PEM --user NAME
//
// Next, step 4: walking every page of a listing.
#include "common/example.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>
#include <thread>

namespace asio = boost::asio;
namespace hub = stencila::hub;

// Lets this coroutine wait for something that finishes elsewhere (a callback, another thread):
// `fire()` from anywhere, `co_await wait()` here, in either order: fire moves the timer's expiry
// into the past, which ends a wait in progress and any wait started later. (Cancelling the timer
// instead would be lost if it came before the wait started, and the wait would never end.)
class done_signal {
public:
    explicit done_signal(asio::any_io_executor executor) : timer_(executor, asio::steady_timer::time_point::max()) {}
    void fire() {
        asio::post(timer_.get_executor(), [this] { timer_.expires_at(asio::steady_timer::time_point::min()); });
    }
    asio::awaitable<void> wait() { co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable)); }

private:
    asio::steady_timer timer_;
};

asio::awaitable<void> co_main(example_settings s) {
    auto executor = co_await asio::this_coro::executor;
    hub::client client{executor, s.options};
    auto tokens = client.tokens();

    // 1. as_tuple: the error as a value, in a coroutine. No exception is thrown.
    hub::password_credentials credentials{s.username, s.password};
    auto [ec, created] = co_await tokens.create(credentials, asio::as_tuple(asio::use_awaitable));
    if (ec) {  // step 2's errors, as codes: the Hub's statuses in http_category, the rest as they were
        std::cout << "as_tuple: create failed: " << ec.message() << "\n";
        co_return;
    }
    std::cout << "as_tuple: created token " << created.id << "\n";

    // 2. as_tuple with diagnostics: a 404 is `ec`, in http_category, value 404; `diag` has the rest.
    hub::diagnostics diag;
    auto [read_ec, unknown] = co_await tokens.read(std::string(64, '0'), diag, asio::as_tuple(asio::use_awaitable));
    if (read_ec.category() == hub::http_category())
        std::cout << "as_tuple: HTTP " << read_ec.value() << ", the Hub says: " << diag.http_error->message() << "\n";

    // 3. A callback: no coroutine at all. It runs on the client's executor, never inside `read`.
    done_signal callback_done(executor);
    tokens.read(created.token, [&](boost::system::error_code e, hub::token t) {
        if (e) std::cout << "callback: " << e.message() << "\n";
        else std::cout << "callback: token " << t.id << " belongs to user " << t.user << "\n";
        callback_done.fire();
    });
    co_await callback_done.wait();

    // 4. use_future: for a thread that does not run the io_context (blocking code). Never call
    // `.get()` on the io_context's own thread: the answer needs that thread to arrive.
    done_signal thread_done(executor);
    std::thread blocking([&, token = created.token, id = created.id] {
        try {
            tokens.remove(token, asio::use_future).get();
            std::cout << "future: deleted token " << id << "\n";
            tokens.read(token, asio::use_future).get();
        } catch (const boost::system::system_error& e) {
            std::cout << "future: reading it again: " << e.code().category().name() << ":" << e.code().value() << "\n";
        }
        thread_done.fire();
    });
    co_await thread_done.wait();
    blocking.join();
}
