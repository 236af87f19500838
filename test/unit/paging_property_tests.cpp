// The paging invariant, checked over thousands of generated server behaviours: every item the
// server holds at offsets [start, end) comes once and in order, or the walk ends with an error at
// the position where it could not be sure. Never a silent shortfall, never a silent repeat.
//
// The plan is driven directly (no sockets, no executor): a simulated Hub answers each fetch when
// it lands, in a random order, while a simulated consumer takes pages at random moments. Each
// case's seed is printed on failure; `PAGING_PROPERTY_CASES` and `PAGING_PROPERTY_SEED` rerun
// more or other cases.
#include "samples.hpp"
#include "sansio/paging_fsm.hpp"
#include "sansio/url.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

namespace {

using samples::origin;

// How the simulated server misbehaves. Probabilities are per answer.
struct behaviour {
    std::int64_t cap = 0;           // serves at most this many per page, links say so (DRF max_limit); 0 = none
    double short_p = 0;             // serves fewer than asked, `next` naming where they end
    double drf_short_p = 0;         // serves fewer than asked, `next` at offset + limit (a skip)
    double more_p = 0;              // serves more than asked, `next` naming where they end
    double stay_p = 0;              // `next` names the page's own offset
    double skip_p = 0;              // `next` jumps past the items served
    double back_p = 0;              // `next` goes back into the items served
    double null_p = 0;              // `next: null` before the end
    double foreign_p = 0;           // `next` on another origin
    std::int64_t phantom = 0;       // `count` says this many more than it holds
    bool ignore_offset = false;     // always answers from offset 0
    bool hide_ignored_offset = false;  // ...with links and nothing else as if it did not (a cache keyed on the path)
    bool next_past_count = false;   // pages at or past `count` still carry a `next`
    double mutate_p = 0;            // before answering, a token is created or deleted
    double fail_p = 0;              // the fetch fails in transport
    // The Hub's listing has no order and its rows move (PostgreSQL writes an updated row anew):
    // between pages, at equal `count`:
    double move_p = 0;              // a token is refreshed and moves to the end
    double swap_p = 0;              // two tokens change places
    double churn_p = 0;             // a token is created (anywhere) and another expires
    bool shared_ids = false;        // tokens come in pairs sharing their 8-character id (knox allows it)
    int quiet_after = 0;            // answers after which nothing moves any more; 0: never quiet

    [[nodiscard]] bool reorders() const { return move_p > 0 || swap_p > 0 || churn_p > 0; }
    [[nodiscard]] bool honest() const {
        return drf_short_p == 0 && stay_p == 0 && skip_p == 0 && back_p == 0 && null_p == 0 && foreign_p == 0 &&
               phantom == 0 && !ignore_offset && mutate_p == 0 && fail_p == 0 && !reorders();
    }
};

std::ostream& operator<<(std::ostream& os, const behaviour& b) {
    os << "cap " << b.cap << ", short " << b.short_p << ", drf_short " << b.drf_short_p << ", more " << b.more_p
       << ", stay " << b.stay_p << ", skip " << b.skip_p << ", back " << b.back_p << ", null " << b.null_p
       << ", foreign " << b.foreign_p << ", phantom " << b.phantom << ", ignore_offset " << b.ignore_offset << (b.hide_ignored_offset ? " (hidden)" : "")
       << ", next_past_count " << b.next_past_count << ", mutate " << b.mutate_p << ", fail " << b.fail_p
       << ", move " << b.move_p << ", swap " << b.swap_p << ", churn " << b.churn_p << ", shared_ids " << b.shared_ids
       << ", quiet_after " << b.quiet_after;
    return os;
}

std::int64_t query_value(std::string_view target, std::string_view name, std::int64_t otherwise) {
    auto q = target.find('?');
    if (q == std::string_view::npos) return otherwise;
    auto query = target.substr(q + 1);
    std::int64_t found = otherwise;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
            std::int64_t v = 0;
            auto digits = pair.substr(name.size() + 1);
            auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            found = ec == std::errc{} && p == digits.data() + digits.size() ? v : otherwise;
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return found;
}

// A Hub holding one user's tokens, each named by a serial number (its `created`, in µs); each
// answer's items carry their position at answer time in `user`, so the test can see where the
// plan put them.
class simulated_hub {
public:
    simulated_hub(std::int64_t total, behaviour b, std::mt19937_64& rng) : b_(b), rng_(rng) {
        for (std::int64_t i = 0; i < total; ++i) items.push_back(name(serial_++));
    }

    std::vector<std::int64_t> items;  // serials, in the listing's order
    bool mutated = false;    // `count` changed
    bool reordered = false;  // items moved at equal `count`

    hub::token_page answer(const std::string& target) {
        auto limit = query_value(target, "limit", 50);
        auto offset = query_value(target, "offset", 0);
        if (limit <= 0) limit = 50;
        if (offset < 0) offset = 0;
        const auto asked = offset;
        if (b_.ignore_offset) offset = 0;
        if (chance(b_.mutate_p)) mutate();
        if (b_.quiet_after == 0 || answers_ < b_.quiet_after) reorder();
        ++answers_;

        const auto held = static_cast<std::int64_t>(items.size());
        hub::token_page page;
        page.count = held + b_.phantom;
        auto served_limit = b_.cap > 0 ? std::min(limit, b_.cap) : limit;
        auto n = std::clamp<std::int64_t>(held - offset, 0, served_limit);
        auto link_at = offset + served_limit;  // where DRF's link points
        if (n > 1 && chance(b_.short_p)) {
            n = pick(1, n - 1);
            link_at = offset + n;
        } else if (n > 1 && chance(b_.drf_short_p)) {
            n = pick(1, n - 1);  // the link still says offset + limit
        } else if (n > 0 && chance(b_.more_p)) {
            n = std::min(held - offset, n + pick(1, 5));
            link_at = offset + n;
        }
        for (std::int64_t i = 0; i < n; ++i) {
            hub::token t;
            auto serial = items[static_cast<std::size_t>(offset + i)];
            t.id = "t" + std::to_string(b_.shared_ids ? serial / 2 : serial);
            t.created = hub::timestamp(std::chrono::microseconds(serial));
            t.user = offset + i;
            page.results.push_back(std::move(t));
        }
        if (b_.hide_ignored_offset) link_at += asked - offset;
        bool more = link_at < page.count || (b_.next_past_count && offset >= page.count);
        if (more) {
            std::string host = origin;
            if (chance(b_.stay_p)) link_at = offset;
            else if (chance(b_.skip_p)) link_at = offset + n + pick(1, 5);
            else if (chance(b_.back_p) && n > 0) link_at = offset + n - pick(1, n);
            if (chance(b_.foreign_p)) host = "https://elsewhere.example";
            if (!chance(b_.null_p))
                page.next = host + "/api/tokens/?limit=" + std::to_string(served_limit) + "&offset=" + std::to_string(link_at);
        }
        return page;
    }

private:
    bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
    std::int64_t pick(std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_); }
    std::int64_t name(std::int64_t serial) const { return serial; }
    void reorder() {
        auto size = static_cast<std::int64_t>(items.size());
        if (size < 2) return;
        if (chance(b_.move_p)) {
            auto i = items.begin() + pick(0, size - 2);
            std::rotate(i, i + 1, items.end());
            reordered = true;
        }
        if (chance(b_.swap_p)) {
            std::swap(items[static_cast<std::size_t>(pick(0, size - 1))], items[static_cast<std::size_t>(pick(0, size - 1))]);
            reordered = true;
        }
        if (chance(b_.churn_p)) {
            items.erase(items.begin() + pick(0, size - 1));
            items.insert(items.begin() + pick(0, size - 1), serial_++);
            reordered = true;
        }
    }
    void mutate() {
        mutated = true;
        auto size = static_cast<std::int64_t>(items.size());
        if (size > 0 && chance(0.5)) items.erase(items.begin() + pick(0, size - 1));
        else items.insert(items.begin() + pick(0, size), name(serial_++));
    }

    behaviour b_;
    std::mt19937_64& rng_;
    std::int64_t serial_ = 0;
    int answers_ = 0;
};

struct walk_case {
    hub::paging opts;
    std::int64_t total = 0;
    behaviour server;
};

std::ostream& operator<<(std::ostream& os, const walk_case& c) {
    os << "total " << c.total << ", page_size " << c.opts.page_size << ", offset " << c.opts.offset << ", max_items "
       << (c.opts.max_items ? std::to_string(*c.opts.max_items) : "-") << ", prefetch " << c.opts.prefetch
       << ", concurrency " << c.opts.concurrency << ", listing_changed " << static_cast<int>(c.opts.listing_changed)
       << ", repair " << c.opts.repair
       << "; server: " << c.server;
    return os;
}

walk_case generate(std::mt19937_64& rng) {
    auto pick = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
    auto coin = [&](int in) { return pick(1, in) == 1; };
    walk_case c;
    c.total = coin(10) ? 0 : pick(1, 120);
    static constexpr std::int64_t sizes[] = {1, 2, 3, 5, 7, 10, 16, 50, 100};
    c.opts.page_size = sizes[pick(0, std::size(sizes) - 1)];
    c.opts.offset = coin(3) ? 0 : pick(0, c.total + 5);
    if (coin(4)) c.opts.max_items = pick(0, c.total + 5);
    c.opts.prefetch = static_cast<std::size_t>(pick(0, 3));
    static constexpr std::size_t concurrency[] = {1, 1, 2, 3, 4, 8};
    c.opts.concurrency = concurrency[pick(0, std::size(concurrency) - 1)];
    c.opts.listing_changed = static_cast<hub::paging::on_change>(pick(0, 2));

    auto& b = c.server;
    if (coin(3)) b.cap = pick(1, 12);
    if (coin(4)) b.short_p = 0.3;
    if (coin(4)) b.more_p = 0.3;
    b.shared_ids = coin(4);
    if (coin(2)) return c;  // half the cases: honest servers, however they cut their pages
    switch (pick(0, 13)) {
        case 0: b.drf_short_p = 0.3; break;
        case 1: b.stay_p = 0.2; break;
        case 2: b.skip_p = 0.2; break;
        case 3: b.back_p = 0.2; break;
        case 4: b.null_p = 0.2; break;
        case 5: b.foreign_p = 0.2; break;
        case 6: b.phantom = pick(1, 20); break;
        case 7:
            b.ignore_offset = true;
            b.hide_ignored_offset = coin(2);
            if (b.hide_ignored_offset) c.opts.offset = 0;  // from elsewhere, nothing could tell its first page is wrong
            break;
        case 8: b.next_past_count = true; b.phantom = coin(2) ? pick(1, 3) : 0; break;
        case 9: b.mutate_p = 0.2; break;
        case 11: b.move_p = 0.3; break;
        case 12: b.swap_p = 0.3; break;
        case 13: b.churn_p = 0.3; break;
        default: b.fail_p = 0.1; break;
    }
    return c;
}

struct walk_outcome {
    std::vector<hub::token> yielded;
    std::exception_ptr error;
    bool stopped_early = false;
    bool changed = false;  // the plan's `listing_changed()` at the end
    std::int64_t repeats = 0;
    std::int64_t shortfall = 0;
    std::int64_t first_count = -1;  // the first page's `count`
    std::size_t repairs = 0;        // repair passes made
};

// Runs one walk to its end; fails the test (with the case) on any breach of the plan's contract.
walk_outcome drive(const walk_case& c, simulated_hub& server, std::mt19937_64& rng,
                   std::map<std::uint64_t, std::int64_t>& failed_at) {
    auto pick = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
    detail::paging_fsm plan(c.opts, detail::parse_base_url(origin + "/api"));
    const auto bound = c.opts.prefetch + c.opts.concurrency;
    std::vector<detail::page_fetch> outstanding;
    walk_outcome out;
    bool waiting = false;
    std::uint64_t injected = 0;
    auto finish = [&] {
        out.changed = plan.listing_changed();
        out.repeats = plan.repeats_dropped();
        out.shortfall = plan.shortfall();
        out.repairs = plan.repairs();
        return out;
    };
    for (int steps = 0;; ++steps) {
        BOOST_REQUIRE_MESSAGE(steps < 100'000, "the walk does not end");
        for (int started = 0; auto f = plan.next_fetch(); ++started) {
            BOOST_REQUIRE_MESSAGE(started < 1000, "the plan starts fetches without end");
            outstanding.push_back(std::move(*f));
        }
        BOOST_REQUIRE_MESSAGE(plan.held() <= bound, "holds " << plan.held() << " pages, more than " << bound);
        if (pick(0, 200) == 0) {  // the consumer leaves early
            plan.stop();
            BOOST_REQUIRE_MESSAGE(!plan.next_fetch(), "a stopped walk still fetches");
            out.stopped_early = true;
            return finish();
        }
        if (outstanding.empty() || (!waiting && pick(0, 1) == 0)) {
            auto step = plan.take();
            using kind = detail::paging_fsm::step::kind;
            if (step.what == kind::end) return finish();
            if (step.what == kind::error) {
                out.error = step.error;
                return finish();
            }
            if (step.what == kind::page) {
                BOOST_REQUIRE_MESSAGE(!step.page->results.empty() || out.yielded.empty(), "an empty page after the first");
                for (auto& t : step.page->results) out.yielded.push_back(std::move(t));
                waiting = false;
                continue;
            }
            waiting = true;
            while (auto f = plan.next_fetch()) outstanding.push_back(std::move(*f));
            BOOST_REQUIRE_MESSAGE(!outstanding.empty(), "the plan waits with nothing to wait for");
            continue;
        }
        auto i = static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(outstanding.size()) - 1));
        auto f = std::move(outstanding[i]);
        outstanding.erase(outstanding.begin() + static_cast<std::ptrdiff_t>(i));
        if (c.server.fail_p > 0 && pick(0, 9) == 0) {
            auto tag = ++injected;
            failed_at[tag] = f.offset;
            plan.on_failure(f.id, std::make_exception_ptr(boost::system::system_error(
                                      boost::asio::error::connection_reset, "injected " + std::to_string(tag))));
        } else {
            auto page = server.answer(f.target);
            if (out.first_count < 0) out.first_count = page.count;
            plan.on_page(f.id, std::move(page));
        }
        waiting = false;
    }
}

std::string describe(const std::exception_ptr& e) {
    if (!e) return "no error";
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    }
}

std::uint64_t env_or(const char* name, std::uint64_t otherwise) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 10) : otherwise;
}

}  // namespace

namespace {

struct tally {
    std::size_t honest = 0, completed = 0, failed = 0, moved = 0, reported = 0, repaired = 0, whole = 0;
};

// Runs case `seed` and checks every property of its outcome.
void check_case(std::uint64_t seed, const walk_case& c, std::mt19937_64& rng, tally& t) {
    simulated_hub server(c.total, c.server, rng);
    const auto initial = server.items;
    std::map<std::uint64_t, std::int64_t> failed_at;
    BOOST_TEST_CONTEXT("seed " << seed << ": " << c) {
        auto out = drive(c, server, rng, failed_at);
        const auto start = c.opts.offset;
        const bool completed = !out.error && !out.stopped_early;
        auto serial = [](const hub::token& x) { return static_cast<std::int64_t>(x.created.time_since_epoch().count()); };
        // Never an item twice, whatever the server does.
        std::set<std::int64_t> distinct;
        for (const auto& x : out.yielded)
            BOOST_REQUIRE_MESSAGE(distinct.insert(serial(x)).second, "token " << x.id << " (" << serial(x) << ") yielded twice");
        // Each item sits where the plan says: positions rise from `start`, one by one unless a
        // repeat was dropped between them (positions are those at answer time).
        for (std::size_t i = 0; i < out.yielded.size() && out.repairs == 0; ++i) {
            const auto expected = start + static_cast<std::int64_t>(i);
            if (out.repeats == 0)
                BOOST_REQUIRE_MESSAGE(out.yielded[i].user == expected, "item " << i << " was at position "
                                                                               << out.yielded[i].user << ", yielded at " << expected);
            else
                BOOST_REQUIRE(out.yielded[i].user >= expected && (i == 0 || out.yielded[i].user > out.yielded[i - 1].user));
        }
        const bool still = !server.mutated && !server.reordered;
        if (still) {
            for (std::size_t i = 0; i < out.yielded.size(); ++i)
                BOOST_REQUIRE_EQUAL(serial(out.yielded[i]), initial.at(static_cast<std::size_t>(start) + i));
            BOOST_REQUIRE_EQUAL(out.repeats, 0);
        }
        const auto range_end = [&](std::int64_t count) {
            return std::max<std::int64_t>(0, std::min(count, c.opts.max_items ? start + *c.opts.max_items : INT64_MAX) - start);
        };
        std::int64_t want = range_end(static_cast<std::int64_t>(initial.size()) + c.server.phantom);
        if (completed && still)
            BOOST_REQUIRE_MESSAGE(static_cast<std::int64_t>(out.yielded.size()) == want,
                                  "the walk ended without an error after " << out.yielded.size() << " of " << want << " items");
        if (completed && !server.mutated) {
            // Moved at equal count: the shortfall is the positions walked less the distinct items.
            // (A repair pass may also yield tokens created meanwhile: then more than positions.)
            BOOST_REQUIRE_EQUAL(out.shortfall, std::max<std::int64_t>(0, range_end(out.first_count) -
                                                                              static_cast<std::int64_t>(out.yielded.size())));
            if (start == 0 && !c.opts.max_items && c.server.phantom == 0) {
                // Every token there from first to last and not yielded is counted, but for one a
                // new token took the place of (churn: no offset walk can tell them apart).
                std::set<std::int64_t> now(server.items.begin(), server.items.end());
                std::int64_t lost = 0, newcomers = 0;
                for (auto x : initial) lost += now.count(x) && !distinct.count(x);
                std::set<std::int64_t> before(initial.begin(), initial.end());
                for (auto x : distinct) newcomers += !before.count(x);
                BOOST_REQUIRE_MESSAGE(lost <= out.shortfall + newcomers,
                                      lost << " tokens lost, shortfall " << out.shortfall << ", newcomers " << newcomers);
                if (c.server.churn_p == 0) BOOST_REQUIRE_LE(lost, out.shortfall);
                // Repair passes that walk a listing which has stopped moving find every token.
                if (c.server.churn_p == 0 && c.server.quiet_after > 0 &&
                    c.opts.repair >= static_cast<std::size_t>(c.server.quiet_after))
                    BOOST_REQUIRE_MESSAGE(lost == 0 && out.shortfall == 0, lost << " tokens lost after " << out.repairs
                                                                                    << " repair passes");
                t.whole += lost == 0 && out.shortfall == 0;
            }
        }
        // What the walk saw is reported per the policy.
        if (out.repeats > 0 || out.shortfall > 0) {
            ++t.moved;
            if (c.opts.listing_changed == hub::paging::on_change::report) BOOST_REQUIRE(out.changed);
            if (c.opts.listing_changed == hub::paging::on_change::fail) BOOST_REQUIRE(!completed);
            t.reported += c.opts.listing_changed != hub::paging::on_change::ignore;
        }
        if (c.opts.listing_changed == hub::paging::on_change::ignore) BOOST_REQUIRE(!out.changed);
        if (c.server.honest() && !out.stopped_early)
            BOOST_REQUIRE_MESSAGE(!out.error, "an honest server's walk failed: " << describe(out.error));
        if (out.error) {
            try {
                std::rethrow_exception(out.error);
            } catch (const boost::system::system_error& e) {
                if (e.code() == boost::asio::error::connection_reset) {
                    std::string what = e.what();
                    auto tag = std::stoull(what.substr(what.find("injected ") + 9));
                    if (out.repeats == 0)
                        BOOST_REQUIRE_EQUAL(static_cast<std::int64_t>(out.yielded.size()), failed_at.at(tag) - start);
                    else if (!out.yielded.empty())
                        BOOST_REQUIRE_LT(out.yielded.back().user, failed_at.at(tag));
                }
                if (e.code() == hub::error::listing_changed) {
                    BOOST_REQUIRE(!still);
                    BOOST_REQUIRE(c.opts.listing_changed == hub::paging::on_change::fail);
                }
            }
        }
        t.repaired += out.repairs > 0;
        t.honest += c.server.honest();
        t.completed += completed;
        t.failed += out.error != nullptr;
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(paging_property)

BOOST_AUTO_TEST_CASE(every_item_comes_once_in_order_or_the_walk_fails_where_it_could_not_be_sure) {
    const auto cases = env_or("PAGING_PROPERTY_CASES", 10'000);
    const auto first_seed = env_or("PAGING_PROPERTY_SEED", 20261201);
    tally t;
    for (std::uint64_t n = 0; n < cases; ++n) {
        const auto seed = first_seed + n;
        std::mt19937_64 rng(seed);
        auto c = generate(rng);
        check_case(seed, c, rng, t);
    }
    BOOST_TEST_MESSAGE(cases << " walks: " << t.honest << " against honest servers, " << t.completed << " complete, "
                             << t.failed << " failed where they could not be sure");
    // The generator must exercise both outcomes, or the property proves little.
    BOOST_TEST(t.completed > cases / 4);
    BOOST_TEST(t.failed > cases / 20);
}

// Listings that move at equal `count`, as the Hub's does (no ORDER BY; PostgreSQL writes an
// updated row anew): no item twice, ever; every loss or repeat the walk could see is counted and
// reported (`report` sets `listing_changed()`, `fail` ends the walk).
BOOST_AUTO_TEST_CASE(a_listing_that_moves_never_yields_an_item_twice_and_what_it_loses_is_reported) {
    const auto cases = env_or("PAGING_MOVING_CASES", 3'000);
    const auto first_seed = env_or("PAGING_MOVING_SEED", 20261207);
    tally t;
    for (std::uint64_t n = 0; n < cases; ++n) {
        const auto seed = first_seed + n;
        std::mt19937_64 rng(seed);
        auto c = generate(rng);
        auto pick = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
        behaviour b;
        b.cap = c.server.cap;
        b.short_p = c.server.short_p;
        b.more_p = c.server.more_p;
        b.shared_ids = c.server.shared_ids;
        switch (pick(0, 3)) {
            case 0: b.move_p = 0.4; break;
            case 1: b.swap_p = 0.4; break;
            case 2: b.churn_p = 0.4; break;
            default: b.move_p = b.swap_p = b.churn_p = 0.2; break;
        }
        c.server = b;
        if (pick(0, 1) == 0) {  // half the walks: the whole listing, where every loss can be told
            c.opts.offset = 0;
            c.opts.max_items.reset();
        }
        if (c.total < 2) c.total = pick(2, 120);
        switch (pick(0, 2)) {  // a third without repair, a third repairing while it moves, a third once it stops
            case 0: break;
            case 1: c.opts.repair = static_cast<std::size_t>(pick(1, 3)); break;
            default:
                c.server.churn_p = 0;
                if (c.server.move_p == 0 && c.server.swap_p == 0) c.server.move_p = 0.4;
                c.server.quiet_after = static_cast<int>(pick(1, 5));
                c.opts.repair = 5;
                if (c.opts.listing_changed == hub::paging::on_change::fail) c.opts.listing_changed = hub::paging::on_change::report;
                break;
        }
        check_case(seed, c, rng, t);
    }
    BOOST_TEST_MESSAGE(cases << " walks over moving listings: " << t.completed << " complete, " << t.moved
                             << " saw repeats or a shortfall, " << t.reported << " of them reported; " << t.repaired
                             << " made repair passes; " << t.whole << " whole-listing walks yielded every token");
    BOOST_TEST(t.moved > cases / 10);
    BOOST_TEST(t.completed > cases / 4);
}

BOOST_AUTO_TEST_SUITE_END()
