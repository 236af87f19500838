// Tutorial step 2: handling errors. Adds the one error story: every failure is a
// `boost::system::system_error`; when the Hub answered with a status other than 2xx it is its
// subclass `hub::api_error`, with the status, the Hub's message and its per-field errors. An
// argument the library can check itself is refused before any I/O, and a Hub that cannot be
// reached is a `system_error` whose message names the call, the host and what was under way.
//
//   2_handling_errors --url URL --ca-file PEM
//
// From this step on, `main` is examples/common/main.cpp, step 1's `main` shared by every example
// (it reads --url, --ca-file, --user, STENCILA_HUB_PASSWORD and STENCILA_HUB_TOKEN into
// `example_settings`); each step defines only `co_main`. Next, step 3: the same errors without
// exceptions.
#include "common/example.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <iostream>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace hub = stencila::hub;

// Runs one call and says how it failed. The order of the catches matters: `api_error` is a
// `system_error` too, so it comes first.
template <class Call>
asio::awaitable<void> show_failure(std::string_view what, Call call) {
    try {
        co_await call();
        std::cout << what << ": no error\n";
    } catch (const hub::api_error& e) {
        std::cout << what << ": api_error " << e.status() << " " << e.message();
        for (const auto& f : e.errors()) std::cout << " [" << f.field.value_or("-") << ": " << f.message << "]";
        std::cout << "\n";
    } catch (const boost::system::system_error& e) {
        std::cout << what << ": system_error " << e.code().category().name() << ":" << e.code().value() << ": "
                  << e.what() << "\n";
    }
}

// A port on this machine that nobody listens on (it was free a moment ago).
unsigned short closed_port(const asio::any_io_executor& executor) {
    asio::ip::tcp::acceptor probe(executor, {asio::ip::make_address("127.0.0.1"), 0});
    return probe.local_endpoint().port();  // closed when `probe` goes
}

asio::awaitable<void> co_main(example_settings s) {
    auto executor = co_await asio::this_coro::executor;
    hub::client client{executor, s.options};
    auto tokens = client.tokens();

    // 1. The Hub does not know this token: 404, and its message.
    co_await show_failure("unknown token", [&]() -> asio::awaitable<void> { co_await tokens.read(std::string(64, '0')); });

    // 2. The Hub names the field it rejects: `errors()`, one {field, message} each.
    co_await show_failure("blank username", [&]() -> asio::awaitable<void> {
        co_await tokens.create(hub::password_credentials{"   ", "a password"});
    });

    // 3. Refused before any I/O (nothing is sent): a `system_error` with a `hub::error` code.
    co_await show_failure("empty token", [&]() -> asio::awaitable<void> { co_await tokens.read(""); });

    // 4. No Hub at all: the system's `connection_refused`, after the retry policy's attempts.
    hub::options nowhere = s.options;
    nowhere.base_url = "https://127.0.0.1:" + std::to_string(closed_port(executor)) + "/api";
    hub::client unreachable{executor, nowhere};
    co_await show_failure("no Hub", [&]() -> asio::awaitable<void> {
        co_await unreachable.tokens().read(std::string(64, '0'));
    });

    // Telling codes apart without string matching: compare with the enums.
    try {
        co_await tokens.read("");
    } catch (const boost::system::system_error& e) {
        if (e.code() == hub::error::empty_token) std::cout << "e.code() == hub::error::empty_token\n";
    }
}
