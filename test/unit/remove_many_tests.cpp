// remove_many over the fake Hub of paging_fixture.hpp: one result per token, in order.
#include "paging_fixture.hpp"

BOOST_FIXTURE_TEST_SUITE(remove_many, paging_fixture)

BOOST_AUTO_TEST_CASE(remove_many_gives_one_result_per_token_in_input_order) {
    for (std::size_t concurrency : {1u, 3u, 8u}) {
        BOOST_TEST_CONTEXT("concurrency " << concurrency) {
            http = std::make_shared<fake_hub>(0);
            http->delete_status = {{"gone", 404}, {"broken", 500}, {"also-gone", 404}};
            std::vector<hub::secret> tokens{"a", "gone", "broken", "b", "also-gone", "c"};
            auto results = run(remove_all(api(), tokens, concurrency));
            using o = hub::remove_result::outcome;
            BOOST_REQUIRE_EQUAL(results.size(), tokens.size());
            const o expected[] = {o::removed, o::not_found, o::failed, o::removed, o::not_found, o::removed};
            for (std::size_t i = 0; i < results.size(); ++i) {
                BOOST_TEST_CONTEXT("token " << i) {
                    BOOST_TEST((results[i].what == expected[i]));
                    BOOST_TEST(static_cast<bool>(results[i].error) == (expected[i] == o::failed));
                }
            }
            // the failure's error is the Hub's answer: its status, and the answer in full
            BOOST_TEST((results[2].error == boost::system::error_code(500, hub::http_category())));
            BOOST_REQUIRE(results[2].diag.http_error);
            BOOST_TEST(results[2].diag.http_error->status() == 500u);
            BOOST_TEST(results[2].diag.message == "Hub answered 500 Error: Server Error");
            // every token was tried, once, with a DELETE to its own path and no Authorization
            BOOST_TEST(http->requests.size() == tokens.size());
            std::multiset<std::string> targets;
            for (const auto& r : http->requests) {
                BOOST_TEST((r.method == detail::http_method::delete_));
                BOOST_TEST(!r.authorize);
                targets.insert(r.target);
            }
            std::multiset<std::string> expected_targets;
            for (const auto& t : tokens) expected_targets.insert(list_path + t.reveal() + "/");
            BOOST_TEST((targets == expected_targets));
        }
    }
}

BOOST_AUTO_TEST_CASE(remove_many_transport_failure_of_one_token_does_not_stop_the_others) {
    http->delete_throws = {"first"};
    std::vector<hub::secret> tokens{"first", "second", "third"};
    auto results = run(remove_all(api(), tokens, 1));
    using o = hub::remove_result::outcome;
    BOOST_REQUIRE_EQUAL(results.size(), 3u);
    BOOST_TEST((results[0].what == o::failed));
    BOOST_REQUIRE(results[0].error);
    BOOST_TEST((results[0].error == make_error_code(asio::error::connection_reset)));
    BOOST_TEST((results[1].what == o::removed));
    BOOST_TEST((results[2].what == o::removed));
    BOOST_TEST(http->requests.size() == 3u);
}

BOOST_AUTO_TEST_CASE(remove_many_empty_token_fails_alone_without_a_request) {
    std::vector<hub::secret> tokens{"a", "", "b"};
    auto results = run(remove_all(api(), tokens, 2));
    using o = hub::remove_result::outcome;
    BOOST_REQUIRE_EQUAL(results.size(), 3u);
    BOOST_TEST((results[0].what == o::removed));
    BOOST_TEST((results[1].what == o::failed));
    BOOST_REQUIRE(results[1].error);
    BOOST_TEST((results[1].error == make_error_code(hub::error::empty_token)));
    BOOST_TEST(results[1].diag.message == "the token to read or remove is empty: token is empty");
    BOOST_TEST((results[2].what == o::removed));
    BOOST_TEST(http->requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(remove_many_of_nothing_gives_nothing) {
    auto results = run(remove_all(api(), {}, 4));
    BOOST_TEST(results.empty());
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(remove_many_with_zero_concurrency_is_invalid_argument) {
    auto a = api();
    BOOST_CHECK_EXCEPTION(run(remove_all(a, {"a"}, 0)), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_SUITE_END()
