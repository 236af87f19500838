// Auto-paging against the emulator: every mode yields every token once and in order, in bounded
// memory; early exits, errors, cancellation and many walks at once behave.
#include "fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

using namespace test;
namespace data = boost::unit_test::data;

namespace {

struct walk_mode {
    const char* name;
    std::size_t prefetch;
    std::size_t concurrency;
    bool gzip;
};
std::ostream& operator<<(std::ostream& os, const walk_mode& m) { return os << m.name; }

const walk_mode modes[] = {
    {"follow-next, no prefetch", 0, 1, false},
    {"follow-next, prefetch 1", 1, 1, false},
    {"concurrency 8", 1, 8, false},
    {"concurrency 8, gzip", 2, 8, true},
};

// A fixture whose user has `n` tokens, and a client keyed with the first (or a spare one).
struct seeded : hub_fixture {
    explicit seeded(std::size_t n, emu::server_options so = {}) : hub_fixture(std::move(so)) {
        key = server.seed_tokens(username, 1).at(0);
        auto rest = server.seed_tokens(username, n == 0 ? 0 : n - 1);
        ids.push_back(key.substr(0, 8));
        for (auto& t : rest) ids.push_back(t.substr(0, 8));
        if (n == 0) {  // the key itself is a token of the user: list as another user
            server.add_user({.username = "empty", .password = "empty"});
            key = server.seed_tokens("empty", 1).at(0);
            ids.clear();
            ids.push_back(key.substr(0, 8));
        }
        auto o = options();
        o.api_key = key;
        o.pool.max_connections = 8;
        client.emplace(io.get_executor(), o);
    }
    std::string key;
    std::vector<std::string> ids;
    std::optional<hub::client> client;
};

std::vector<std::string> ids_of(const std::vector<hub::token>& tokens) {
    std::vector<std::string> out;
    for (const auto& t : tokens) out.push_back(t.id);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(paging)

BOOST_DATA_TEST_CASE(every_mode_yields_every_token_once_and_in_order,
                     data::make(modes) * data::make({1, 49, 50, 51, 10000}), mode, total) {
    seeded f(static_cast<std::size_t>(total));
    hub::paging p{.page_size = 50, .prefetch = mode.prefetch, .concurrency = mode.concurrency, .gzip = mode.gzip};
    if (total == 10000) p.page_size = 500;
    auto range = f.client->tokens().all(p);
    BOOST_TEST(!range.count());  // nothing fetched yet
    auto got = f.run(range.collect());
    BOOST_TEST(ids_of(got) == f.ids, boost::test_tools::per_element());
    BOOST_TEST(range.offset() == total);
    BOOST_TEST(range.count().value_or(-1) == total);
}

BOOST_DATA_TEST_CASE(a_user_with_one_token_walks_one_page, data::make(modes), mode) {
    seeded f(0);  // the listing user has only its key
    auto pages = f.client->tokens().pages({.prefetch = mode.prefetch, .concurrency = mode.concurrency});
    auto first = f.run(pages.next());
    BOOST_REQUIRE(first);
    BOOST_TEST(first->count == 1);
    BOOST_TEST(!f.run(pages.next()));
    BOOST_TEST(!f.run(pages.next()));  // and stays over
}

BOOST_AUTO_TEST_CASE(iterator_form_walks_in_order) {
    seeded f(120);
    auto range = f.client->tokens().all({.page_size = 25});
    std::vector<std::string> got;
    f.run([&]() -> asio::awaitable<void> {
        for (auto it = co_await range.begin(); it != range.end(); co_await ++it) got.push_back(it->id);
    }());
    BOOST_TEST(got == f.ids, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(max_items_and_offset_bound_the_walk_and_offset_resumes_it) {
    seeded f(300);
    auto first = f.client->tokens().all({.page_size = 40, .offset = 10, .max_items = 95, .concurrency = 4});
    auto part = f.run(first.collect());
    BOOST_REQUIRE(part.size() == 95u);
    BOOST_TEST(part.front().id == f.ids[10]);
    BOOST_TEST(first.offset() == 105);

    auto rest = f.client->tokens().all({.page_size = 40, .offset = first.offset()});
    auto tail = f.run(rest.collect());
    BOOST_REQUIRE(tail.size() == 195u);
    BOOST_TEST(tail.front().id == f.ids[105]);
    BOOST_TEST(tail.back().id == f.ids.back());
}

BOOST_DATA_TEST_CASE(error_at_page_seven_comes_after_all_items_of_pages_one_to_six, data::make(modes), mode) {
    emu::server_options so;
    so.faults = true;
    seeded f(1000, so);
    // Page 7 (offset 60) fails, however the requests interleave; a fault prefix with a query
    // matches the whole request target.
    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .path_prefix = "/api/tokens/?limit=10&offset=60",
                     .times = 0, .status = 500});
    auto range = f.client->tokens().all({.page_size = 10, .prefetch = mode.prefetch, .concurrency = mode.concurrency});
    std::vector<std::string> got;
    try {
        f.run([&]() -> asio::awaitable<void> {
            while (auto t = co_await range.next()) got.push_back(t->id);
        }());
        BOOST_FAIL("expected the walk to fail");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 500u);
    }
    BOOST_TEST(got.size() == 60u);
    BOOST_TEST(std::equal(got.begin(), got.end(), f.ids.begin()));
    BOOST_TEST(range.offset() == 60);
    BOOST_TEST(!f.run(range.next()));  // over after the error
}

BOOST_AUTO_TEST_CASE(leaving_a_concurrent_walk_early_sends_no_further_requests) {
    seeded f(2000);
    auto before = f.server.stats().requests;
    {
        auto range = f.client->tokens().all({.page_size = 10, .prefetch = 1, .concurrency = 8});
        f.run([&]() -> asio::awaitable<void> {
            for (int i = 0; i < 5; ++i) co_await range.next();
        }());
    }  // destroyed: the fetches in flight are cancelled
    f.io.restart();
    f.io.run();  // until those fetches have ended
    auto after_exit = f.server.stats().requests;
    BOOST_TEST(after_exit - before <= 1u + 8u);  // the first page, then one window of fetches
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    f.io.restart();
    f.io.poll();
    BOOST_TEST(f.server.stats().requests == after_exit);
    BOOST_TEST(f.client->stats().in_use == 0u);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded_by_prefetch_plus_concurrency_pages) {
    seeded f(3000);
    auto range = f.client->tokens().pages({.page_size = 10, .prefetch = 2, .concurrency = 4});
    auto before = f.server.stats().requests;
    std::uint64_t max_in_use = 0, max_ahead = 0, taken = 0;
    f.run([&]() -> asio::awaitable<void> {
        auto timer = asio::steady_timer(co_await asio::this_coro::executor);
        while (auto page = co_await range.next()) {
            ++taken;
            // a slow consumer: fetches pile up as far as the bound lets them
            timer.expires_after(std::chrono::milliseconds(2));
            co_await timer.async_wait(asio::use_awaitable);
            auto requested = f.server.stats().requests - before;
            max_ahead = std::max<std::uint64_t>(max_ahead, requested - taken);
            max_in_use = std::max<std::uint64_t>(max_in_use, f.client->stats().in_use);
        }
    }());
    BOOST_TEST(max_in_use <= 4u);               // concurrency
    BOOST_TEST(max_ahead <= 2u + 4u);           // pages fetched or in flight beyond the one in hand
    BOOST_TEST(max_ahead >= 1u);                // and it did fetch ahead
    BOOST_TEST(range.offset() == 3000);
}

BOOST_AUTO_TEST_CASE(cancelling_next_ends_it_with_operation_aborted) {
    emu::server_options so;
    so.faults = true;
    seeded f(100, so);
    f.server.inject({.what = emu::fault::kind::stall, .method = "GET", .path_prefix = "/api/tokens"});
    auto range = f.client->tokens().pages({.page_size = 10});
    asio::cancellation_signal cancel;
    std::exception_ptr outcome;
    bool done = false;
    asio::co_spawn(f.io, range.next(),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, std::optional<hub::token_page>) {
                       outcome = e;
                       done = true;
                   }));
    asio::steady_timer timer(f.io, std::chrono::milliseconds(100));
    timer.async_wait([&](auto) { cancel.emit(asio::cancellation_type::terminal); });
    f.io.restart();
    while (!done && f.io.run_one()) {}
    BOOST_REQUIRE(outcome);
    try {
        std::rethrow_exception(outcome);
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == asio::error::operation_aborted));
    }
    range = hub::page_range(std::move(range));  // the range is still usable; dropping it ends the stalled fetch
}

BOOST_AUTO_TEST_CASE(next_waiting_when_its_range_is_replaced_ends_with_nothing) {
    emu::server_options so;
    so.faults = true;
    seeded f(100, so);
    f.server.inject({.what = emu::fault::kind::stall, .method = "GET", .path_prefix = "/api/tokens"});
    auto range = f.client->tokens().pages({.page_size = 10});
    bool done = false;
    std::optional<hub::token_page> got;
    asio::co_spawn(f.io, range.next(), [&](std::exception_ptr e, std::optional<hub::token_page> p) {
        BOOST_TEST(!e);
        got = std::move(p);
        done = true;
    });
    asio::steady_timer timer(f.io, std::chrono::milliseconds(100));
    timer.async_wait([&](auto) { range = f.client->tokens().pages({.page_size = 10}); });  // stops the old walk
    f.io.restart();
    while (!done && f.io.run_one()) {}
    BOOST_TEST(done);
    BOOST_TEST(!got);
}

BOOST_AUTO_TEST_CASE(max_items_of_int64_max_means_no_limit) {
    seeded f(60);
    auto range = f.client->tokens().all({.page_size = 25, .offset = 10, .max_items = INT64_MAX, .concurrency = 3});
    auto got = f.run(range.collect());
    BOOST_TEST(got.size() == 50u);
}

BOOST_AUTO_TEST_CASE(many_walks_at_once_on_two_threads_each_get_every_token) {
    seeded f(500);
    std::vector<hub::token_range> ranges;
    for (int i = 0; i < 8; ++i)
        ranges.push_back(f.client->tokens().all({.page_size = 20, .concurrency = static_cast<std::size_t>(1 + i % 4)}));
    std::vector<std::vector<std::string>> got(ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i)
        asio::co_spawn(f.io, [&, i]() -> asio::awaitable<void> {
            while (auto t = co_await ranges[i].next()) got[i].push_back(t->id);
        }, asio::detached);
    std::thread second([&] { f.io.run(); });
    f.io.run();
    second.join();
    for (const auto& g : got) BOOST_TEST(g == f.ids, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(listing_changed_during_a_walk_is_reported) {
    seeded f(100);
    auto range = f.client->tokens().pages({.page_size = 10, .prefetch = 0, .listing_changed = hub::paging::on_change::report});
    f.run(range.next());
    f.server.seed_tokens(username, 3);
    while (f.run(range.next())) {}
    BOOST_TEST(range.listing_changed());
}

BOOST_AUTO_TEST_CASE(listing_changed_during_a_walk_fails_it_when_asked) {
    seeded f(100);
    auto range = f.client->tokens().pages({.page_size = 10, .prefetch = 0, .listing_changed = hub::paging::on_change::fail});
    f.run(range.next());
    f.server.seed_tokens(username, 3);
    try {
        f.run(range.next());
        BOOST_FAIL("expected listing_changed");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::listing_changed));
    }
}

BOOST_AUTO_TEST_CASE(remove_many_removes_known_tokens_and_reports_unknown_ones) {
    seeded f(2000);
    std::vector<hub::secret> batch;
    auto all = f.server.seed_tokens(username, 0);
    std::vector<std::string> fresh = f.server.seed_tokens(username, 2000);
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        batch.push_back(fresh[i]);
        if (i % 100 == 0) batch.push_back(std::string(64, 'e'));  // unknown
    }
    auto before = f.server.token_count();
    auto results = f.run(f.client->tokens().remove_many(batch, 16));
    BOOST_REQUIRE(results.size() == batch.size());
    std::size_t removed = 0, not_found = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        bool unknown = batch[i].reveal() == std::string(64, 'e');
        auto expected = unknown ? hub::remove_result::outcome::not_found : hub::remove_result::outcome::removed;
        BOOST_TEST((results[i].what == expected));
        removed += results[i].what == hub::remove_result::outcome::removed;
        not_found += results[i].what == hub::remove_result::outcome::not_found;
    }
    BOOST_TEST(removed == 2000u);
    BOOST_TEST(not_found == 20u);
    BOOST_TEST(f.server.token_count() == before - 2000);
    BOOST_TEST(f.client->stats().opened <= 8u);
}

BOOST_AUTO_TEST_SUITE_END()
