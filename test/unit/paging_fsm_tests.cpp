// The paging plan's rules, one scripted server each: no sockets, no executor. The property test
// (paging_property_tests.cpp) checks the same invariant over generated servers.
#include "samples.hpp"
#include "sansio/paging_fsm.hpp"
#include "sansio/url.hpp"

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

namespace {

using samples::origin;

// A page of `n` items from `offset` ("t<position>"), of a listing of `count`, with a `next` link
// at `next_offset` (none when negative).
hub::token_page page(std::int64_t offset, std::int64_t n, std::int64_t count, std::int64_t next_offset,
                     std::int64_t limit = 10, const std::string& host = origin) {
    hub::token_page p;
    p.count = count;
    for (std::int64_t i = offset; i < offset + n; ++i) {
        hub::token t;
        t.id = "t" + std::to_string(i);
        p.results.push_back(t);
    }
    if (next_offset >= 0)
        p.next = host + "/api/tokens/?limit=" + std::to_string(limit) + "&offset=" + std::to_string(next_offset);
    return p;
}

std::int64_t param(const std::string& target, const char* name) { return *detail::query_integer(target, name); }

struct outcome {
    std::vector<std::string> ids;
    std::vector<std::string> targets;
    std::optional<boost::system::error_code> error;
    std::string message;
    std::vector<std::string> notes;
    std::int64_t repeats = 0;
    std::int64_t shortfall = 0;
    bool changed = false;
    std::int64_t resume = 0;
};

// Runs a walk to its end, answering fetches in the order they were asked for.
outcome run(hub::paging p, const std::function<hub::token_page(std::int64_t limit, std::int64_t offset)>& server) {
    detail::paging_fsm plan(p, detail::parse_base_url(origin + "/api"));
    outcome out;
    std::vector<detail::page_fetch> queue;
    for (int steps = 0; steps < 10'000; ++steps) {
        while (auto f = plan.next_fetch()) queue.push_back(std::move(*f));
        auto step = plan.take();
        using kind = detail::paging_fsm::step::kind;
        if (step.what == kind::page) {
            for (auto& t : step.page->results) out.ids.push_back(t.id);
            continue;
        }
        if (step.what == kind::end) break;
        if (step.what == kind::error) {
            try {
                std::rethrow_exception(step.error);
            } catch (const boost::system::system_error& e) {
                out.error = e.code();
                out.message = e.what();
            }
            break;
        }
        while (auto f = plan.next_fetch()) queue.push_back(std::move(*f));
        BOOST_REQUIRE(!queue.empty());
        auto f = queue.front();
        queue.erase(queue.begin());
        out.targets.push_back(f.target);
        plan.on_page(f.id, server(param(f.target, "limit"), param(f.target, "offset")));
        for (auto& n : plan.take_notes()) out.notes.push_back(n);
    }
    for (auto& n : plan.take_notes()) out.notes.push_back(n);
    out.repeats = plan.repeats_dropped();
    out.shortfall = plan.shortfall();
    out.changed = plan.listing_changed();
    out.resume = plan.resume_offset();
    return out;
}

std::vector<std::string> ids(std::int64_t from, std::int64_t to) {
    std::vector<std::string> v;
    for (auto i = from; i < to; ++i) v.push_back("t" + std::to_string(i));
    return v;
}

hub::paging mode(std::size_t concurrency, std::int64_t page_size = 100) {
    hub::paging p;
    p.page_size = page_size;
    p.concurrency = concurrency;
    return p;
}

// DRF's LimitOffsetPagination with `max_limit`: pages cut at `cap`, links carrying it.
auto capped(std::int64_t total, std::int64_t cap) {
    return [=](std::int64_t limit, std::int64_t offset) {
        auto l = std::min(limit, cap);
        auto n = std::clamp<std::int64_t>(total - offset, 0, l);
        return page(offset, n, total, offset + l < total ? offset + l : -1, l);
    };
}

// A listing whose rows move, as the Hub's do on PostgreSQL: `order` holds serials (`id`
// "s<serial / share>", `created` the serial in µs); `after(pages_served)` moves them.
struct moving_listing {
    explicit moving_listing(std::vector<std::int64_t> o) : order(std::move(o)) {}
    std::vector<std::int64_t> order;
    std::int64_t share = 1;  // 2: tokens come in pairs sharing an id
    std::function<void(std::vector<std::int64_t>&, int)> after;
    int served = 0;

    hub::token_page operator()(std::int64_t limit, std::int64_t offset) {
        hub::token_page p;
        p.count = static_cast<std::int64_t>(order.size());
        for (auto i = offset; i < std::min(offset + limit, p.count); ++i) {
            hub::token t;
            auto serial = order[static_cast<std::size_t>(i)];
            t.id = "s" + std::to_string(serial / share);
            t.created = hub::timestamp(std::chrono::microseconds(serial));
            p.results.push_back(t);
        }
        if (offset + limit < p.count)
            p.next = origin + "/api/tokens/?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset + limit);
        if (after) after(order, ++served);
        return p;
    }
};

std::vector<std::int64_t> serials(std::int64_t n) {
    std::vector<std::int64_t> v;
    for (std::int64_t i = 0; i < n; ++i) v.push_back(i);
    return v;
}

// After the second page, token 3 (walked already) is refreshed and moves to the end.
moving_listing refreshed_behind() {
    moving_listing l{serials(30)};
    l.after = [](std::vector<std::int64_t>& o, int served) {
        if (served == 2) std::rotate(o.begin() + 3, o.begin() + 4, o.end());
    };
    return l;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(paging_fsm)

BOOST_AUTO_TEST_CASE(a_token_that_moves_behind_the_walk_is_dropped_when_it_comes_again_and_the_miss_counted) {
    for (std::size_t c : {1u, 4u}) {
        BOOST_TEST_CONTEXT("concurrency " << c) {
            auto p = mode(c, 10);
            p.prefetch = 0;  // the pages are fetched one by one, after the move
            auto r = run(p, refreshed_behind());
            BOOST_REQUIRE(!r.error);
            BOOST_TEST(r.ids.size() == 29u);  // s3 once; s20 moved to position 19, behind the walk
            BOOST_TEST(std::set<std::string>(r.ids.begin(), r.ids.end()).size() == 29u);
            BOOST_TEST(std::count(r.ids.begin(), r.ids.end(), "s20") == 0);
            BOOST_TEST(r.repeats == 1);
            BOOST_TEST(r.shortfall == 1);
            BOOST_TEST(!r.changed);  // `ignore`: counted, not reported
            BOOST_TEST(r.notes.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(report_sets_listing_changed_with_the_repeats_and_the_shortfall_in_a_note) {
    auto p = mode(1, 10);
    p.prefetch = 0;
    p.listing_changed = hub::paging::on_change::report;
    auto r = run(p, refreshed_behind());
    BOOST_REQUIRE(!r.error);
    BOOST_TEST(r.ids.size() == 29u);
    BOOST_TEST(r.changed);
    BOOST_REQUIRE(r.notes.size() == 2u);
    BOOST_TEST(r.notes[0] == "paging: the listing moved during the walk: token s3 came again at offset 29; dropped "
                             "(the Hub's listing has no order)");
    BOOST_TEST(r.notes[1] == "paging: the listing moved during the walk: 29 distinct tokens at 30 positions, 1 repeats "
                             "dropped, 1 short");
}

BOOST_AUTO_TEST_CASE(fail_ends_the_walk_at_the_repeat_after_every_token_before_it) {
    auto p = mode(1, 10);
    p.prefetch = 0;
    p.listing_changed = hub::paging::on_change::fail;
    auto r = run(p, refreshed_behind());
    BOOST_REQUIRE(r.error);
    BOOST_TEST(*r.error == hub::error::listing_changed);
    BOOST_TEST(r.message.find("token at offset 29 was yielded before") != std::string::npos);
    BOOST_TEST(r.ids.size() == 29u);  // positions 0..28: s0..s19, s21..s29 (s20 moved behind the walk)
    BOOST_TEST(r.resume == 29);
}

BOOST_AUTO_TEST_CASE(a_swap_across_the_walk_is_a_repeat_and_a_miss) {
    moving_listing l{serials(20)};
    l.after = [](std::vector<std::int64_t>& o, int served) {
        if (served == 1) std::swap(o[2], o[15]);  // s15 is now behind the walk, s2 ahead: s2 twice, s15 never
    };
    auto p = mode(1, 10);
    p.prefetch = 0;
    p.listing_changed = hub::paging::on_change::fail;
    auto r = run(p, l);
    BOOST_REQUIRE(r.error);
    BOOST_TEST(*r.error == hub::error::listing_changed);
    BOOST_TEST(r.ids.size() == 15u);  // s0..s14, then the repeat of s2 at offset 15
    BOOST_TEST(r.resume == 15);

    p.listing_changed = hub::paging::on_change::report;
    r = run(p, l);
    BOOST_REQUIRE(!r.error);
    BOOST_TEST(r.ids.size() == 19u);
    BOOST_TEST(r.repeats == 1);
    BOOST_TEST(r.shortfall == 1);
    BOOST_TEST(r.changed);
}

BOOST_AUTO_TEST_CASE(a_token_created_in_place_of_one_missed_is_what_no_offset_walk_can_see) {
    moving_listing shifted{serials(20)};
    shifted.after = [](std::vector<std::int64_t>& o, int served) {
        if (served == 1) {  // one token expires behind the walk, one is created at the end: count stays 20
            o.erase(o.begin() + 4);
            o.push_back(100);
        }
    };
    auto p = mode(1, 10);
    p.prefetch = 0;
    p.listing_changed = hub::paging::on_change::report;
    auto r = run(p, shifted);
    BOOST_REQUIRE(!r.error);
    BOOST_TEST(r.ids.size() == 20u);  // s10 missed, s100 in its place: the numbers agree
    BOOST_TEST(std::count(r.ids.begin(), r.ids.end(), "s10") == 0);
    BOOST_TEST(r.shortfall == 0);
    BOOST_TEST(!r.changed);
}

BOOST_AUTO_TEST_CASE(a_repair_pass_yields_the_missed_token_after_the_first_pass_and_nothing_twice) {
    for (std::size_t c : {1u, 4u}) {
        BOOST_TEST_CONTEXT("concurrency " << c) {
            auto p = mode(c, 10);
            p.prefetch = 0;
            p.repair = 2;
            p.listing_changed = hub::paging::on_change::report;
            auto r = run(p, refreshed_behind());
            BOOST_REQUIRE(!r.error);
            BOOST_REQUIRE(r.ids.size() == 30u);
            BOOST_TEST(r.ids.back() == "s20");  // the repair pass's token, after the first pass's
            BOOST_TEST(std::set<std::string>(r.ids.begin(), r.ids.end()).size() == 30u);
            BOOST_TEST(r.repeats == 1);   // the first pass's repeat; the repair pass's are expected
            BOOST_TEST(r.shortfall == 0);
            BOOST_TEST(r.changed);        // it did move
            BOOST_TEST(r.targets.size() == 6u);  // one pass again: its cost
            BOOST_TEST(r.notes.back() == "paging: the listing moved during the walk: 30 distinct tokens at 30 "
                                         "positions, 1 repeats dropped, 0 short after 1 repair passes");
        }
    }
}

BOOST_AUTO_TEST_CASE(tokens_sharing_an_id_are_told_apart_by_created) {
    moving_listing l{serials(20)};
    l.share = 2;  // s0 s0 s1 s1 ...: knox does not keep the 8-character id unique
    auto p = mode(4, 3);
    p.listing_changed = hub::paging::on_change::fail;
    auto r = run(p, l);
    BOOST_REQUIRE(!r.error);
    BOOST_TEST(r.ids.size() == 20u);
    BOOST_TEST(r.repeats == 0);
    BOOST_TEST(r.shortfall == 0);
}

BOOST_AUTO_TEST_CASE(the_first_token_moved_to_start_a_later_page_is_a_repeat_not_an_ignored_offset) {
    moving_listing l{serials(21)};
    l.after = [](std::vector<std::int64_t>& o, int served) {
        if (served == 1) std::rotate(o.begin(), o.begin() + 1, o.end());  // s0 now alone on the last page
    };
    auto p = mode(1, 10);
    p.prefetch = 0;
    auto r = run(p, l);
    BOOST_REQUIRE(!r.error);
    BOOST_TEST(r.repeats == 1);
    BOOST_TEST(r.shortfall == 1);  // s10 moved to position 9, behind the walk
}

BOOST_AUTO_TEST_CASE(the_seen_set_holds_16_to_32_bytes_an_item) {
    detail::seen_set seen;
    for (std::uint64_t i = 0; i < 100'000; ++i) BOOST_REQUIRE(seen.insert(i * 0x9e3779b97f4a7c15ULL));
    BOOST_TEST(!seen.insert(5 * 0x9e3779b97f4a7c15ULL));
    BOOST_TEST(seen.contains(0));  // 0 is a key like any other
    BOOST_TEST(!seen.contains(1234567));
    BOOST_TEST(seen.size() == 100'000u);
    BOOST_TEST(seen.bytes() >= 16 * seen.size());
    BOOST_TEST(seen.bytes() <= 32 * seen.size());
}

BOOST_AUTO_TEST_CASE(a_server_capping_pages_at_10_yields_all_30_items_in_every_mode) {
    for (std::size_t c : {1u, 2u, 4u, 8u}) {
        BOOST_TEST_CONTEXT("concurrency " << c) {
            auto r = run(mode(c), capped(30, 10));
            BOOST_TEST(!r.error);
            BOOST_TEST(r.ids == ids(0, 30), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_concurrent_walk_asks_for_the_page_size_the_server_serves_once_it_sees_a_short_page) {
    auto r = run(mode(4), capped(30, 10));
    BOOST_TEST(r.targets == (std::vector<std::string>{"/api/tokens/?limit=100&offset=0", "/api/tokens/?limit=10&offset=10",
                                                      "/api/tokens/?limit=10&offset=20"}),
               boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(r.notes.size(), 1u);
    BOOST_TEST(r.notes[0] == "paging: the page at offset 0 has 10 items where 30 were asked for; asking for 10 at a time");
}

BOOST_AUTO_TEST_CASE(a_follow_walk_follows_the_capped_links) {
    auto r = run(mode(1), capped(30, 10));
    BOOST_TEST(r.targets == (std::vector<std::string>{"/api/tokens/?limit=100&offset=0", "/api/tokens/?limit=10&offset=10",
                                                      "/api/tokens/?limit=10&offset=20"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_next_link_that_does_not_advance_fails_with_invalid_next_link_before_the_page) {
    for (std::size_t c : {1u, 4u}) {
        BOOST_TEST_CONTEXT("concurrency " << c) {
            auto r = run(mode(c, 10), [](std::int64_t, std::int64_t offset) {
                return page(offset, 10, 30, offset == 10 ? 10 : offset + 10);  // the second page links to itself
            });
            BOOST_TEST(r.ids == ids(0, 10), boost::test_tools::per_element());
            BOOST_REQUIRE(r.error);
            BOOST_TEST((*r.error == hub::error::invalid_next_link));
            BOOST_TEST(r.message == "paging: the page at offset 10 has 10 items but its `next` link says offset 10, "
                                    "not 20: a page's next link does not follow on from it");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_next_link_that_skips_or_goes_back_fails_with_invalid_next_link) {
    for (std::int64_t link : {25, 15, 0}) {
        BOOST_TEST_CONTEXT("next at " << link) {
            auto r = run(mode(1, 10), [&](std::int64_t, std::int64_t offset) {
                return page(offset, 10, 40, offset == 10 ? link : offset + 10);
            });
            BOOST_TEST(r.ids == ids(0, 10), boost::test_tools::per_element());
            BOOST_TEST((r.error == std::optional(make_error_code(hub::error::invalid_next_link))));
        }
    }
}

BOOST_AUTO_TEST_CASE(an_empty_page_before_count_fails_with_incomplete_listing_after_the_items_before) {
    for (std::size_t c : {1u, 3u}) {
        BOOST_TEST_CONTEXT("concurrency " << c) {
            auto r = run(mode(c, 10), [](std::int64_t, std::int64_t offset) {  // count says 50, 20 are there
                return page(offset, offset < 20 ? 10 : 0, 50, offset + 10);
            });
            BOOST_TEST(r.ids == ids(0, 20), boost::test_tools::per_element());
            BOOST_TEST((r.error == std::optional(make_error_code(hub::error::incomplete_listing))));
            BOOST_TEST(r.message == "paging: the page at offset 20 has 0 items, yet `count` is 50: the listing ended "
                                    "before its count");
        }
    }
}

BOOST_AUTO_TEST_CASE(next_null_before_count_fails_with_incomplete_listing) {
    auto r = run(mode(1, 10), [](std::int64_t, std::int64_t offset) { return page(offset, 10, 30, offset == 10 ? -1 : offset + 10); });
    BOOST_TEST(r.ids == ids(0, 20), boost::test_tools::per_element());
    BOOST_TEST((r.error == std::optional(make_error_code(hub::error::incomplete_listing))));
}

BOOST_AUTO_TEST_CASE(empty_pages_with_next_links_past_count_end_the_walk_cleanly) {
    auto r = run(mode(1, 10), [](std::int64_t, std::int64_t offset) {
        return page(offset, std::clamp<std::int64_t>(30 - offset, 0, 10), 30, offset + 10);  // `next` never null
    });
    BOOST_TEST(!r.error);
    BOOST_TEST(r.ids == ids(0, 30), boost::test_tools::per_element());
    BOOST_TEST(r.targets.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_server_that_ignores_offset_is_caught_not_repeated) {
    for (std::size_t c : {1u, 4u}) {
        for (std::int64_t total : {30, 8}) {
            BOOST_TEST_CONTEXT("concurrency " << c << ", total " << total) {
                auto p = mode(c, 10);
                p.offset = total == 8 ? 3 : 0;  // one page only: the items overflow `count`
                auto r = run(p, [&](std::int64_t, std::int64_t) {
                    auto n = std::min<std::int64_t>(total, 10);
                    return page(0, n, total, n < total ? n : -1);
                });
                BOOST_REQUIRE(r.error);
                BOOST_TEST((*r.error == hub::error::invalid_next_link || *r.error == hub::error::inconsistent_page));
                BOOST_TEST(r.ids.size() <= 10u);
                BOOST_TEST(std::set<std::string>(r.ids.begin(), r.ids.end()).size() == r.ids.size());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_shrinking_count_ends_the_walk_where_the_listing_now_ends) {
    auto r = run(mode(1, 10), [](std::int64_t, std::int64_t offset) {
        auto count = offset == 0 ? 30 : 25;
        return page(offset, std::clamp<std::int64_t>(count - offset, 0, 10), count, offset + 10 < count ? offset + 10 : -1);
    });
    BOOST_TEST(!r.error);
    BOOST_TEST(r.ids == ids(0, 25), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(max_items_ends_the_walk_without_asking_for_more) {
    auto p = mode(4, 10);
    p.offset = 5;
    p.max_items = 12;
    auto r = run(p, capped(100, 10));
    BOOST_TEST(!r.error);
    BOOST_TEST(r.ids == ids(5, 17), boost::test_tools::per_element());
    BOOST_TEST(r.targets.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_walk_from_past_the_end_yields_one_empty_page) {
    auto p = mode(1, 10);
    p.offset = 40;
    detail::paging_fsm plan(p, detail::parse_base_url(origin + "/api"));
    auto f = plan.next_fetch();
    BOOST_REQUIRE(f);
    BOOST_TEST(!plan.next_fetch());
    BOOST_TEST((plan.take().what == detail::paging_fsm::step::kind::wait));
    plan.on_page(f->id, page(40, 0, 30, -1));
    auto first = plan.take();
    BOOST_REQUIRE((first.what == detail::paging_fsm::step::kind::page));
    BOOST_TEST(first.page->count == 30);
    BOOST_TEST((plan.take().what == detail::paging_fsm::step::kind::end));
    BOOST_TEST(plan.over());
}

BOOST_AUTO_TEST_CASE(nothing_is_fetched_ahead_without_prefetch_until_the_consumer_waits) {
    auto p = mode(1, 10);
    p.prefetch = 0;
    detail::paging_fsm plan(p, detail::parse_base_url(origin + "/api"));
    BOOST_TEST(!plan.next_fetch());  // nobody waits yet
    BOOST_TEST((plan.take().what == detail::paging_fsm::step::kind::wait));
    auto f = plan.next_fetch();
    BOOST_REQUIRE(f);
    plan.on_page(f->id, page(0, 10, 30, 10));
    BOOST_TEST(!plan.next_fetch());  // landed, not taken: nothing more
    BOOST_TEST((plan.take().what == detail::paging_fsm::step::kind::page));
    BOOST_TEST(!plan.next_fetch());  // taken, but the consumer works on it: still nothing
    BOOST_TEST((plan.take().what == detail::paging_fsm::step::kind::wait));
    BOOST_TEST(plan.next_fetch().has_value());
}

BOOST_AUTO_TEST_CASE(a_stopped_plan_fetches_nothing_and_drops_what_lands) {
    auto p = mode(4, 10);
    detail::paging_fsm plan(p, detail::parse_base_url(origin + "/api"));
    auto f = plan.next_fetch();
    BOOST_REQUIRE(f);
    plan.stop();
    BOOST_TEST(plan.in_flight().size() == 1u);
    plan.on_page(f->id, page(0, 10, 30, 10));
    BOOST_TEST(!plan.next_fetch());
    BOOST_TEST((plan.take().what == detail::paging_fsm::step::kind::end));
    BOOST_TEST(plan.in_flight().empty());
}

// After the shell has started the fetches the plan allowed, the plan says what the consumer gets:
// the step as it was, the step taken again when the fetch landed as it started, and, for a wait
// with nothing in flight (nothing could ever end it), the walk's end with `incomplete_listing`.
BOOST_AUTO_TEST_CASE(after_the_fetches_start_a_wait_with_nothing_in_flight_ends_the_walk_as_incomplete) {
    using kind = detail::paging_fsm::step::kind;
    hub::paging p;
    p.page_size = 10;
    {  // a wait with its fetch in flight stays a wait
        detail::paging_fsm plan(p, detail::parse_base_url(origin + "/api"));
        auto step = plan.take();
        BOOST_TEST((step.what == kind::wait));
        auto f = plan.next_fetch();
        BOOST_REQUIRE(f.has_value());
        BOOST_TEST((plan.after_fetches(std::move(step)).what == kind::wait));
        BOOST_TEST(!plan.over());
    }
    {  // the fetch landed as it started: the page comes now
        detail::paging_fsm plan(p, detail::parse_base_url(origin + "/api"));
        auto step = plan.take();
        auto f = plan.next_fetch();
        BOOST_REQUIRE(f.has_value());
        plan.on_page(f->id, page(0, 3, 3, -1));
        step = plan.after_fetches(std::move(step));
        BOOST_REQUIRE((step.what == kind::page));
        BOOST_TEST(step.page->results.size() == 3u);
    }
    {  // nothing was started and nothing is in flight: the walk ends, an error at its position
        detail::paging_fsm plan(p, detail::parse_base_url(origin + "/api"));
        auto step = plan.after_fetches(plan.take());
        BOOST_REQUIRE((step.what == kind::error));
        try {
            std::rethrow_exception(step.error);
        } catch (const boost::system::system_error& e) {
            BOOST_TEST((e.code() == hub::error::incomplete_listing));
            BOOST_TEST(std::string(e.what()).starts_with("paging: nothing left to fetch: "));
        }
        BOOST_TEST(plan.over());
    }
}

BOOST_AUTO_TEST_SUITE_END()
