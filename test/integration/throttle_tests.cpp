// The Hub's throttle, as the emulator models it (DRF's rates, a 429 without Retry-After whose
// message names the wait): the client reads the wait from the message and treats it as a
// Retry-After, within its deadline, or fails at once with the wait known.
#include "fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace test;
using namespace std::chrono_literals;

namespace {

emu::server_options throttled(unsigned per, std::chrono::seconds period) {
    emu::server_options so;
    so.throttle.user = {per, period};
    return so;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(throttle)

BOOST_AUTO_TEST_CASE(a_throttled_call_that_fits_its_deadline_waits_as_the_message_says_and_is_served) {
    hub_fixture f{throttled(1, 1s)};
    auto key = f.server.seed_tokens(username, 1).at(0);
    auto o = f.options();
    o.api_key = key;
    hub::client c{f.io.get_executor(), o};
    (void)f.run(c.tokens().list());  // the one request of this second
    auto before = f.server.stats().requests;
    auto start = std::chrono::steady_clock::now();
    auto page = f.run(c.tokens().list());  // 429 "Expected available in 1 second.", then served
    auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(page.count == 1);
    BOOST_TEST(f.server.stats().requests - before == 2u);
    BOOST_TEST((took >= 900ms));  // it waited (DRF rounds the wait up to whole seconds)
    BOOST_TEST(c.call_stats().retries_status == 1u);
}

BOOST_AUTO_TEST_CASE(a_throttled_call_that_cannot_wait_that_long_fails_at_once_with_the_wait_known) {
    hub_fixture f{throttled(1, 60s)};
    auto key = f.server.seed_tokens(username, 1).at(0);
    auto o = f.options();
    o.api_key = key;
    o.timeouts.request = 5s;
    hub::client c{f.io.get_executor(), o};
    (void)f.run(c.tokens().list());
    auto start = std::chrono::steady_clock::now();
    try {
        (void)f.run(c.tokens().list());
        BOOST_FAIL("no error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 429u);
        BOOST_TEST(!e.header("Retry-After"));  // as the Hub: no header, only the message
        BOOST_TEST(e.message() == "Request was throttled. Expected available in 60 seconds.");
        BOOST_REQUIRE(e.retry_after());
        BOOST_TEST((*e.retry_after() == 60s));
    }
    auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST((took < 3s));  // at once, not after 5 s or 60 s
}

// A stated wait is a floor: with max_retry_after 3 s and a 30 s wait (well within the deadline),
// retrying after 3 s would be throttled again (it was: three 429s in 6 s). One request, then the
// error at once.
BOOST_AUTO_TEST_CASE(a_stated_wait_above_max_retry_after_is_not_shortened_the_call_fails_after_one_request) {
    hub_fixture f{throttled(1, 30s)};
    auto key = f.server.seed_tokens(username, 1).at(0);
    auto o = f.options();
    o.api_key = key;
    o.timeouts.request = 60s;
    o.retry.max_retry_after = 3s;
    hub::client c{f.io.get_executor(), o};
    (void)f.run(c.tokens().list());
    auto before = f.server.stats().requests;
    auto start = std::chrono::steady_clock::now();
    try {
        (void)f.run(c.tokens().list());
        BOOST_FAIL("no error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 429u);
        BOOST_REQUIRE(e.retry_after());
        BOOST_TEST((*e.retry_after() > 3s));  // the Hub's wait (about 30 s), as it said
    }
    BOOST_TEST(f.server.stats().requests - before == 1u);  // no retry into the throttle
    BOOST_TEST(c.call_stats().retries_status == 0u);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 2500ms));  // not after max_retry_after
}

BOOST_AUTO_TEST_SUITE_END()
