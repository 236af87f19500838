// hub-tokens list: one page or every page, as JSON or an aligned table.
#include "cli_fixture.hpp"

#include <boost/json/parse.hpp>

#include <set>

using namespace test;
namespace json = boost::json;

namespace {

std::vector<std::string> ids_of(const std::vector<std::string>& secrets, std::size_t from = 0,
                                std::size_t n = std::string::npos) {
    std::vector<std::string> ids;
    for (std::size_t i = from; i < secrets.size() && ids.size() < n; ++i) ids.push_back(secrets[i].substr(0, 8));
    return ids;
}

std::vector<std::string> json_ids(const json::value& v) {
    std::vector<std::string> ids;
    for (const auto& t : v.at("results").as_array()) ids.emplace_back(t.at("id").as_string());
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(list)

BOOST_FIXTURE_TEST_CASE(json_gives_the_count_and_the_ids_in_order, cli_fixture) {
    auto secrets = server.seed_tokens(username, 5);
    auto r = run({"list", "--json"}, {{"STENCILA_HUB_TOKEN", secrets[0]}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(r.err.empty(), r.err);
    auto v = json::parse(r.out);
    BOOST_TEST(v.at("count").as_int64() == 5);
    BOOST_TEST(json_ids(v) == ids_of(secrets), boost::test_tools::per_element());
    const auto& first = v.at("results").at(0);
    BOOST_TEST(first.at("user").as_int64() == user_id);
    BOOST_TEST(first.at("created").as_string().ends_with("Z"));
    BOOST_TEST(first.at("expiry").is_string());
    // Never a token value.
    for (const auto& s : secrets) BOOST_TEST(r.out.find(s) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(limit_and_offset_select_a_page, cli_fixture) {
    auto secrets = server.seed_tokens(username, 10);
    auto r = run({"list", "--limit", "3", "--offset=4", "--json"}, {{"STENCILA_HUB_TOKEN", secrets[0]}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    auto v = json::parse(r.out);
    BOOST_TEST(v.at("count").as_int64() == 10);
    BOOST_TEST(v.at("offset").as_int64() == 4);
    BOOST_TEST(json_ids(v) == ids_of(secrets, 4, 3), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(table_has_aligned_columns, cli_fixture) {
    auto secrets = server.seed_tokens(username, 3);
    auto r = run({"list"}, {{"STENCILA_HUB_TOKEN", secrets[0]}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    auto lines = lines_of(r.out);
    BOOST_TEST_REQUIRE(lines.size() == 4u, r.out);
    const auto& header = lines[0];
    BOOST_TEST(header.starts_with("ID"));
    std::vector<std::size_t> columns;
    for (const char* name : {"ID", "USER", "CREATED", "EXPIRY"}) {
        auto at = header.find(name);
        BOOST_TEST_REQUIRE(at != std::string::npos, header);
        columns.push_back(at);
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto& line = lines[i];
        BOOST_TEST(line.substr(0, 8) == secrets[i - 1].substr(0, 8));
        for (std::size_t c = 1; c < columns.size(); ++c) {
            BOOST_TEST_REQUIRE(line.size() > columns[c], line);
            BOOST_TEST(line[columns[c] - 1] == ' ', line);  // each cell starts exactly under its header
            BOOST_TEST(line[columns[c]] != ' ', line);
        }
        BOOST_TEST(line.substr(columns[1], std::to_string(user_id).size()) == std::to_string(user_id));
        BOOST_TEST(line.back() != ' ');
    }
}

BOOST_FIXTURE_TEST_CASE(all_walks_every_page, cli_fixture) {
    auto secrets = server.seed_tokens(username, 250);
    auto r = run({"list", "--all", "--page-size", "40", "--json"}, {{"STENCILA_HUB_TOKEN", secrets[0]}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(r.err.empty(), "no progress line when stderr is not a terminal: " << r.err);
    auto v = json::parse(r.out);
    BOOST_TEST(v.at("count").as_int64() == 250);
    auto ids = json_ids(v);
    BOOST_TEST(ids == ids_of(secrets), boost::test_tools::per_element());

    // The table too, with the default page size: a header and 250 rows.
    auto table = run({"list", "--all"}, {{"STENCILA_HUB_TOKEN", secrets[0]}});
    BOOST_TEST_REQUIRE(table.exit_code == 0, describe(table));
    BOOST_TEST(lines_of(table.out).size() == 251u);
}

BOOST_FIXTURE_TEST_CASE(all_from_an_offset_lists_the_rest, cli_fixture) {
    auto secrets = server.seed_tokens(username, 30);
    auto r = run({"list", "--all", "--offset", "25", "--page-size", "2", "--json"}, {{"STENCILA_HUB_TOKEN", secrets[0]}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(json_ids(json::parse(r.out)) == ids_of(secrets, 25), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(empty_listing_prints_the_header_only, cli_fixture) {
    auto key = api_key();
    auto r = run({"list", "--offset", "5"}, {{"STENCILA_HUB_TOKEN", key}});
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(lines_of(r.out).size() == 1u, r.out);
}

BOOST_FIXTURE_TEST_CASE(without_an_api_key_is_a_usage_error_and_sends_nothing, cli_fixture) {
    auto r = run({"list"});
    BOOST_TEST(r.exit_code == 2, describe(r));
    BOOST_TEST(r.err.find("STENCILA_HUB_TOKEN") != std::string::npos, r.err);
    BOOST_TEST(server.stats().requests == 0u);
}

BOOST_FIXTURE_TEST_CASE(bad_api_key_exits_3_and_is_never_echoed, cli_fixture) {
    for (std::string key : {std::string("not-a-valid-key-7c1f9e"), std::string(64, 'a'), std::string("Token x y")}) {
        for (bool all : {false, true}) {
            std::vector<std::string> args{"list"};
            if (all) args.push_back("--all");
            auto r = run(args, {{"STENCILA_HUB_TOKEN", key}});
            BOOST_TEST(r.exit_code == 3, describe(r));
            BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
            BOOST_TEST(r.err.starts_with("hub-tokens: list: Hub answered 403 Forbidden: Invalid token"), r.err);
            BOOST_TEST(r.err.find(key) == std::string::npos, r.err);
            BOOST_TEST(r.out.find(key) == std::string::npos, r.out);
        }
    }
}

BOOST_FIXTURE_TEST_CASE(an_expired_api_key_exits_3, cli_fixture) {
    auto key = api_key();
    server.advance_clock(std::chrono::hours{24 * 8});
    auto r = run({"list", "--json"}, {{"STENCILA_HUB_TOKEN", key}});
    BOOST_TEST(r.exit_code == 3, describe(r));
    BOOST_TEST(r.err.find(key) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
