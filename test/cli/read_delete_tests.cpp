// hub-tokens read and delete: details of one token; deleting it; 404s.
#include "cli_fixture.hpp"

#include <boost/json/parse.hpp>

using namespace test;

BOOST_AUTO_TEST_SUITE(read_and_delete)

BOOST_FIXTURE_TEST_CASE(read_prints_the_details, cli_fixture) {
    auto token = server.seed_tokens(username, 1).front();
    auto r = run({"read", token});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(r.err.empty(), r.err);
    auto lines = lines_of(r.out);
    BOOST_TEST_REQUIRE(lines.size() == 4u, r.out);
    BOOST_TEST(lines[0] == "id       " + token.substr(0, 8));
    BOOST_TEST(lines[1] == "user     " + std::to_string(user_id));
    BOOST_TEST(lines[2].starts_with("created  20"));
    BOOST_TEST(lines[3].starts_with("expiry   20"));
    BOOST_TEST(r.out.find(token) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(read_json_and_from_stdin, cli_fixture) {
    auto token = server.seed_tokens(username, 1).front();
    auto r = run({"read", "-", "--json"}, {}, token + "\n");
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    auto v = boost::json::parse(r.out);
    BOOST_TEST(v.at("id").as_string() == token.substr(0, 8));
    BOOST_TEST(v.at("user").as_int64() == user_id);
    BOOST_TEST(v.at("expiry").is_string());
}

BOOST_FIXTURE_TEST_CASE(read_works_with_a_stale_api_key_in_the_environment, cli_fixture) {
    auto token = server.seed_tokens(username, 1).front();
    auto r = run({"read", token}, {{"STENCILA_HUB_TOKEN", std::string(64, '0')}});
    BOOST_TEST(r.exit_code == 0, describe(r));
}

BOOST_FIXTURE_TEST_CASE(read_of_an_unknown_token_exits_4_without_echoing_it, cli_fixture) {
    std::string unknown(64, 'b');
    auto r = run({"read", unknown});
    BOOST_TEST(r.exit_code == 4, describe(r));
    BOOST_TEST(r.out.empty());
    BOOST_TEST(r.err == "hub-tokens: read: Hub answered 404 Not Found: Not found.\n");
}

BOOST_FIXTURE_TEST_CASE(read_of_an_expired_token_exits_4, cli_fixture) {
    auto token = server.seed_tokens(username, 1).front();
    server.advance_clock(std::chrono::hours{24 * 8});
    auto r = run({"read", token});
    BOOST_TEST(r.exit_code == 4, describe(r));
}

BOOST_FIXTURE_TEST_CASE(delete_then_read_exits_4, cli_fixture) {
    auto tokens = server.seed_tokens(username, 2);
    auto d = run({"delete", tokens[0]});
    BOOST_TEST_REQUIRE(d.exit_code == 0, describe(d));
    BOOST_TEST(d.out == "deleted token " + tokens[0].substr(0, 8) + "\n");
    BOOST_TEST(server.token_count() == 1u);

    auto r = run({"read", tokens[0]});
    BOOST_TEST(r.exit_code == 4, describe(r));
    auto again = run({"delete", tokens[0]});
    BOOST_TEST(again.exit_code == 4, describe(again));
    BOOST_TEST(again.err == "hub-tokens: delete: Hub answered 404 Not Found: Not found.\n");

    // The other token is untouched; delete also reads its token from stdin.
    BOOST_TEST(run({"read", tokens[1]}).exit_code == 0);
    auto piped = run({"delete", "-"}, {}, tokens[1] + "\n");
    BOOST_TEST(piped.exit_code == 0, describe(piped));
    BOOST_TEST(server.token_count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_token_that_matches_no_route_is_a_404_too, cli_fixture) {
    auto r = run({"read", "a.b/c"});  // the Hub's HTML 404 page
    BOOST_TEST(r.exit_code == 4, describe(r));
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
}

BOOST_FIXTURE_TEST_CASE(an_empty_token_is_rejected_before_any_request, cli_fixture) {
    auto r = run({"read", ""});
    BOOST_TEST(r.exit_code == 2, describe(r));
    BOOST_TEST(server.stats().requests == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
