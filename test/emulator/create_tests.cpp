// §2.1: create request bodies, field validation, and the OpenID checks with a test audience.
#include "fixture.hpp"

namespace {

std::string b64url(std::string_view in) {
    static constexpr char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (unsigned char c : in) {
        v = (v << 8) | c;
        bits += 8;
        while (bits >= 6) { bits -= 6; out.push_back(a[(v >> bits) & 63]); }
    }
    if (bits) out.push_back(a[(v << (6 - bits)) & 63]);
    return out;
}

std::string jwt(const std::string& claims) {
    return b64url(R"({"alg":"RS256","typ":"JWT"})") + "." + b64url(claims) + ".c2lnbmF0dXJl";
}

std::string openid_body(const std::string& claims) { return R"({"openid":")" + jwt(claims) + R"("})"; }

const std::string google = R"("iss":"https://accounts.google.com")";
const std::string google_aud = R"("aud":"110435422451-kafa0mb5tt5c5nfqou4kussbnslfajbv.apps.googleusercontent.com")";
const std::string test_aud = R"("aud":"test-audience")";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(create, hub_fixture)

BOOST_AUTO_TEST_CASE(form_encoded_body_creates) {
    auto r = send("POST", "/api/tokens/", {{"Content-Type", "application/x-www-form-urlencoded"}},
                  "username=a-user&password=a-user");
    BOOST_TEST(r.status == 201u);
}

BOOST_AUTO_TEST_CASE(fields_are_validated_in_field_order) {
    auto r = post_json(R"({"username":["a"],"password":""})");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.body == R"({"message":"Invalid input.","errors":[{"field":"username","message":"Not a valid string."},{"field":"password","message":"This field may not be blank."}]})");
    BOOST_TEST(post_json(R"({"password":null,"username":"   "})").body ==
               R"({"message":"Invalid input.","errors":[{"field":"username","message":"This field may not be blank."},{"field":"password","message":"This field may not be null."}]})");
    BOOST_TEST(post_json(R"({"username":true,"password":{},"openid":"a\u0000b"})").body ==
               R"({"message":"Invalid input.","errors":[{"field":"username","message":"Not a valid string."},{"field":"password","message":"Not a valid string."},{"field":"openid","message":"Null characters are not allowed."}]})");
}

BOOST_AUTO_TEST_CASE(values_are_trimmed_and_numbers_become_strings) {
    BOOST_TEST(post_json(R"({"username":" sam ","password":"\tsam\n"})").status == 201u);
    BOOST_TEST(post_json(R"({"username":"sam","password":12})").status == 403u);
}

BOOST_AUTO_TEST_CASE(body_level_errors) {
    BOOST_TEST(post_json("null").body ==
               R"({"message":"Invalid input.","errors":[{"field":"non_field_errors","message":"No data provided"}]})");
    BOOST_TEST(post_json("[1]").body ==
               R"({"message":"Invalid input.","errors":[{"field":"non_field_errors","message":"Invalid data. Expected a dictionary, but got list."}]})");
    BOOST_TEST(post_json(R"("x")").body ==
               R"({"message":"Invalid input.","errors":[{"field":"non_field_errors","message":"Invalid data. Expected a dictionary, but got str."}]})");
    auto bad = post_json(R"({"username":)");
    BOOST_TEST(bad.status == 400u);
    BOOST_TEST(bad.body.rfind(R"({"message":"JSON parse error - )", 0) == 0);
}

BOOST_AUTO_TEST_CASE(unsupported_or_missing_content_type_is_415) {
    auto r = send("POST", "/api/tokens/", {{"Content-Type", "text/plain"}}, "username=a-user");
    BOOST_TEST(r.status == 415u);
    BOOST_TEST(r.body == R"({"message":"Unsupported media type \"text/plain\" in request."})");
    auto none = send("POST", "/api/tokens/", {}, R"({"username":"sam","password":"sam"})");
    BOOST_TEST(none.status == 415u);
    BOOST_TEST(none.body == R"({"message":"Unsupported media type \"\" in request."})");
    BOOST_TEST(send("POST", "/api/tokens/", {{"Content-Type", "application/json; charset=utf-8"}},
                    R"({"username":"sam","password":"sam"})").status == 201u);
}

BOOST_AUTO_TEST_CASE(openid_local_checks_in_hub_order) {
    auto message = [&](const std::string& claims) { return json_object(post_json(openid_body(claims)))["message"]; };
    BOOST_TEST(str(message(R"({"exp":1000,"iss":"https://evil.example","aud":"x"})")) == "Token has expired");
    BOOST_TEST(str(message(R"({"iss":"https://evil.example","aud":"x"})")) == "Invalid token issuer");
    BOOST_TEST(str(message("{" + google + R"(,"aud":"x"})")) == "Invalid token audience");
    BOOST_TEST(str(message("{" + google + "," + google_aud + R"(,"email":"x@example.com","email_verified":true})")) ==
               "Token could not be verified");
    BOOST_TEST(str(message("{" + google + "," + test_aud + R"(,"email":"x@example.com","email_verified":false})")) ==
               "Email address has not been verified");
    BOOST_TEST(str(json_object(post_json(R"({"openid":"a.b"})"))["message"]) == "Bad token: Not enough segments");
}

BOOST_AUTO_TEST_CASE(openid_with_test_audience_logs_in_known_email_and_creates_new_users) {
    auto known = post_json(openid_body("{" + google + "," + test_aud + R"(,"email":"a-user@example.com","email_verified":true})"));
    BOOST_TEST(known.status == 201u);
    BOOST_TEST(str(json_object(known)["username"]) == "a-user");
    auto fresh = post_json(openid_body("{" + google + "," + test_aud +
                                       R"(,"email":"mary@example.com","email_verified":true,"given_name":"Mary","family_name":"Jones"})"));
    BOOST_REQUIRE_EQUAL(fresh.status, 201u);
    auto o = json_object(fresh);
    BOOST_TEST(str(o["username"]) == "mary");
    BOOST_TEST(str(o["firstName"]) == "Mary");
    BOOST_TEST(str(o["lastName"]) == "Jones");
    BOOST_TEST(get("/api/tokens/" + str(o["token"]) + "/").status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
