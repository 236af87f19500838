// Paging against listings that cap, shorten, lie about `count`, or give `next` links that do not
// follow on. The invariant, in every walk mode: each item at offsets [start, count) comes once and
// in order, or the walk ends with an error where it could not be sure. Never a silent shortfall,
// never a silent repeat; and hub-tokens never exits 0 with fewer rows than `count`.
#include "listing.hpp"
#include "walks.hpp"

#include <random>

using namespace hostile_test;
using hostile::page_plan;
using hostile::page_request;

namespace {

hub::paging with_size(std::int64_t page_size, std::int64_t offset = 0) {
    hub::paging p;
    p.page_size = page_size;
    p.offset = offset;
    return p;
}

bool following(walk_mode m) { return m == walk_mode::all_following || m == walk_mode::pages_following; }

/// A DRF listing of `count` items, with `next` rewritten by `link(request, page)`.
hostile::script drf_with_next(std::int64_t count,
                              std::function<std::optional<std::string>(const page_request&, const page_plan&)> link) {
    return hostile::listing([count, link](const page_request& r) {
        auto page = hostile::drf_page(r, count, count);
        if (page.next) page.next = link(r, page);
        return page;
    });
}

}  // namespace

BOOST_AUTO_TEST_CASE(server_capping_pages_at_10_while_asked_for_100_yields_all_30_in_every_mode) {
    // DRF's max_limit: the page holds 10 items and `next` carries limit=10.
    auto s = hostile::listing([](const page_request& r) { return hostile::drf_page(r, 30, 30, 10); });
    auto keys = secrets::make();
    for (std::int64_t start : {0, 5}) {
        BOOST_TEST_CONTEXT("from offset " << start) {
            auto w = walk_every_way(s, with_size(100, start), keys);
            expect_no_secret(keys, w);
            for (const auto& l : w.by_client) expect_complete(l, start, 30);
            for (const auto& l : w.cli) expect_cli_complete(l, start, 30);
        }
    }
}

BOOST_AUTO_TEST_CASE(random_short_pages_with_consistent_next_links_lose_and_repeat_nothing) {
    static constexpr unsigned seed = 4242;  // fixed: the same pages every run
    auto s = hostile::listing([](const page_request& r) {
        std::mt19937 engine(seed ^ static_cast<unsigned>(r.offset));  // the same page for the same offset
        page_plan p;
        p.count = 30;
        p.first = r.offset;
        auto left = std::max<std::int64_t>(0, 30 - r.offset);
        p.n = left == 0 ? 0 : std::uniform_int_distribution<std::int64_t>(1, std::min(r.limit, left))(engine);
        if (r.offset + p.n < 30) p.next = hostile::listing_link(r.origin, r.limit, r.offset + p.n);
        return p;
    });
    auto keys = secrets::make();
    auto w = walk_every_way(s, with_size(10), keys);
    expect_no_secret(keys, w);
    BOOST_TEST_MESSAGE("page sizes drawn with seed " << seed);
    for (const auto& l : w.by_client) {
        if (following(l.mode)) expect_complete(l, 0, 30);  // the links are right: nothing is missing
        else expect_no_loss_no_repeat(l, 0, 30);
    }
    for (const auto& l : w.cli) expect_cli_no_loss_no_repeat(l, 0, 30);
}

BOOST_AUTO_TEST_CASE(next_link_that_does_not_follow_on_is_invalid_next_link_after_the_items_before_it) {
    using link = std::function<std::optional<std::string>(const page_request&, const page_plan&)>;
    struct variant {
        const char* name;
        link next;
    } cases[] = {
        {"next pointing at the same page",
         [](const page_request& r, const page_plan&) { return hostile::listing_link(r.origin, r.limit, r.offset); }},
        {"next skipping 10 items ahead",
         [](const page_request& r, const page_plan& p) { return hostile::listing_link(r.origin, r.limit, r.offset + p.n + 10); }},
        {"next pointing 5 items back",
         [](const page_request& r, const page_plan& p) { return hostile::listing_link(r.origin, r.limit, r.offset + p.n - 5); }},
    };
    auto keys = secrets::make();
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            auto w = walk_every_way(drf_with_next(40, v.next), with_size(10), keys);
            expect_no_secret(keys, w);
            for (const auto& l : w.by_client) {
                // Every page's link is wrong, the first one's too: a link that disagrees with its
                // page casts doubt on that page's items, so none of them is yielded.
                if (following(l.mode)) expect_error_after(l, 0, 0, hub::error::invalid_next_link);
                else expect_no_loss_no_repeat(l, 0, 40);
            }
            for (const auto& l : w.cli) expect_cli_no_loss_no_repeat(l, 0, 40);
        }
    }
}

BOOST_AUTO_TEST_CASE(next_link_to_another_origin_is_cross_origin_link_and_nothing_goes_there) {
    hostile::server elsewhere{hostile::listing([](const page_request& r) { return hostile::drf_page(r, 30, 30); })};
    auto here_https = [](const page_request& r) {
        return "https://" + r.origin.substr(std::string("http://").size());
    };
    using link = std::function<std::optional<std::string>(const page_request&, const page_plan&)>;
    struct variant {
        const char* name;
        link next;
    } cases[] = {
        {"another port on the same host",
         [&](const page_request& r, const page_plan& p) { return hostile::listing_link(elsewhere.origin(), r.limit, r.offset + p.n); }},
        {"the same host and port over https",
         [&](const page_request& r, const page_plan& p) { return hostile::listing_link(here_https(r), r.limit, r.offset + p.n); }},
        {"a host name for the same address",
         [&](const page_request& r, const page_plan& p) {
             return hostile::listing_link("http://localhost:" + r.origin.substr(r.origin.rfind(':') + 1), r.limit, r.offset + p.n);
         }},
        {"userinfo before the host",
         [&](const page_request& r, const page_plan& p) {
             return hostile::listing_link("http://user:pw@" + elsewhere.host_port(), r.limit, r.offset + p.n);
         }},
    };
    auto keys = secrets::make();
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            auto w = walk_every_way(drf_with_next(30, v.next), with_size(10), keys);
            expect_no_secret(keys, w);
            for (const auto& l : w.by_client) {
                if (following(l.mode)) expect_error_after(l, 0, 10, hub::error::cross_origin_link);
                else expect_no_loss_no_repeat(l, 0, 30);
            }
            for (const auto& l : w.cli) expect_cli_no_loss_no_repeat(l, 0, 30);
        }
    }
    BOOST_TEST(elsewhere.connections() == 0u, "a request (with the API key) went to another origin");
}

BOOST_AUTO_TEST_CASE(listing_that_ends_before_its_count_is_incomplete_listing_after_the_items_it_had) {
    struct variant {
        const char* name;
        std::int64_t count, held, page_size;
    } cases[] = {
        {"a short last page with next: null, count 30, 25 held", 30, 25, 10},
        {"an empty page with a next link, count 40, 25 held", 40, 25, 5},
        {"count 2^62, 10 held", std::int64_t{1} << 62, 10, 10},
    };
    auto keys = secrets::make();
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            auto s = hostile::listing([v](const page_request& r) { return hostile::drf_page(r, v.count, v.held); });
            // A walk that does not see the listing has ended walks forever here: a short guard.
            auto w = walk_every_way(s, with_size(v.page_size), keys, true, 5s);
            expect_no_secret(keys, w);
            for (const auto& l : w.by_client) expect_error_after(l, 0, v.held, hub::error::incomplete_listing);
            for (const auto& l : w.cli) expect_cli_failure(l, 5);
        }
    }
}

BOOST_AUTO_TEST_CASE(empty_pages_with_next_links_past_count_end_the_walk_cleanly_at_count) {
    auto s = hostile::listing([](const page_request& r) {
        auto page = hostile::drf_page(r, 30, 30);
        page.next = hostile::listing_link(r.origin, r.limit, r.offset + r.limit);  // never null
        return page;
    });
    auto keys = secrets::make();
    auto w = walk_every_way(s, with_size(10), keys);
    expect_no_secret(keys, w);
    for (const auto& l : w.by_client) {
        expect_complete(l, 0, 30);
        BOOST_TEST(l.requests <= 4u, name_of(l.mode) << " asked past count: " << l.requests << " requests");
    }
    for (const auto& l : w.cli) expect_cli_complete(l, 0, 30);
}

BOOST_AUTO_TEST_CASE(count_changing_between_pages_never_repeats_or_reorders_and_fails_when_asked) {
    struct variant {
        const char* name;
        std::int64_t before, after;
    } cases[] = {{"5 tokens created at the end", 30, 35}, {"the last 5 tokens deleted", 30, 25}};
    auto keys = secrets::make();
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            auto s = hostile::listing([v](const page_request& r) {
                auto n = r.raw->index == 1 ? v.before : v.after;
                return hostile::drf_page(r, n, n);
            });
            auto w = walk_every_way(s, with_size(10), keys);
            expect_no_secret(keys, w);
            for (const auto& l : w.by_client) {
                // Every item yielded is the one at its offset; unless the walk ends with an error,
                // the items that existed all along all came (the listing only changed at its end).
                expect_in_order(l, 0);
                BOOST_TEST((!l.result.ok() || l.ids.size() >= static_cast<std::size_t>(std::min(v.before, v.after))),
                           name_of(l.mode) << ": " << l.ids.size() << " items");
            }
            for (const auto& l : w.cli) {
                if (!l.run || l.run->exit_code != 0) {
                    if (l.run) BOOST_TEST(l.run->exit_code == 5, describe(*l.run));
                    continue;
                }
                // Exit 0: every row the count it printed promises, in order.
                BOOST_TEST((l.form != "json" || (l.count && l.ids == ids_of(0, *l.count))),
                           "exit 0 with " << l.ids.size() << " rows and count " << l.count.value_or(-1));
                BOOST_TEST((l.ids == ids_of(0, static_cast<std::int64_t>(l.ids.size()))));
            }

            auto p = with_size(10);
            p.listing_changed = hub::paging::on_change::fail;
            auto failing = walk_every_way(s, p, keys, false);
            for (const auto& l : failing.by_client) expect_error_after(l, 0, 10, hub::error::listing_changed);
        }
    }
}

BOOST_AUTO_TEST_CASE(server_ignoring_offset_is_never_read_as_more_items) {
    // Every request gets the first page, with links that look right: following them, or asking by
    // offset, gives items 0..9 again and again.
    auto s = hostile::listing([](const page_request& r) {
        auto page = hostile::drf_page(r, 30, 30);
        page.first = 0;
        page.n = std::min<std::int64_t>(r.limit, 30);
        return page;
    });
    auto keys = secrets::make();
    auto w = walk_every_way(s, with_size(10), keys);
    expect_no_secret(keys, w);
    for (const auto& l : w.by_client) {
        expect_no_loss_no_repeat(l, 0, 30);
        BOOST_TEST(!l.result.ok(), name_of(l.mode) << " ended without an error");
    }
    for (const auto& l : w.cli) expect_cli_failure(l, 5);
}

BOOST_AUTO_TEST_CASE(server_ignoring_limit_and_sending_more_items_loses_and_repeats_nothing) {
    auto s = hostile::listing([](const page_request& r) {
        page_request more = r;
        more.limit = 25;  // whatever was asked
        return hostile::drf_page(more, 60, 60);
    });
    auto keys = secrets::make();
    auto w = walk_every_way(s, with_size(10), keys);
    expect_no_secret(keys, w);
    for (const auto& l : w.by_client) {
        if (following(l.mode)) expect_complete(l, 0, 60);
        else expect_no_loss_no_repeat(l, 0, 60);
    }
    for (const auto& l : w.cli) expect_cli_no_loss_no_repeat(l, 0, 60);
}
