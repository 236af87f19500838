// Quickstart: create a token with a username and password, list the tokens, read one (which
// refreshes its expiry) and delete it.
//
//   quickstart --url https://127.0.0.1:8443/api --ca-file ca.pem --user a-user --password a-user
//
// The password may come from the environment instead: STENCILA_HUB_PASSWORD.
#include <stencila/hub/hub.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>

#include <cstdlib>
#include <iostream>
#include <string_view>

namespace asio = boost::asio;
namespace hub = stencila::hub;

asio::awaitable<void> run(hub::options opts, std::string username, hub::secret password) {
    hub::client client{co_await asio::this_coro::executor, opts};
    auto tokens = client.tokens();

    auto created = co_await tokens.create(hub::password_credentials{username, password});
    std::cout << "1. created token " << created.id << "… for " << created.username << " (user " << created.user
              << "), expires " << hub::format_datetime(*created.expiry) << "\n";

    // `list` needs an API key: use the token just created.
    opts.api_key = created.token;
    hub::client authorized{co_await asio::this_coro::executor, opts};
    auto page = co_await authorized.tokens().list(10);
    std::cout << "2. listed " << page.results.size() << " of " << page.count << " tokens:";
    for (const auto& t : page.results) std::cout << " " << t.id;
    std::cout << "\n";

    auto fresh = co_await tokens.read(created.token);
    std::cout << "3. read token " << fresh.id << ": expiry refreshed to " << hub::format_datetime(*fresh.expiry) << "\n";

    co_await tokens.remove(created.token);
    std::cout << "4. deleted token " << created.id << "\n";

    try {
        co_await tokens.read(created.token);
    } catch (const hub::api_error& e) {
        std::cout << "5. reading it again: " << e.status() << " " << e.message() << "\n";
    }
}

int main(int argc, char** argv) {
    hub::options opts;
    std::string username;
    hub::secret password{std::getenv("STENCILA_HUB_PASSWORD") ? std::getenv("STENCILA_HUB_PASSWORD") : ""};
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i];
        if (flag == "--url") opts.base_url = argv[i + 1];
        else if (flag == "--ca-file") opts.tls.ca_file = argv[i + 1];
        else if (flag == "--user") username = argv[i + 1];
        else if (flag == "--password") password = argv[i + 1];
        else {
            std::cerr << "usage: quickstart --url URL [--ca-file PEM] --user NAME [--password PASSWORD]\n";
            return 2;
        }
    }
    if (username.empty() || password.empty()) {
        std::cerr << "quickstart: --user and a password (--password or STENCILA_HUB_PASSWORD) are required\n";
        return 2;
    }

    asio::io_context io;
    int status = 0;
    asio::co_spawn(io, run(opts, username, password), [&](std::exception_ptr e) {
        if (!e) return;
        status = 1;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            std::cerr << "quickstart: " << x.what() << "\n";
        }
    });
    io.run();
    return status;
}
