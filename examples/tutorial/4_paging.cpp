// Tutorial step 4: paging. Adds the walks: `tokens().all(paging)` yields every token of a listing
// one at a time and `tokens().pages(paging)` every page, in order, fetching the next pages while
// you work, in memory that does not grow with the listing. `count()` gives the total once the
// first page is in (for progress), `max_items` stops early, and `offset()` says where a new walk
// would resume.
//
//   STENCILA_HUB_TOKEN=... 4_paging --url URL --ca-file PEM
//
// `list` and the walks send the API key (`options::api_key`, here from STENCILA_HUB_TOKEN).
// Next, step 5: calls made with other users' keys.
#include "common/example.hpp"

#include <iostream>

namespace asio = boost::asio;
namespace hub = stencila::hub;

asio::awaitable<void> co_main(example_settings s) {
    auto executor = co_await asio::this_coro::executor;
    hub::client client{executor, s.options};
    auto tokens = client.tokens();

    // 1. One token at a time, the first 100 only, with a progress line per 25.
    auto first = tokens.all({.page_size = 25, .max_items = 100});
    std::int64_t seen = 0;
    while (auto t = co_await first.next()) {
        if (++seen % 25 == 0) std::cout << "  " << seen << "/" << first.count().value_or(0) << " tokens\n";
    }
    std::cout << "first walk: " << seen << " tokens, stopped at offset " << first.offset() << "\n";

    // 2. Resume where it stopped, a page at a time, with 4 pages fetched at once over the pool
    // (still yielded in order). A process that stops can keep `offset()` and start again there.
    auto rest = tokens.pages({.page_size = 50, .offset = first.offset(), .concurrency = 4});
    std::int64_t pages = 0, more = 0;
    while (auto page = co_await rest.next()) {
        ++pages;
        more += static_cast<std::int64_t>(page->results.size());
    }
    std::cout << "resumed at offset " << first.offset() << ": " << more << " more tokens in " << pages << " pages; "
              << seen + more << " of " << rest.count().value_or(0) << " in all\n";

    // 3. Or all at once, when the listing is small: collect() (here at most 10).
    auto ten = co_await tokens.all({.page_size = 5, .max_items = 10}).collect();
    std::cout << "collected " << ten.size() << " tokens, the first " << (ten.empty() ? "-" : ten.front().id) << "\n";
}
