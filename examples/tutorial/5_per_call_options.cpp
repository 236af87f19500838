// Tutorial step 5: per-call options. Adds `tokens().with(call_options)`: a view of the calls with
// another API key, deadline or retry policy, over the same client, pool and TLS context. A
// service acting for several users keeps one client with no key of its own and makes a view per
// user (or per call); the key is written per request, never kept with a connection.
//
//   5_per_call_options --url URL --ca-file PEM --keys FILE     (FILE: one user's API key a line)
//
// Next, step 6: a small service that does this for each request it serves.
#include "common/example.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

namespace asio = boost::asio;
namespace hub = stencila::hub;
using namespace std::chrono_literals;

asio::awaitable<void> co_main(example_settings s) {
    std::vector<hub::secret> keys;  // a `secret` never prints its value
    if (auto it = std::find(s.args.begin(), s.args.end(), "--keys"); it != s.args.end() && it + 1 != s.args.end()) {
        std::ifstream file(*(it + 1));
        for (std::string line; std::getline(file, line);)
            if (!line.empty()) keys.emplace_back(line);
    }

    auto executor = co_await asio::this_coro::executor;
    s.options.api_key = {};  // the client's own calls send no key at all
    hub::client client{executor, s.options};

    for (const auto& key : keys) {
        // This user's view: their key, and at most 2 s for each call (retries included).
        auto theirs = client.tokens().with({.api_key = key, .timeout = 2s});
        auto page = co_await theirs.list(1);
        std::cout << "user " << (page.results.empty() ? 0 : page.results.front().user) << ": " << page.count
                  << (page.count == 1 ? " token\n" : " tokens\n");
    }

    // One pool served them all: the calls above took turns on one kept-alive connection.
    auto pool = client.stats();
    std::cout << keys.size() << " users, one client: " << pool.opened << " connection opened, " << pool.reused
              << " reused\n";

    // The client's own view has no key: the Hub refuses to list for nobody.
    try {
        co_await client.tokens().list(1);
    } catch (const hub::api_error& e) {
        std::cout << "without a key: " << e.what() << "\n";
    }
}
