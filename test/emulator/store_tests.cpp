// The store and the pure helpers: hashing, clock, paging arithmetic, datetime format.
#include "json_out.hpp"
#include "pagination.hpp"
#include "store.hpp"

#include <boost/test/unit_test.hpp>

using namespace stencila::hub::emulator;
using namespace stencila::hub::emulator::detail;

BOOST_AUTO_TEST_SUITE(store_rules)

BOOST_AUTO_TEST_CASE(store_keeps_salt_and_digest_never_the_token) {
    store s;
    s.add_user({.username = "sam", .password = "sam", .email = "", .first_name = "", .last_name = ""});
    auto tokens = s.seed_tokens("sam", 20);
    for (const auto& t : tokens) {
        BOOST_TEST(t.size() == 64u);
        BOOST_TEST(t.find_first_not_of("0123456789abcdef") == std::string::npos);
        BOOST_TEST(!s.stores_secret_in_clear(t));
    }
    token_view v;
    BOOST_TEST(s.retrieve(tokens[3], false, v));
    BOOST_TEST(std::string(v.id.data(), 8) == tokens[3].substr(0, 8));
}

// PostgreSQL's physical order: a token whose stored expiry is pushed (a read, an authenticated
// request; at most once per 60 s, as knox saves it) moves to the end of its owner's list.
BOOST_AUTO_TEST_CASE(updated_last_moves_a_refreshed_token_to_the_end_and_stable_does_not) {
    for (bool updated_last : {false, true}) {
        BOOST_TEST_CONTEXT("updated_last " << updated_last) {
            store s(true, updated_last);
            s.add_user({.username = "sam", .password = "sam", .email = "", .first_name = "", .last_name = ""});
            auto tokens = s.seed_tokens("sam", 5);
            auto order = [&] {
                std::vector<token_view> page;
                s.list(1, 0, 10, page);
                std::string ids;
                for (const auto& v : page) {
                    for (std::size_t i = 0; i < tokens.size(); ++i)
                        if (tokens[i].compare(0, 8, v.id.data(), 8) == 0) ids += std::to_string(i);
                }
                return ids;
            };
            token_view v;
            BOOST_REQUIRE(s.retrieve(tokens[1], false, v));
            BOOST_TEST(order() == "01234");  // within 60 s of its creation: not saved, not moved
            s.advance_clock(61'000'000);
            BOOST_REQUIRE(s.retrieve(tokens[1], false, v));
            BOOST_TEST(order() == (updated_last ? "02341" : "01234"));
            BOOST_TEST((s.authenticate(tokens[2]).status == auth_status::ok));  // knox refreshes the key used
            BOOST_TEST(order() == (updated_last ? "03412" : "01234"));
            BOOST_TEST((s.authenticate(tokens[2]).status == auth_status::ok));  // again within 60 s: nothing saved
            BOOST_TEST(order() == (updated_last ? "03412" : "01234"));
        }
    }
}

BOOST_AUTO_TEST_CASE(clock_is_strictly_increasing) {
    store s;
    micros last = s.now();
    for (int i = 0; i < 10000; ++i) {
        micros t = s.now();
        BOOST_REQUIRE_GT(t, last);
        last = t;
    }
}

BOOST_AUTO_TEST_CASE(datetime_drops_fraction_only_when_microseconds_are_zero) {
    std::string out;
    append_datetime(out, 1'795'817'017'713'379LL);
    BOOST_TEST(out == "\"2026-11-27T22:03:37.713379Z\"");
    out.clear();
    append_datetime(out, 1'795'817'015'000'000LL);
    BOOST_TEST(out == "\"2026-11-27T22:03:35Z\"");
    out.clear();
    append_datetime(out, 1'795'817'015'000'010LL);
    BOOST_TEST(out == "\"2026-11-27T22:03:35.000010Z\"");
}

BOOST_AUTO_TEST_CASE(python_int_rules) {
    BOOST_TEST(python_int(" +5 ").value() == 5);
    BOOST_TEST(python_int("1_0").value() == 10);
    BOOST_TEST(python_int("-3").value() == -3);
    BOOST_TEST(!python_int("1.5"));
    BOOST_TEST(!python_int("abc"));
    BOOST_TEST(!python_int(""));
    BOOST_TEST(!python_int("1__0"));
}

BOOST_AUTO_TEST_CASE(quote_plus_matches_python) {
    std::string out;
    append_quote_plus(out, "bar baz/é~");
    BOOST_TEST(out == "bar+baz%2F%C3%A9~");
}

BOOST_AUTO_TEST_SUITE_END()
