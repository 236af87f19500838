// The error lines tools/README.md shows, produced for real: each documented line (with the
// example's 127.0.0.1:8443 replaced by the test server's address) is exactly what hub-tokens
// prints in that situation. The README is read at run time, so the two cannot drift apart.
#include "cli_fixture.hpp"

#include <fstream>
#include <sstream>


using namespace test;

namespace {

// The lines of the README's first code block after "Every error is one line on stderr".
std::vector<std::string> documented_lines() {
    std::ifstream in(TOOLS_README_PATH);
    std::stringstream all;
    all << in.rdbuf();
    auto text = all.str();
    auto at = text.find("Every error is one line on stderr");
    BOOST_REQUIRE(at != std::string::npos);
    auto open = text.find("```\n", at);
    auto close = text.find("```", open + 4);
    BOOST_REQUIRE(open != std::string::npos && close != std::string::npos);
    return lines_of(text.substr(open + 4, close - open - 4));
}

std::string documented(const std::string& starting_with, const std::string& address) {
    for (auto line : documented_lines()) {
        if (!line.starts_with(starting_with)) continue;
        for (auto pos = line.find("127.0.0.1:8443"); pos != std::string::npos; pos = line.find("127.0.0.1:8443"))
            line.replace(pos, 14, address);
        return line + "\n";
    }
    BOOST_FAIL("tools/README.md shows no line starting with " << starting_with);
    return {};
}

std::string address_of(const std::string& base_url) {  // "https://127.0.0.1:PORT/api" -> "127.0.0.1:PORT"
    auto start = base_url.find("://") + 3;
    return base_url.substr(start, base_url.find('/', start) - start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(documented_messages)

BOOST_FIXTURE_TEST_CASE(not_found, cli_fixture) {
    auto r = run({"read", std::string(64, 'c')});
    BOOST_TEST(r.exit_code == 4, describe(r));
    BOOST_TEST(r.err == documented("hub-tokens: read: Hub answered 404", address_of(server.base_url())));
}

BOOST_FIXTURE_TEST_CASE(invalid_api_token, cli_fixture) {
    auto r = run({"list"}, {{"STENCILA_HUB_TOKEN", std::string(64, 'd')}});
    BOOST_TEST(r.exit_code == 3, describe(r));
    BOOST_TEST(r.err == documented("hub-tokens: list: Hub answered 403", address_of(server.base_url())));
}

BOOST_AUTO_TEST_CASE(connection_refused) {
    auto address = "127.0.0.1:" + std::to_string(closed_port());
    auto r = run_hub_tokens({"read", std::string(64, 'c')}, {{"STENCILA_HUB_URL", "https://" + address + "/api"}});
    BOOST_TEST(r.exit_code == 5, describe(r));
    BOOST_TEST(r.err == documented("hub-tokens: read: GET /tokens/{token}/: connecting to", address));
}

BOOST_AUTO_TEST_CASE(no_answer_before_the_timeout) {
    cli_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).front();
    f.server.inject({.what = emu::fault::kind::stall, .times = 0});
    auto r = f.run({"--timeout", "0.5", "read", token});
    BOOST_TEST(r.exit_code == 5, describe(r));
    BOOST_TEST(r.err == documented("hub-tokens: read: GET /tokens/{token}/: waiting for", address_of(f.server.base_url())));
    BOOST_TEST(r.err.find(token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_answer_that_is_not_json) {
    cli_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).front();
    f.server.inject({.what = emu::fault::kind::malformed_json, .times = 0});
    auto r = f.run({"read", token});
    BOOST_TEST(r.exit_code == 5, describe(r));
    BOOST_TEST(r.err == documented("hub-tokens: read: GET /tokens/{token}/: reading from", address_of(f.server.base_url())));
}

BOOST_AUTO_TEST_CASE(a_listing_past_its_all_timeout) {
    cli_fixture f{with_faults()};
    auto key = f.api_key();
    f.server.inject({.what = emu::fault::kind::latency, .method = "GET", .path_prefix = "/api/tokens/", .times = 0,
                     .delay = std::chrono::milliseconds{5000}});
    auto r = f.run({"list", "--all", "--all-timeout", "1"}, {{"STENCILA_HUB_TOKEN", key}});
    BOOST_TEST(r.exit_code == 5, describe(r));
    BOOST_TEST(r.err == documented("hub-tokens: list: paging: stopped at offset 0", address_of(f.server.base_url())));
    BOOST_TEST(r.out.empty());
}

BOOST_AUTO_TEST_CASE(a_throttled_listing_says_when_to_try_again) {
    emu::server_options so;
    so.throttle.user = {1, std::chrono::seconds{60}};
    cli_fixture f{so};
    auto key = f.api_key();
    auto first = f.run({"list"}, {{"STENCILA_HUB_TOKEN", key}});
    BOOST_TEST(first.exit_code == 0, describe(first));
    auto r = f.run({"list"}, {{"STENCILA_HUB_TOKEN", key}});
    BOOST_TEST(r.exit_code == 6, describe(r));
    BOOST_TEST(r.err == documented("hub-tokens: list: Hub answered 429", address_of(f.server.base_url())));
}

BOOST_AUTO_TEST_SUITE_END()
