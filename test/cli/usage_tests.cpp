// The command line: help, version, and usage errors (exit 2, with the usage line).
#include "cli_fixture.hpp"

using namespace test;

BOOST_AUTO_TEST_SUITE(usage)

BOOST_AUTO_TEST_CASE(help_for_the_tool_and_each_command_exits_0) {
    const std::vector<std::vector<std::string>> invocations = {
        {"--help"}, {"-h"}, {"help"},
        {"login", "--help"}, {"list", "--help"}, {"read", "--help"}, {"delete", "--help"},
        {"help", "list"}, {"list", "-h", "--bogus"}, {"--url", "https://x.invalid/api", "read", "--help"}};
    for (const auto& args : invocations) {
        auto r = run_hub_tokens(args);
        BOOST_TEST(r.exit_code == 0, describe(r));
        BOOST_TEST(r.out.starts_with("usage: hub-tokens"), r.out);
        BOOST_TEST(r.out.find("Exit status:") != std::string::npos);
        BOOST_TEST(r.err.empty(), r.err);
    }
    auto list = run_hub_tokens({"list", "--help"});
    for (const char* option : {"--limit", "--offset", "--all", "--json", "--url", "--ca-file", "--insecure", "--timeout"})
        BOOST_TEST(list.out.find(option) != std::string::npos, option);
    BOOST_TEST(run_hub_tokens({"login", "--help"}).out.find("--username") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(version_exits_0) {
    auto r = run_hub_tokens({"--version"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.starts_with("hub-tokens "), r.out);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_the_usage_line) {
    struct expectation {
        std::vector<std::string> args;
        std::string first_line;
        std::string usage_of;
    };
    const std::vector<expectation> cases = {
        {{}, "hub-tokens: missing COMMAND", ""},
        {{"frobnicate"}, "hub-tokens: unknown command 'frobnicate'", ""},
        {{"--bogus"}, "hub-tokens: unrecognised option '--bogus'", ""},
        {{"list", "--bogus"}, "hub-tokens: list: unrecognised option '--bogus'", "list"},
        {{"list", "--limit", "abc"}, "hub-tokens: list: the argument ('abc') for option '--limit' is invalid", "list"},
        {{"list", "--limit", "0"}, "hub-tokens: list: --limit must be at least 1", "list"},
        {{"list", "--all", "--limit", "5"}, "hub-tokens: list: --all lists every token: leave out --limit", "list"},
        {{"read"}, "hub-tokens: read: missing TOKEN", "read"},
        {{"delete", "a", "b"}, "hub-tokens: delete: expected one TOKEN, got 2", "delete"},
        {{"login"}, "hub-tokens: login: give --username NAME or --openid JWT", "login"},
        {{"login", "-u", "x", "--openid", "y"}, "hub-tokens: login: give either --username or --openid, not both", "login"},
        {{"--timeout", "-1", "read", "x"}, "hub-tokens: read: --timeout must be between 0 and 86400 seconds", "read"},
        {{"read", "x", "--url"}, "hub-tokens: read: the required argument for option '--url' is missing", "read"},
    };
    for (const auto& c : cases) {
        auto r = run_hub_tokens(c.args);
        BOOST_TEST(r.exit_code == 2, describe(r));
        BOOST_TEST(r.out.empty());
        auto lines = lines_of(r.err);
        BOOST_TEST_REQUIRE(lines.size() == 3u, r.err);
        BOOST_TEST(lines[0] == c.first_line);
        BOOST_TEST(lines[1].starts_with("usage: hub-tokens " + c.usage_of), lines[1]);
    }
}

BOOST_AUTO_TEST_CASE(global_options_go_before_or_after_the_command) {
    // Both reach the (closed) URL rather than failing to parse.
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--url", "http://127.0.0.1:1/api", "--timeout", "5", "read", "x"},
             {"read", "x", "--timeout=5", "--url", "http://127.0.0.1:1/api"}}) {
        auto r = run_hub_tokens(args);
        BOOST_TEST(r.exit_code == 5, describe(r));
    }
}

BOOST_AUTO_TEST_CASE(an_unusable_url_exits_2) {
    auto r = run_hub_tokens({"read", "x"}, {{"STENCILA_HUB_URL", "ftp://example.org/api"}});
    BOOST_TEST(r.exit_code == 2, describe(r));
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
    BOOST_TEST(r.err.find("invalid base URL") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(an_unreadable_ca_file_exits_2) {
    auto r = run_hub_tokens({"--ca-file", "/nonexistent/ca.pem", "read", "x"});
    BOOST_TEST(r.exit_code == 2, describe(r));
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
