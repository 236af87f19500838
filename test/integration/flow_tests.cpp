// The token life cycle through the library, against the emulator: the Hub's own test flows
// (hub-tokens-api.md §7 cases 1-8 and 13-15) and the authorization rules.
#include "fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace test;
using hub::api_error;

namespace {

// Checks that `op` throws an api_error with this status and message.
template <class T>
void expect_api_error(hub_fixture& f, asio::awaitable<T> op, unsigned status, const std::string& message) {
    try {
        f.run(std::move(op));
        BOOST_FAIL("expected an api_error " << status);
    } catch (const api_error& e) {
        BOOST_TEST(e.status() == status);
        BOOST_TEST(e.message() == message);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token_flow)

BOOST_AUTO_TEST_CASE(create_list_read_delete_follow_the_hubs_flow) {
    hub_fixture f;
    hub::client anonymous{f.io.get_executor(), f.options()};
    auto before = std::chrono::system_clock::now();

    // 1. create with username and password
    auto created = f.run(anonymous.tokens().create(hub::password_credentials{username, password}));
    BOOST_TEST(created.user == f.user_id);
    BOOST_TEST(created.username == username);
    BOOST_TEST(created.first_name == "A");
    BOOST_TEST(created.last_name == "User");
    BOOST_TEST(created.token.reveal().size() == 64u);
    BOOST_TEST(created.id == created.token.reveal().substr(0, 8));
    BOOST_TEST((created.created <= std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now())));
    BOOST_REQUIRE(created.expiry);
    BOOST_TEST((*created.expiry > before + std::chrono::hours(24 * 7) - std::chrono::minutes(1)));

    // 2. list with the token as API key
    auto opts = f.options();
    opts.api_key = created.token;
    hub::client authorized{f.io.get_executor(), opts};
    auto page = f.run(authorized.tokens().list());
    BOOST_TEST(page.count == 1);
    BOOST_REQUIRE(page.results.size() == 1u);
    BOOST_TEST(page.results[0].id == created.id);
    BOOST_TEST(!page.next);
    BOOST_TEST(!page.previous);

    // 3. read without auth: same user and created, strictly later expiry
    auto read = f.run(anonymous.tokens().read(created.token));
    BOOST_TEST(read.user == created.user);
    BOOST_TEST(read.id == created.id);
    BOOST_TEST((read.created == created.created));
    BOOST_REQUIRE(read.expiry);
    BOOST_TEST((*read.expiry > *created.expiry));
    auto again = f.run(anonymous.tokens().read(created.token));
    BOOST_TEST((*again.expiry > *read.expiry));

    // 4. delete, then read is 404
    f.run(anonymous.tokens().remove(created.token));
    expect_api_error(f, anonymous.tokens().read(created.token), 404, "Not found.");
}

BOOST_AUTO_TEST_CASE(create_with_email_address_gives_the_real_username) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    auto created = f.run(c.tokens().create(hub::password_credentials{"a-user@example.org", password}));
    BOOST_TEST(created.username == username);
}

BOOST_AUTO_TEST_CASE(create_with_wrong_password_is_403_incorrect_credentials) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    expect_api_error(f, c.tokens().create(hub::password_credentials{"evil", "hackz"}), 403,
                     "Incorrect authentication credentials.");
}

BOOST_AUTO_TEST_CASE(create_without_credentials_or_key_is_rejected_before_io) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    BOOST_CHECK_THROW(f.run(c.tokens().create()), boost::system::system_error);
    BOOST_CHECK_THROW(f.run(c.tokens().create(hub::password_credentials{username, ""})), boost::system::system_error);
    BOOST_TEST(f.server.stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(create_with_openid_garbage_is_400_bad_token) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    expect_api_error(f, c.tokens().create(hub::openid_credentials{"bar"}), 400, "Bad token: Not enough segments");
}

BOOST_AUTO_TEST_CASE(read_and_remove_of_unknown_token_are_404) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    expect_api_error(f, c.tokens().read("foo"), 404, "Not found.");
    expect_api_error(f, c.tokens().remove("foo"), 404, "Not found.");
}

BOOST_AUTO_TEST_CASE(token_with_slash_is_percent_encoded_and_gets_the_html_404) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    try {
        f.run(c.tokens().read("a/b"));
        BOOST_FAIL("expected a 404");
    } catch (const api_error& e) {
        BOOST_TEST(e.status() == 404u);
        BOOST_TEST(e.message().find("HTML") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(create_with_configured_key_and_no_credentials_makes_a_new_token) {
    hub_fixture f;
    auto opts = f.options();
    opts.api_key = f.server.seed_tokens(username, 1).at(0);
    hub::client c{f.io.get_executor(), opts};
    auto created = f.run(c.tokens().create());
    BOOST_TEST(created.username == username);
    BOOST_TEST(!(created.token == opts.api_key));
    BOOST_TEST(f.server.token_count() == 2u);
}

BOOST_AUTO_TEST_CASE(list_pages_with_limit_and_offset) {
    hub_fixture f;
    auto seeded = f.server.seed_tokens(username, 25);
    auto opts = f.options();
    opts.api_key = seeded.front();
    hub::client c{f.io.get_executor(), opts};
    auto page = f.run(c.tokens().list(10, 20));
    BOOST_TEST(page.count == 25);
    BOOST_REQUIRE(page.results.size() == 5u);
    BOOST_TEST(page.results[0].id == seeded[20].substr(0, 8));
    BOOST_TEST(!page.next);
    BOOST_REQUIRE(page.previous);
    BOOST_TEST(page.previous->find("limit=10&offset=10") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(list_without_key_is_403_not_provided) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    expect_api_error(f, c.tokens().list(), 403, "Authentication credentials were not provided.");
}

BOOST_AUTO_TEST_CASE(stale_key_does_not_break_read_remove_or_create_with_credentials) {
    hub_fixture f;
    auto opts = f.options();
    opts.api_key = std::string(64, 'f');  // a key the Hub does not know
    hub::client c{f.io.get_executor(), opts};

    auto created = f.run(c.tokens().create(hub::password_credentials{username, password}));
    auto read = f.run(c.tokens().read(created.token));
    BOOST_TEST(read.id == created.id);
    f.run(c.tokens().remove(created.token));
    // ...while list, which sends the key, is refused as the Hub refuses it.
    expect_api_error(f, c.tokens().list(), 403, "Invalid token.");
}

BOOST_AUTO_TEST_CASE(empty_token_is_rejected_before_any_io) {
    hub_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    try {
        f.run(c.tokens().read(""));
        BOOST_FAIL("expected empty_token");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::empty_token));
    }
    BOOST_TEST(f.server.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(header_values_with_line_breaks_are_rejected_when_the_client_is_made) {
    hub_fixture f;
    for (auto field : {0, 1, 2}) {
        auto opts = f.options();
        if (field == 0) opts.api_key = "abc\r\nX-Injected: yes";
        if (field == 1) opts.user_agent = "agent\nX-Injected: yes";
        if (field == 2) opts.api_key_prefix = std::string("Token\0", 6);
        try {
            hub::client c{f.io.get_executor(), opts};
            BOOST_FAIL("expected invalid_argument for field " << field);
        } catch (const boost::system::system_error& e) {
            BOOST_TEST((e.code() == hub::error::invalid_argument));
            BOOST_TEST(std::string(e.what()).find("Injected") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(expired_token_reads_as_404) {
    hub_fixture f;
    auto token = f.server.seed_tokens(username, 1).at(0);
    f.server.advance_clock(std::chrono::hours(24 * 8));
    hub::client c{f.io.get_executor(), f.options()};
    expect_api_error(f, c.tokens().read(token), 404, "Not found.");
}

BOOST_AUTO_TEST_SUITE_END()
