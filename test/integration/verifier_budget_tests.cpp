// The token verifier at the Hub's production budgets (DRF: anonymous 100/hour per client
// address, 5000/hour per user), against the emulator's `throttle_options::hub()`, whose counters
// are the oracle of how many Hub calls were made.
#include "fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace test;

namespace {

constexpr std::string_view reads = "/api/tokens/{token}/";

struct budget_fixture : hub_fixture {
    budget_fixture() : hub_fixture(at_hub_rates()) { tokens = server.seed_tokens(username, 151); }

    static emu::server_options at_hub_rates() {
        emu::server_options so;
        so.throttle = emu::throttle_options::hub();
        return so;
    }

    std::vector<std::string> tokens;  // 150 callers' tokens, then the service account's key
};

}  // namespace

BOOST_AUTO_TEST_SUITE(verifier_budget)

// With a key, the reads count against the service account's 5000/hour: 150 new callers in an
// hour are all accepted (without one, the 101st and later were refused).
BOOST_FIXTURE_TEST_CASE(a_verifier_with_a_service_key_accepts_150_new_callers_in_an_hour, budget_fixture) {
    hub::client c{io.get_executor(), options()};
    hub::token_verifier keyed{c, {}, hub::secret{tokens[150]}};
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < 150; ++i)
        if (run(keyed.verify(tokens[i]))) ++accepted;
    BOOST_TEST(accepted == 150u);
    auto s = server.stats();
    BOOST_TEST(s.count("GET", reads) == 150u);
    BOOST_TEST(s.count("GET", reads, 429) == 0u);
    BOOST_TEST(keyed.stats().hub_calls == 150u);
}

// Anonymous, the address's 100/hour: 100 callers accepted, the 101st read is throttled, and
// every new caller after it is refused at once with `error::hub_throttled`, no Hub call made.
BOOST_FIXTURE_TEST_CASE(an_anonymous_verifier_accepts_100_then_refuses_new_callers_at_once_without_a_hub_call,
                        budget_fixture) {
    hub::client c{io.get_executor(), options()};
    hub::token_verifier anonymous{c};
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < 100; ++i)
        if (run(anonymous.verify(tokens[i]))) ++accepted;
    BOOST_TEST(accepted == 100u);

    try {  // the 101st: the Hub's own answer, 429 with its wait (about an hour), not retried
        (void)run(anonymous.verify(tokens[100]));
        BOOST_FAIL("the 101st anonymous read was answered");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 429u);
        BOOST_REQUIRE(e.retry_after());
        BOOST_TEST((*e.retry_after() > std::chrono::minutes(59)));
    }
    auto after_429 = server.stats().count("GET", reads);
    BOOST_TEST(after_429 == 101u);

    for (std::size_t i = 101; i < 150; ++i) {
        BOOST_TEST_CONTEXT("caller " << i) {
            try {
                (void)run(anonymous.verify(tokens[i]));
                BOOST_FAIL("a caller was verified while the Hub throttled the service");
            } catch (const boost::system::system_error& e) {
                BOOST_TEST((e.code() == hub::error::hub_throttled), e.code().message());
                BOOST_TEST(std::string(e.what()).find("no Hub call until") != std::string::npos, e.what());
            }
        }
    }
    auto s = server.stats();
    BOOST_TEST(s.count("GET", reads) == after_429);  // no further Hub call
    BOOST_TEST(s.count("GET", reads, 429) == 1u);
    auto vs = anonymous.stats();
    BOOST_TEST(vs.hub_calls == 101u);
    BOOST_TEST(vs.throttled == 49u);
    // Those already verified are still answered, from the cache.
    BOOST_TEST(run(anonymous.verify(tokens[0])).has_value());
    BOOST_TEST(server.stats().count("GET", reads) == after_429);
}

BOOST_AUTO_TEST_SUITE_END()
