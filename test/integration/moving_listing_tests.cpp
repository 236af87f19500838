// Walking a listing that moves, as the Hub's does on PostgreSQL: the emulator in
// `listing_order::updated_last`, and another task reading (refreshing) tokens while the walk goes,
// in every walk mode. No token is ever yielded twice; with `report` every run that lost a token
// says so; with `fail` such a run ends with `listing_changed`; with `repair` every token comes
// once the refresher has stopped.
#include "fixture.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace test;

namespace {

constexpr std::int64_t total = 120;

struct moving_hub : hub_fixture {
    moving_hub() : hub_fixture(emu::server_options{.listing = emu::listing_order::updated_last, .manual_clock = true}) {
        secrets = server.seed_tokens(username, static_cast<std::size_t>(total));
        auto o = options();
        o.api_key = secrets.front();  // the walk's own key moves too, as knox refreshes it
        o.pool.max_connections = 8;
        client.emplace(io.get_executor(), o);
    }
    std::vector<std::string> secrets;
    std::optional<hub::client> client;
};

struct moving_walk {
    const char* name;
    hub::paging paging;
};

const moving_walk moving_walks[] = {
    {"follow", {.page_size = 10, .prefetch = 0}},
    {"prefetch 2", {.page_size = 10, .prefetch = 2}},
    {"concurrency 8", {.page_size = 10, .prefetch = 1, .concurrency = 8}},
    {"resume from 40", {.page_size = 10, .offset = 40, .concurrency = 4}},
    {"max_items 70", {.page_size = 10, .max_items = 70, .prefetch = 1}},
};

struct run_result {
    std::vector<hub::token> got;
    std::optional<boost::system::error_code> error;
    bool changed = false;
    std::int64_t repeats = 0;
    std::int64_t shortfall = 0;
};

// One walk while a refresher reads `reads` random tokens, one every millisecond, then stops.
run_result walk_while_refreshing(moving_hub& f, hub::paging p, int reads, std::mt19937& rng) {
    f.server.advance_clock(std::chrono::seconds(61));  // every token may be saved (and move) again
    run_result r;
    auto range = f.client->tokens().all(p);
    std::vector<std::size_t> picks;
    for (int i = 0; i < reads; ++i) picks.push_back(std::uniform_int_distribution<std::size_t>(1, f.secrets.size() - 1)(rng));
    asio::co_spawn(f.io, [&f, picks]() -> asio::awaitable<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        for (auto i : picks) {
            timer.expires_after(std::chrono::milliseconds(1));
            co_await timer.async_wait(asio::use_awaitable);
            co_await f.client->tokens().read(f.secrets[i]);  // pushes its expiry: it moves to the end
        }
    }, asio::detached);
    try {
        f.run([&]() -> asio::awaitable<void> {
            while (auto t = co_await range.next()) r.got.push_back(std::move(*t));
        }());
    } catch (const boost::system::system_error& e) {
        r.error = e.code();
        f.io.restart();
        f.io.run();  // let the refresher finish
    }
    r.changed = range.listing_changed();
    r.repeats = range.repeats_dropped();
    r.shortfall = range.shortfall();
    return r;
}

std::string key(const hub::token& t) { return t.id + "@" + std::to_string(t.created.time_since_epoch().count()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(moving_listing)

BOOST_AUTO_TEST_CASE(walks_while_tokens_are_refreshed_never_repeat_and_report_or_repair_every_loss) {
    const std::uint32_t seed = 20261207;
    std::mt19937 rng(seed);
    moving_hub f;
    std::size_t runs = 0, lost_runs = 0, repaired_runs = 0, failed_runs = 0;
    for (const auto& mode : moving_walks) {
        for (auto policy : {hub::paging::on_change::report, hub::paging::on_change::fail}) {
            for (std::size_t repair : {std::size_t{0}, std::size_t{6}}) {
                if (policy == hub::paging::on_change::fail && repair > 0) continue;  // fail ends at the first repeat
                for (int n = 0; n < 20; ++n) {
                    BOOST_TEST_CONTEXT("seed " << seed << ", mode " << mode.name << ", policy " << static_cast<int>(policy)
                                               << ", repair " << repair << ", run " << n) {
                        auto p = mode.paging;
                        p.listing_changed = policy;
                        p.repair = repair;
                        auto r = walk_while_refreshing(f, p, 8, rng);
                        ++runs;
                        std::set<std::string> seen;
                        for (const auto& t : r.got) BOOST_REQUIRE_MESSAGE(seen.insert(key(t)).second, "token " << key(t) << " twice");
                        // What the walk was to cover: nothing is created or deleted, so `count` stays.
                        const auto wanted = std::min(total - p.offset, p.max_items.value_or(total));
                        const auto lost = wanted - static_cast<std::int64_t>(seen.size());
                        if (r.error) {
                            BOOST_REQUIRE((*r.error == hub::error::listing_changed));
                            BOOST_REQUIRE(policy == hub::paging::on_change::fail);
                            ++failed_runs;
                            continue;
                        }
                        BOOST_TEST(r.shortfall == std::max<std::int64_t>(0, lost));
                        if (lost > 0) {
                            ++lost_runs;
                            BOOST_TEST(r.changed);  // report: said so
                            BOOST_TEST((policy == hub::paging::on_change::report));
                        }
                        if (p.offset == 0 && !p.max_items && repair > 0) {
                            // The whole listing, the refresher stopped before the passes ran out.
                            BOOST_TEST(lost == 0);
                            repaired_runs += r.repeats > 0;
                        }
                    }
                }
            }
        }
    }
    BOOST_TEST_MESSAGE(runs << " walks while refreshing: " << lost_runs << " lost tokens and said so, " << failed_runs
                            << " failed with listing_changed, " << repaired_runs << " repaired to every token");
    BOOST_TEST(runs >= 200u);
    BOOST_TEST(lost_runs + failed_runs > 0u);  // the listing did move under the walks
}

BOOST_AUTO_TEST_SUITE_END()
