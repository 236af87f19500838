// Tutorial step 1: a first call. The whole program: a `main` that runs one coroutine on an
// io_context; the coroutine makes a client, creates a token with a username and password, and
// reads it back.
//
//   STENCILA_HUB_PASSWORD=... 1_first_call --url https://127.0.0.1:8443/api --ca-file ca.pem --user a-user
//
// (Without --url the client talks to https://hub.stenci.la/api; without --ca-file it trusts the
// system's CAs.) Next, step 2: what happens when a call fails.
#include <stencila/hub/hub.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace hub = stencila::hub;

asio::awaitable<void> first_call(hub::options options, std::string username, hub::secret password) {
    // One client per program: it holds the connection pool and the TLS context. It is cheap to
    // copy (copies share them) and may be used by many coroutines at once.
    auto executor = co_await asio::this_coro::executor;
    hub::client client{executor, options};
    auto tokens = client.tokens();

    // POST /tokens/ with a username and password: a new token, valid for 7 days.
    auto created = co_await tokens.create(hub::password_credentials{username, password});
    // `created.token` is the secret itself; a `secret` prints as [redacted], `.reveal()` gives it.
    std::cout << "created token " << created.id << " (" << created.token << ") for " << created.username
              << ", user " << created.user << "\n";

    // GET /tokens/{token}/: who the token belongs to; reading it pushes its expiry 7 days ahead.
    auto same = co_await tokens.read(created.token);
    std::cout << "read it back: token " << same.id << " of user " << same.user << ", expires "
              << hub::format_datetime(*same.expiry) << "\n";

    co_await tokens.remove(created.token);  // DELETE /tokens/{token}/: the tutorial leaves no token behind
    std::cout << "deleted token " << created.id << "\n";
}

int main(int argc, char** argv) {
    hub::options options;
    std::string username;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i];
        if (flag == "--url") options.base_url = argv[i + 1];
        else if (flag == "--ca-file") options.tls.ca_file = argv[i + 1];
        else if (flag == "--user") username = argv[i + 1];
    }
    const char* password = std::getenv("STENCILA_HUB_PASSWORD");

    asio::io_context io;
    int status = 0;
    // co_spawn's handler receives the coroutine's exception, if any: every failure is a
    // boost::system::system_error (step 2 tells them apart).
    asio::co_spawn(io, first_call(options, username, password ? password : ""), [&](std::exception_ptr e) {
        if (!e) return;
        status = 1;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            std::cerr << "1_first_call: " << x.what() << "\n";
        }
    });
    io.run();
    return status;
}
