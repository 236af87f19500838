// The paging plan's rules, one scripted server each: no sockets, no executor. The property test
// (paging_property_tests.cpp) checks the same invariant over generated servers.
#include "detail/paging_plan.hpp"
#include "detail/url.hpp"

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

namespace {

const std::string origin = "https://hub.example.org";

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
};

// Runs a walk to its end, answering fetches in the order they were asked for.
outcome run(hub::paging p, const std::function<hub::token_page(std::int64_t limit, std::int64_t offset)>& server) {
    detail::paging_plan plan(p, detail::parse_base_url(origin + "/api"));
    outcome out;
    std::vector<detail::page_fetch> queue;
    for (int steps = 0; steps < 10'000; ++steps) {
        while (auto f = plan.next_fetch()) queue.push_back(std::move(*f));
        auto step = plan.take();
        using kind = detail::paging_plan::step::kind;
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

}  // namespace

BOOST_AUTO_TEST_SUITE(paging_plan)

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
    detail::paging_plan plan(p, detail::parse_base_url(origin + "/api"));
    auto f = plan.next_fetch();
    BOOST_REQUIRE(f);
    BOOST_TEST(!plan.next_fetch());
    BOOST_TEST((plan.take().what == detail::paging_plan::step::kind::wait));
    plan.on_page(f->id, page(40, 0, 30, -1));
    auto first = plan.take();
    BOOST_REQUIRE((first.what == detail::paging_plan::step::kind::page));
    BOOST_TEST(first.page->count == 30);
    BOOST_TEST((plan.take().what == detail::paging_plan::step::kind::end));
    BOOST_TEST(plan.over());
}

BOOST_AUTO_TEST_CASE(nothing_is_fetched_ahead_without_prefetch_until_the_consumer_waits) {
    auto p = mode(1, 10);
    p.prefetch = 0;
    detail::paging_plan plan(p, detail::parse_base_url(origin + "/api"));
    BOOST_TEST(!plan.next_fetch());  // nobody waits yet
    BOOST_TEST((plan.take().what == detail::paging_plan::step::kind::wait));
    auto f = plan.next_fetch();
    BOOST_REQUIRE(f);
    plan.on_page(f->id, page(0, 10, 30, 10));
    BOOST_TEST(!plan.next_fetch());  // landed, not taken: nothing more
    BOOST_TEST((plan.take().what == detail::paging_plan::step::kind::page));
    BOOST_TEST(!plan.next_fetch());  // taken, but the consumer works on it: still nothing
    BOOST_TEST((plan.take().what == detail::paging_plan::step::kind::wait));
    BOOST_TEST(plan.next_fetch().has_value());
}

BOOST_AUTO_TEST_CASE(a_stopped_plan_fetches_nothing_and_drops_what_lands) {
    auto p = mode(4, 10);
    detail::paging_plan plan(p, detail::parse_base_url(origin + "/api"));
    auto f = plan.next_fetch();
    BOOST_REQUIRE(f);
    plan.stop();
    BOOST_TEST(plan.in_flight().size() == 1u);
    plan.on_page(f->id, page(0, 10, 30, 10));
    BOOST_TEST(!plan.next_fetch());
    BOOST_TEST((plan.take().what == detail::paging_plan::step::kind::end));
    BOOST_TEST(plan.in_flight().empty());
}

BOOST_AUTO_TEST_SUITE_END()
