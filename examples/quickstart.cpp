// Quickstart: create a token with a username and password, list the tokens, read one (which
// refreshes its expiry) and delete it.
//
//   STENCILA_HUB_PASSWORD=... quickstart --url https://127.0.0.1:8443/api --ca-file ca.pem --user a-user
#include "common/example.hpp"

#include <iostream>

namespace asio = boost::asio;
namespace hub = stencila::hub;

asio::awaitable<void> co_main(example_settings s) {
    auto executor = co_await asio::this_coro::executor;
    hub::client client{executor, s.options};
    auto tokens = client.tokens();

    hub::password_credentials credentials{s.username, s.password};
    auto created = co_await tokens.create(credentials);
    std::cout << "1. created token " << created.id << "… for " << created.username << " (user " << created.user
              << "), expires " << hub::format_datetime(*created.expiry) << "\n";

    // `list` needs an API key: use the token just created, on the same client and pool.
    auto mine = tokens.with({.api_key = created.token});
    auto page = co_await mine.list(10);
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
