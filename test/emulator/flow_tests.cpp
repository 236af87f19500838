// §7 conformance cases 1-8 and 16-24, and the token life cycle of §5.
#include "fixture.hpp"

#include <chrono>
#include <regex>

using namespace std::chrono_literals;

namespace {
const std::regex datetime_re(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z)");
}

BOOST_FIXTURE_TEST_SUITE(flow, hub_fixture)

BOOST_AUTO_TEST_CASE(case1_create_with_password_is_201_with_keys_in_hub_order) {
    auto r = post_json(R"({"username":"a-user","password":"a-user"})");
    BOOST_TEST(r.status == 201u);
    BOOST_TEST(r.header("Content-Type") == "application/json");
    BOOST_TEST(r.header("Allow") == "GET, POST, HEAD, OPTIONS");
    BOOST_TEST(!r.has("Location"));
    std::regex shape(R"re(\{"token":"([0-9a-f]{64})","id":"([0-9a-f]{8})","created":"[^"]+","expiry":"[^"]+","user":2,"username":"a-user","firstName":"A","lastName":"User"\})re");
    std::smatch m;
    BOOST_REQUIRE(std::regex_match(r.body, m, shape));
    BOOST_TEST(m[1].str().substr(0, 8) == m[2].str());
    BOOST_TEST(r.body.back() == '}');  // no trailing newline
    auto o = json_object(r);
    BOOST_TEST(std::regex_match(str(o["created"]), datetime_re));
    BOOST_TEST(str(o["expiry"]) > str(o["created"]));
}

BOOST_AUTO_TEST_CASE(case2_list_with_token_has_results) {
    auto t = create_token();
    auto r = get("/api/tokens/", token_auth(t));
    BOOST_TEST(r.status == 200u);
    auto o = json_object(r);
    BOOST_TEST(o["count"].as_int64() == 1);
    BOOST_TEST(o["results"].as_array().size() == 1u);
    BOOST_TEST(r.body.find(t) == std::string::npos);  // the secret is never listed
    BOOST_TEST(r.body.rfind(R"({"count":1,"next":null,"previous":null,"results":[{"user":1,"id":")", 0) == 0);
}

BOOST_AUTO_TEST_CASE(case3_read_keeps_created_and_returns_strictly_later_expiry) {
    auto c = json_object(post_json(R"({"username":"sam","password":"sam"})"));
    std::string t = str(c["token"]);
    std::string previous = str(c["expiry"]);
    for (int i = 0; i < 5; ++i) {
        auto r = get("/api/tokens/" + t + "/");
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        BOOST_TEST(r.header("Allow") == "GET, DELETE, HEAD, OPTIONS");
        auto o = json_object(r);
        BOOST_TEST(o.size() == 4u);
        BOOST_TEST(o["user"].as_int64() == c["user"].as_int64());
        BOOST_TEST(str(o["id"]) == t.substr(0, 8));
        BOOST_TEST(str(o["created"]) == str(c["created"]));
        BOOST_TEST(str(o["expiry"]) > previous);
        previous = str(o["expiry"]);
    }
}

BOOST_AUTO_TEST_CASE(case4_delete_is_204_without_body_or_content_type_then_404) {
    auto t = create_token();
    auto d = send("DELETE", "/api/tokens/" + t + "/");
    BOOST_TEST(d.status == 204u);
    BOOST_TEST(d.body.empty());
    BOOST_TEST(!d.has("Content-Type"));
    BOOST_TEST(d.header("Allow") == "GET, DELETE, HEAD, OPTIONS");
    auto g = get("/api/tokens/" + t + "/");
    BOOST_TEST(g.status == 404u);
    BOOST_TEST(g.body == R"({"message":"Not found."})");
    BOOST_TEST(send("DELETE", "/api/tokens/" + t).status == 404u);
    BOOST_TEST(get("/api/tokens/", token_auth(t)).body == R"({"message":"Invalid token."})");
}

BOOST_AUTO_TEST_CASE(case5_create_without_credentials_is_403_not_provided) {
    const std::string not_provided = R"({"message":"Authentication credentials were not provided."})";
    BOOST_TEST(post_json("{}").body == not_provided);
    BOOST_TEST(post_json(R"({"username":"foo"})").body == not_provided);
    auto empty = send("POST", "/api/tokens/");
    BOOST_TEST(empty.status == 403u);
    BOOST_TEST(empty.body == not_provided);
    BOOST_TEST(send("POST", "/api/tokens/", {{"Content-Type", "application/json"}}).body == not_provided);
}

BOOST_AUTO_TEST_CASE(case6_wrong_password_is_403_incorrect_credentials) {
    auto r = post_json(R"({"username":"evil","password":"hackz"})");
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.body == R"({"message":"Incorrect authentication credentials."})");
    BOOST_TEST(post_json(R"({"username":"sam","password":"wrong"})").status == 403u);
}

BOOST_AUTO_TEST_CASE(case7_openid_that_is_not_a_jwt_is_400_not_enough_segments) {
    auto r = post_json(R"({"openid":"bar"})");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.body == R"({"message":"Bad token: Not enough segments"})");
}

BOOST_AUTO_TEST_CASE(case8_unknown_and_malformed_tokens_are_404) {
    for (std::string t : {"foo", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "a%20b%00c",
                          "%FF%FE", "%C3%A9t%C3%A9"}) {
        BOOST_TEST(get("/api/tokens/" + t + "/").status == 404u);
        BOOST_TEST(send("DELETE", "/api/tokens/" + t + "/").status == 404u);
    }
    auto t = create_token();
    for (std::string bad : {t.substr(0, 8) + std::string(56, '0'), t.substr(0, 8) + "zz", t.substr(0, 8) + "abc",
                            t.substr(0, 63)}) {
        auto r = get("/api/tokens/" + bad + "/");
        BOOST_TEST(r.status == 404u);
        BOOST_TEST(r.body == R"({"message":"Not found."})");
    }
}

BOOST_AUTO_TEST_CASE(case16_list_without_auth_403_and_expired_token_is_deleted) {
    auto r = get("/api/tokens/");
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.body == R"({"message":"Authentication credentials were not provided."})");
    auto t = create_token();
    hub.advance_clock(std::chrono::hours(24 * 8));
    BOOST_TEST(hub.token_count() == 1u);
    auto l = get("/api/tokens/", token_auth(t));
    BOOST_TEST(l.status == 403u);
    BOOST_TEST(l.body == R"({"message":"Invalid token."})");
    BOOST_TEST(hub.token_count() == 0u);
}

BOOST_AUTO_TEST_CASE(case17_read_or_delete_of_expired_token_is_404_and_keeps_it) {
    auto t = create_token();
    hub.advance_clock(std::chrono::hours(24 * 7) + 1s);
    BOOST_TEST(get("/api/tokens/" + t + "/").status == 404u);
    BOOST_TEST(send("DELETE", "/api/tokens/" + t + "/").status == 404u);
    BOOST_TEST(hub.token_count() == 1u);  // get_object does not clean up
}

BOOST_AUTO_TEST_CASE(read_refreshes_expiry_so_token_survives_past_first_ttl) {
    auto t = create_token();
    hub.advance_clock(std::chrono::hours(24 * 6));
    BOOST_TEST(get("/api/tokens/" + t + "/").status == 200u);
    hub.advance_clock(std::chrono::hours(24 * 6));
    BOOST_TEST(get("/api/tokens/" + t + "/").status == 200u);
}

BOOST_AUTO_TEST_CASE(authenticating_cleans_up_the_users_other_expired_tokens) {
    auto old1 = create_token();
    auto old2 = create_token();
    hub.advance_clock(std::chrono::hours(24 * 8));
    auto fresh = create_token();
    BOOST_TEST(hub.token_count() == 3u);
    auto l = json_object(get("/api/tokens/", token_auth(fresh)));
    BOOST_TEST(l["count"].as_int64() == 1);
    BOOST_TEST(hub.token_count() == 1u);
}

BOOST_AUTO_TEST_CASE(case18_valid_password_with_revoked_token_header_is_403_invalid_token) {
    auto t = create_token();
    send("DELETE", "/api/tokens/" + t + "/");
    auto r = post_json(R"({"username":"sam","password":"sam"})", token_auth(t));
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.body == R"({"message":"Invalid token."})");
    BOOST_TEST(get("/api/tokens/foo/", token_auth(t)).status == 403u);  // every endpoint
    BOOST_TEST(send("DELETE", "/api/tokens/foo/", token_auth(t)).status == 403u);
}

BOOST_AUTO_TEST_CASE(case19_empty_body_with_valid_token_creates_a_new_token_for_that_user) {
    auto t = create_token("a-user");
    auto r = post_json("{}", token_auth(t));
    BOOST_TEST(r.status == 201u);
    auto o = json_object(r);
    BOOST_TEST(str(o["token"]) != t);
    BOOST_TEST(str(o["username"]) == "a-user");
}

BOOST_AUTO_TEST_CASE(case20_blank_username_is_400_envelope) {
    auto r = post_json(R"({"username":"","password":"x"})");
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.body == R"({"message":"Invalid input.","errors":[{"field":"username","message":"This field may not be blank."}]})");
}

BOOST_AUTO_TEST_CASE(case22_paths_without_trailing_slash_behave_the_same) {
    auto t = create_token();
    BOOST_TEST(get("/api/tokens", token_auth(t)).status == 200u);
    BOOST_TEST(get("/api/tokens/" + t).status == 200u);
    auto c = send("POST", "/api/tokens", {{"Content-Type", "application/x-www-form-urlencoded"}}, "username=sam&password=sam");
    BOOST_TEST(c.status == 201u);
    BOOST_TEST(send("DELETE", "/api/tokens/" + t).status == 204u);
}

BOOST_AUTO_TEST_CASE(case23_error_bodies_never_contain_detail) {
    for (const auto& r : {get("/api/tokens/"), get("/api/tokens/x/"), post_json("{"), send("PUT", "/api/tokens/"),
                          get("/api/tokens/x/", {{"Accept", "text/html"}})}) {
        BOOST_TEST(r.body.find("detail") == std::string::npos);
        BOOST_TEST(r.body.rfind(R"({"message":)", 0) == 0);
    }
}

BOOST_AUTO_TEST_CASE(case24_datetimes_end_in_z_with_six_digit_fraction) {
    auto t = create_token();
    for (int i = 0; i < 3; ++i) {
        auto o = json_object(get("/api/tokens/" + t + "/"));
        BOOST_TEST(std::regex_match(str(o["created"]), datetime_re));
        BOOST_TEST(std::regex_match(str(o["expiry"]), datetime_re));
    }
}

BOOST_AUTO_TEST_CASE(inactive_user_gets_a_token_but_cannot_use_it) {
    auto t = create_token("inactive");
    auto r = get("/api/tokens/", token_auth(t));
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.body == R"({"message":"User inactive or deleted."})");
    BOOST_TEST(get("/api/tokens/" + t + "/").status == 200u);  // no user check on read
}

BOOST_AUTO_TEST_CASE(email_address_works_in_place_of_username) {
    auto r = post_json(R"({"username":"  a-user@example.com ","password":"a-user"})");
    BOOST_TEST(r.status == 201u);
    BOOST_TEST(str(json_object(r)["username"]) == "a-user");
}

BOOST_AUTO_TEST_CASE(seeded_tokens_read_and_list_in_creation_order) {
    auto seeded = hub.seed_tokens("sam", 5);
    BOOST_TEST(hub.token_count() == 5u);
    auto o = json_object(get("/api/tokens/", token_auth(seeded[2])));
    auto& results = o["results"].as_array();
    BOOST_REQUIRE_EQUAL(results.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(str(results[i].at("id")) == seeded[i].substr(0, 8));
}

BOOST_AUTO_TEST_SUITE_END()
