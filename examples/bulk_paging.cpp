// Bulk paging: walk every token of the caller with 8 pages in flight, in order, printing
// progress; then, if asked, revoke the tokens listed in a file, 16 at a time.
//
//   STENCILA_HUB_TOKEN=... bulk_paging --url URL --ca-file PEM [--revoke FILE]
#include "common/example.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>

namespace asio = boost::asio;
namespace hub = stencila::hub;

asio::awaitable<void> co_main(example_settings s) {
    s.options.pool.max_connections = 8;
    hub::client client{co_await asio::this_coro::executor, s.options};

    auto pages = client.tokens().pages({.page_size = 100, .concurrency = 8});
    std::vector<std::string> ids;
    while (auto page = co_await pages.next()) {
        for (const auto& t : page->results) ids.push_back(t.id);
        std::cout << "\r" << ids.size() << "/" << page->count << " tokens" << std::flush;
    }
    std::cout << "\nwalked " << ids.size() << " tokens; the walk reached offset " << pages.offset() << "\n";

    // Revoke the tokens listed in a file (one secret per line), 16 at a time; one failure does
    // not stop the others.
    if (auto it = std::find(s.args.begin(), s.args.end(), "--revoke"); it != s.args.end() && it + 1 != s.args.end()) {
        std::ifstream file(*(it + 1));
        std::vector<hub::secret> doomed;
        for (std::string line; std::getline(file, line);)
            if (!line.empty()) doomed.emplace_back(line);
        auto results = co_await client.tokens().remove_many(doomed, 16);
        std::size_t removed = 0, not_found = 0, failed = 0;
        for (const auto& r : results) {
            removed += r.what == hub::remove_result::outcome::removed ||
                       r.what == hub::remove_result::outcome::removed_earlier;  // a lost answer, then 404
            not_found += r.what == hub::remove_result::outcome::not_found;
            failed += r.what == hub::remove_result::outcome::failed;
        }
        std::cout << "revoked " << removed << ", not found " << not_found << ", failed " << failed << "\n";
    }
}
