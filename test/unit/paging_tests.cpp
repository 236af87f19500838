// The paging walk (src/api/walk.cpp) over the fake Hub of paging_fixture.hpp: order, bounds,
// links, errors at their position, listing changes, arguments.
#include "paging_fixture.hpp"


BOOST_FIXTURE_TEST_SUITE(paging, paging_fixture)

BOOST_AUTO_TEST_CASE(follow_walk_yields_every_id_in_order) {
    for (std::int64_t total : {0, 1, 49, 50, 51, 1000}) {
        for (std::int64_t size : {1, 7, 50}) {
            if (total == 1000 && size == 1) continue;  // 1000 round trips add nothing over 51
            BOOST_TEST_CONTEXT("total " << total << ", page size " << size) {
                http = std::make_shared<fake_hub>(total);
                auto r = walk(total, follow(size));
                if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
                BOOST_TEST(r.ids == ids_from(0, total), boost::test_tools::per_element());
                BOOST_TEST(r.offset == total);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(concurrent_walk_yields_every_id_in_order) {
    for (std::int64_t total : {0, 1, 49, 50, 51, 1000}) {
        for (std::int64_t size : {1, 7, 50}) {
            for (std::size_t c : {2u, 4u}) {
                BOOST_TEST_CONTEXT("total " << total << ", page size " << size << ", concurrency " << c) {
                    http = std::make_shared<fake_hub>(total);
                    auto r = walk(total, concurrent(size, c));
                    if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
                    BOOST_TEST(r.ids == ids_from(0, total), boost::test_tools::per_element());
                    BOOST_TEST(r.offset == total);
                }
            }
        }
    }
}

// The transport interface does not promise to suspend: a scripted fake, a cache or an answer at
// hand may complete `exchange` at once, so the fetch lands while the walk is still scheduling it.

// Here the third page (fetched ahead, while the consumer works on the second) lands at once.
BOOST_AUTO_TEST_CASE(follow_walk_goes_on_when_a_prefetched_page_lands_without_suspending) {
    http = std::make_shared<fake_hub>(51);
    http->inline_answers = {3};
    auto r = walk(51, follow(7));
    if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
    BOOST_TEST(r.ids == ids_from(0, 51), boost::test_tools::per_element());
    BOOST_TEST(http->requests.size() == 8u);
}

// Here the first page lands at once, while the consumer is in next() waiting for it. The walk's
// deadline only bounds the test when the walk would otherwise wait for ever.
BOOST_AUTO_TEST_CASE(walk_yields_a_page_that_landed_without_suspending_while_next_waited) {
    for (auto p : {follow(7), concurrent(7, 3)}) {
        BOOST_TEST_CONTEXT("concurrency " << p.concurrency) {
            http = std::make_shared<fake_hub>(51);
            http->answer_inline = true;
            p.deadline = std::chrono::seconds(2);
            auto r = walk(51, p);
            if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
            BOOST_TEST(r.ids == ids_from(0, 51), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(follow_walk_sends_authorized_gets_for_each_page_once) {
    http = std::make_shared<fake_hub>(51);
    auto r = walk(51, follow(7));
    BOOST_REQUIRE(!r.error);
    std::vector<std::string> expected;
    for (std::int64_t o = 0; o < 51; o += 7) expected.push_back(target(7, o));
    BOOST_TEST(http->list_targets() == expected, boost::test_tools::per_element());
    for (const auto& req : http->requests) {
        BOOST_TEST((req.method == detail::http_method::get));
        BOOST_TEST(req.authorize);
        BOOST_TEST(req.body.empty());
    }
}

BOOST_AUTO_TEST_CASE(concurrent_walk_sends_authorized_gets_for_each_offset_once) {
    http = std::make_shared<fake_hub>(100);
    auto r = walk(100, concurrent(7, 4));
    BOOST_REQUIRE(!r.error);
    auto targets = http->list_targets();
    BOOST_REQUIRE(!targets.empty());
    BOOST_TEST(targets.front() == target(7, 0));  // the first page comes alone: it tells `count`
    std::sort(targets.begin(), targets.end());
    std::vector<std::string> expected;
    for (std::int64_t o = 0; o < 100; o += 7) expected.push_back(target(7, o));
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(targets == expected, boost::test_tools::per_element());
    for (const auto& req : http->requests) {
        BOOST_TEST((req.method == detail::http_method::get));
        BOOST_TEST(req.authorize);
    }
}

BOOST_AUTO_TEST_CASE(nothing_is_sent_before_the_first_next) {
    http = std::make_shared<fake_hub>(10);
    auto range = api().all(follow(5));
    io.restart();
    io.run();
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(walk_starts_at_the_offset_and_stops_at_max_items) {
    for (auto p : {follow(7), concurrent(7, 3)}) {
        BOOST_TEST_CONTEXT("concurrency " << p.concurrency) {
            http = std::make_shared<fake_hub>(100);
            p.offset = 10;
            p.max_items = 25;
            auto r = walk(100, p);
            BOOST_REQUIRE(!r.error);
            BOOST_TEST(r.ids == ids_from(10, 35), boost::test_tools::per_element());
            BOOST_TEST(r.offset == 35);
            auto targets = http->list_targets();
            BOOST_REQUIRE(!targets.empty());
            BOOST_TEST(targets.front() == target(7, 10));
            std::sort(targets.begin(), targets.end());
            std::vector<std::string> expected{target(7, 10), target(7, 17), target(7, 24), target(7, 31)};
            std::sort(expected.begin(), expected.end());
            BOOST_TEST(targets == expected, boost::test_tools::per_element());  // no page past max_items
        }
    }
}

BOOST_AUTO_TEST_CASE(walk_with_max_items_past_the_total_yields_the_rest) {
    for (auto p : {follow(50), concurrent(50)}) {
        http = std::make_shared<fake_hub>(60);
        p.offset = 45;
        p.max_items = 1000;
        auto r = walk(60, p);
        BOOST_REQUIRE(!r.error);
        BOOST_TEST(r.ids == ids_from(45, 60), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(walk_with_max_items_zero_yields_nothing) {
    for (auto p : {follow(10), concurrent(10)}) {
        http = std::make_shared<fake_hub>(30);
        p.max_items = 0;
        auto r = walk(30, p);
        BOOST_REQUIRE(!r.error);
        BOOST_TEST(r.ids.empty());
    }
}

BOOST_AUTO_TEST_CASE(walk_from_an_offset_at_or_past_the_end_yields_nothing) {
    for (std::int64_t offset : {20, 25}) {
        for (auto p : {follow(10), concurrent(10)}) {
            BOOST_TEST_CONTEXT("offset " << offset << ", concurrency " << p.concurrency) {
                http = std::make_shared<fake_hub>(20);
                p.offset = offset;
                auto r = walk(20, p);
                BOOST_REQUIRE(!r.error);
                BOOST_TEST(r.ids.empty());
                BOOST_TEST(http->requests.size() == 1u);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(page_range_yields_pages_of_the_page_size_and_a_short_last_one) {
    for (auto p : {follow(7), concurrent(7)}) {
        http = std::make_shared<fake_hub>(30);
        auto sizes = run(page_sizes(api().pages(p)));
        BOOST_TEST(sizes == (std::vector<std::size_t>{7, 7, 7, 7, 2}), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(next_link_to_another_origin_is_not_followed_and_fails_the_walk_after_the_first_page) {
    http = std::make_shared<fake_hub>(30);
    http->next_origin = "https://evil.example";
    auto r = walk(30, follow(10));
    BOOST_TEST(r.ids == ids_from(0, 10), boost::test_tools::per_element());
    BOOST_REQUIRE(r.error);
    BOOST_TEST((error_of(r.error).code() == make_error_code(hub::error::cross_origin_link)));
    // Only the first page was asked for: nothing went to the link's target.
    BOOST_TEST(http->list_targets() == (std::vector<std::string>{target(10, 0)}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(next_link_to_the_same_host_on_another_scheme_or_port_is_not_followed) {
    for (std::string other : {"http://hub.example.org", "https://hub.example.org:8443", "https://hub.example.org.evil.example"}) {
        BOOST_TEST_CONTEXT("next at " << other) {
            http = std::make_shared<fake_hub>(30);
            http->next_origin = other;
            auto r = walk(30, follow(10));
            BOOST_TEST(r.ids == ids_from(0, 10), boost::test_tools::per_element());
            BOOST_REQUIRE(r.error);
            BOOST_TEST((error_of(r.error).code() == make_error_code(hub::error::cross_origin_link)));
            BOOST_TEST(http->requests.size() == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(transport_error_for_a_page_arrives_after_the_items_of_the_pages_before) {
    for (auto p : {follow(10), concurrent(10, 4)}) {
        for (std::int64_t k : {0, 1, 3}) {
            BOOST_TEST_CONTEXT("failing page " << k << ", concurrency " << p.concurrency) {
                http = std::make_shared<fake_hub>(95);
                http->fail_at_offset.emplace(k * 10, system_error(make_error_code(asio::error::connection_reset)));
                auto r = walk(95, p);
                BOOST_TEST(r.ids == ids_from(0, k * 10), boost::test_tools::per_element());
                BOOST_REQUIRE(r.error);
                BOOST_TEST((error_of(r.error).code() == make_error_code(asio::error::connection_reset)));
                BOOST_TEST(r.offset == k * 10);  // a new walk would resume at the failed page
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(api_error_for_a_page_arrives_after_the_items_of_the_pages_before) {
    // The fake answers 400 to a target it does not know; a `next` link with another path gets it.
    http = std::make_shared<fake_hub>(30);
    http->next_origin = origin + "/elsewhere";
    hub::paging p = follow(10);
    http->total = 30;
    auto run_it = [&]() -> asio::awaitable<std::pair<std::vector<std::string>, std::optional<unsigned>>> {
        auto range = api().all(p);
        std::vector<std::string> ids;
        std::optional<unsigned> status;
        try {
            while (auto t = co_await range.next()) ids.push_back(t->id);
        } catch (const hub::api_error& e) {
            status = e.status();
        }
        co_return std::make_pair(ids, status);
    };
    auto [ids, status] = run(run_it());
    BOOST_TEST(ids == ids_from(0, 10), boost::test_tools::per_element());
    BOOST_TEST((status == std::optional<unsigned>(400)));
}

BOOST_AUTO_TEST_CASE(listing_change_is_reported_and_the_walk_goes_on) {
    for (auto p : {follow(10), concurrent(10)}) {
        http = std::make_shared<fake_hub>(30);
        http->count_shift_after_first = 1;
        p.listing_changed = hub::paging::on_change::report;
        auto r = walk(30, p);
        BOOST_TEST(!r.error);
        BOOST_TEST(r.ids == ids_from(0, 30), boost::test_tools::per_element());
        BOOST_TEST(r.changed);
    }
}

BOOST_AUTO_TEST_CASE(listing_change_fails_the_walk_at_the_changed_page) {
    for (auto p : {follow(10), concurrent(10)}) {
        http = std::make_shared<fake_hub>(30);
        http->count_shift_after_first = -1;
        p.listing_changed = hub::paging::on_change::fail;
        auto r = walk(30, p);
        BOOST_TEST(r.ids == ids_from(0, 10), boost::test_tools::per_element());
        BOOST_REQUIRE(r.error);
        BOOST_TEST((error_of(r.error).code() == make_error_code(hub::error::listing_changed)));
        BOOST_TEST(r.changed);
    }
}

BOOST_AUTO_TEST_CASE(listing_change_is_ignored_by_default) {
    http = std::make_shared<fake_hub>(30);
    http->count_shift_after_first = 5;
    auto r = walk(30, follow(10));
    BOOST_TEST(!r.error);
    BOOST_TEST(r.ids == ids_from(0, 30), boost::test_tools::per_element());
    BOOST_TEST(!r.changed);
}

BOOST_AUTO_TEST_CASE(unchanged_listing_is_not_reported) {
    http = std::make_shared<fake_hub>(30);
    auto p = follow(10);
    p.listing_changed = hub::paging::on_change::report;
    auto r = walk(30, p);
    BOOST_TEST(!r.error);
    BOOST_TEST(!r.changed);
}

BOOST_AUTO_TEST_CASE(pages_with_bad_arguments_throw_invalid_argument_at_once) {
    auto a = api();
    hub::paging zero_size;
    zero_size.page_size = 0;
    BOOST_CHECK_EXCEPTION((void)a.pages(zero_size), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_CHECK_EXCEPTION((void)a.all(zero_size), system_error, unit::has_code(hub::error::invalid_argument));
    hub::paging negative_size;
    negative_size.page_size = -5;
    BOOST_CHECK_EXCEPTION((void)a.pages(negative_size), system_error, unit::has_code(hub::error::invalid_argument));
    hub::paging negative_offset;
    negative_offset.offset = -1;
    BOOST_CHECK_EXCEPTION((void)a.pages(negative_offset), system_error, unit::has_code(hub::error::invalid_argument));
    hub::paging no_concurrency;
    no_concurrency.concurrency = 0;
    BOOST_CHECK_EXCEPTION((void)a.pages(no_concurrency), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(pages_without_api_key_throw_invalid_argument_at_once) {
    auto o = test_options();
    o.api_key = hub::secret{};
    auto a = api_over(http, o);
    BOOST_CHECK_EXCEPTION((void)a.pages({}), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_CHECK_EXCEPTION((void)a.all({}), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_SUITE_END()
