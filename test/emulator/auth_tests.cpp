// §4.2: the Authorization header catalogue, on the list endpoint and on the others.
#include "fixture.hpp"

namespace {
std::string base64(std::string_view in) {
    static constexpr char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (unsigned char c : in) {
        v = (v << 8) | c;
        bits += 8;
        while (bits >= 6) { bits -= 6; out.push_back(a[(v >> bits) & 63]); }
    }
    if (bits) out.push_back(a[(v << (6 - bits)) & 63]);
    while (out.size() % 4) out.push_back('=');
    return out;
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(authorization, hub_fixture)

BOOST_AUTO_TEST_CASE(token_scheme_is_case_insensitive) {
    auto t = create_token();
    BOOST_TEST(get("/api/tokens/", {{"Authorization", "token " + t}}).status == 200u);
    BOOST_TEST(get("/api/tokens/", {{"Authorization", "TOKEN " + t}}).status == 200u);
}

BOOST_AUTO_TEST_CASE(unknown_scheme_is_anonymous) {
    auto t = create_token();
    auto r = get("/api/tokens/", {{"Authorization", "Bearer " + t}});
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.body == R"({"message":"Authentication credentials were not provided."})");
    BOOST_TEST(get("/api/tokens/" + t + "/", {{"Authorization", "Bearer junk"}}).status == 200u);
}

BOOST_AUTO_TEST_CASE(header_error_catalogue_gives_403_with_exact_messages) {
    auto t = create_token();
    const std::pair<std::string, std::string> rows[] = {
        {"Token fake-token", "Invalid token."},
        {"Token 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Invalid token."},
        {"Token", "Invalid token header. No credentials provided."},
        {"Token a b", "Invalid token header. Token string should not contain spaces."},
        {"Basic", "Invalid Basic authorization header. No credentials provided."},
        {"Basic too many parts", "Invalid Basic authorization header. Credentials string should not contain spaces."},
        {"Basic //////", "Invalid Basic authorization header. Credentials not correctly base64 encoded."},
        {"Basic " + base64("sam:sam"), "Basic authorization with a password is not allowed; use an API token instead."},
        {"Basic " + base64("fake-token"), "Invalid token."},
    };
    for (const auto& [header, message] : rows) {
        for (const auto& r : {get("/api/tokens/", {{"Authorization", header}}),
                              get("/api/tokens/" + t + "/", {{"Authorization", header}}),
                              send("DELETE", "/api/tokens/nope/", {{"Authorization", header}}),
                              post_json(R"({"username":"sam","password":"sam"})", {{"Authorization", header}})}) {
            BOOST_TEST_CONTEXT(header) {
                BOOST_TEST(r.status == 403u);
                BOOST_TEST(r.body == R"({"message":")" + message + R"("})");
                BOOST_TEST(!r.has("WWW-Authenticate"));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(basic_with_token_as_username_authenticates) {
    auto t = create_token();
    BOOST_TEST(get("/api/tokens/", {{"Authorization", "Basic " + base64(t + ":")}}).status == 200u);
    BOOST_TEST(get("/api/tokens/", {{"Authorization", "Basic " + base64(t)}}).status == 200u);
}

BOOST_AUTO_TEST_CASE(read_and_delete_need_no_auth_and_have_no_ownership_check) {
    auto mine = create_token("a-user");
    auto other = create_token("sam");
    BOOST_TEST(get("/api/tokens/" + mine + "/", token_auth(other)).status == 200u);
    BOOST_TEST(send("DELETE", "/api/tokens/" + mine + "/", token_auth(other)).status == 204u);
}

BOOST_AUTO_TEST_SUITE_END()
