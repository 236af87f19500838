// hub-tokens login: username + password (stdin) or OpenID JWT; the token alone on stdout.
#include "cli_fixture.hpp"

#include <regex>

using namespace test;

namespace {

const std::regex token_line{"[0-9a-f]{64}\n"};

std::string base64url(const std::string& in) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (unsigned char c : in) {
        value = (value << 8) | c;
        bits += 8;
        while (bits >= 6) {
            out += alphabet[(value >> (bits - 6)) & 63];
            bits -= 6;
        }
    }
    if (bits > 0) out += alphabet[(value << (6 - bits)) & 63];
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(login)

BOOST_FIXTURE_TEST_CASE(password_from_stdin_prints_a_64_hex_token_and_nothing_else, cli_fixture) {
    auto r = run({"login", "--username", username}, {}, password + "\n");
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(std::regex_match(r.out, token_line), r.out);
    BOOST_TEST(r.err.empty(), r.err);

    // The token works: it reads back with the id of its first 8 characters.
    auto token = r.out.substr(0, 64);
    auto read = run({"read", token});
    BOOST_TEST_REQUIRE(read.exit_code == 0, describe(read));
    BOOST_TEST(read.out.find("id       " + token.substr(0, 8) + "\n") != std::string::npos, read.out);
}

BOOST_FIXTURE_TEST_CASE(password_without_trailing_newline_and_email_as_username_work, cli_fixture) {
    auto r = run({"login", "-u", "a-user@example.org"}, {}, password);
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(std::regex_match(r.out, token_line), r.out);
}

BOOST_FIXTURE_TEST_CASE(wrong_password_exits_3_with_one_line, cli_fixture) {
    auto r = run({"login", "--username", username}, {}, "not the password\n");
    BOOST_TEST(r.exit_code == 3, describe(r));
    BOOST_TEST(r.out.empty());
    BOOST_TEST(r.err == "hub-tokens: login: Hub answered 403 Forbidden: Incorrect authentication credentials.\n");
}

BOOST_FIXTURE_TEST_CASE(empty_stdin_is_a_usage_error_and_sends_nothing, cli_fixture) {
    auto before = server.stats().requests;
    auto r = run({"login", "--username", username});
    BOOST_TEST(r.exit_code == 2, describe(r));
    BOOST_TEST(r.err.find("no password given") != std::string::npos, r.err);
    BOOST_TEST(server.stats().requests == before);
}

BOOST_AUTO_TEST_CASE(openid_jwt_from_stdin_prints_a_token) {
    cli_fixture f{emu::server_options{.openid_test_audiences = {"cli-tests"}}};
    auto jwt = base64url(R"({"alg":"RS256","typ":"JWT"})") + "." +
               base64url(R"({"iss":"https://accounts.google.com","aud":"cli-tests","email":"a-user@example.org",)"
                         R"("email_verified":true,"exp":4102444800})") +
               "." + base64url("signature");
    auto r = f.run({"login", "--openid", "-"}, {}, jwt + "\n");
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(std::regex_match(r.out, token_line), r.out);
}

BOOST_FIXTURE_TEST_CASE(malformed_openid_jwt_is_a_400_exit_6, cli_fixture) {
    auto r = run({"login", "--openid", "not-a-jwt"});
    BOOST_TEST(r.exit_code == 6, describe(r));
    BOOST_TEST(r.err == "hub-tokens: login: Hub answered 400 Bad Request: Bad token: Not enough segments\n", r.err);
}

BOOST_FIXTURE_TEST_CASE(a_stale_api_key_in_the_environment_does_not_break_login, cli_fixture) {
    auto r = run({"login", "--username", username}, {{"STENCILA_HUB_TOKEN", std::string(64, 'f')}}, password);
    BOOST_TEST(r.exit_code == 0, describe(r));
}

BOOST_AUTO_TEST_SUITE_END()
