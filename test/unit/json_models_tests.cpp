// JSON <-> models (src/sansio/json_models.cpp): the Hub's real bodies parse; anything else is
// `error::malformed_response` whose message names the key, never a value.
#include "samples.hpp"
#include "sansio/json_models.hpp"
#include "error_matchers.hpp"

#include <stencila/hub/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

using samples::token_value;

// The create answer from the wire transcript.
const std::string create_201 =
    R"({"token":")" + token_value +
    R"(","id":"309cb783","created":"2026-11-27T22:03:37.713379Z","expiry":"2026-12-04T22:03:37.717850Z","user":1,"username":"a-user","firstName":"A","lastName":"User"})";

hub::timestamp ts(const char* text) {
    auto t = hub::parse_datetime(text);
    BOOST_REQUIRE(t);
    return *t;
}

// Runs `parse` on `body` and checks it fails with malformed_response, without echoing the secret
// or the body in what().
template <class Parse>
void check_malformed(Parse parse, const std::string& body, const std::string& secret_in_body) {
    BOOST_TEST_CONTEXT(body) {
        try {
            (void)parse(body);
            BOOST_ERROR("no exception for a malformed body");
        } catch (const boost::system::system_error& e) {
            BOOST_TEST((e.code() == make_error_code(hub::error::malformed_response)));
            std::string what = e.what();
            if (!secret_in_body.empty())
                BOOST_TEST(what.find(secret_in_body) == std::string::npos, "what() leaks the value: " << what);
            if (body.size() > 8) BOOST_TEST(what.find(body) == std::string::npos);
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_models)

BOOST_AUTO_TEST_CASE(create_answer_from_the_transcript_parses_every_field) {
    auto t = detail::parse_created_token(create_201);
    BOOST_TEST(t.token.reveal() == token_value);
    BOOST_TEST(t.id == "309cb783");
    BOOST_TEST(t.user == 1);
    BOOST_TEST(t.username == "a-user");
    BOOST_TEST(t.first_name == "A");
    BOOST_TEST(t.last_name == "User");
    BOOST_TEST((t.created == ts("2026-11-27T22:03:37.713379Z")));
    BOOST_REQUIRE(t.expiry);
    BOOST_TEST((*t.expiry == ts("2026-12-04T22:03:37.717850Z")));
}

BOOST_AUTO_TEST_CASE(create_answer_with_non_ascii_names_keeps_the_utf8_bytes) {
    auto t = detail::parse_created_token(
        R"({"token":"642e1de1036fa3eefbf00cc77b1493b70f491072d7f1f90163d715a109940eec","id":"642e1de1","created":"2026-11-27T22:03:38.004317Z","expiry":"2026-12-04T22:03:38.008146Z","user":8,"username":"zoë","firstName":"Zoë","lastName":"Ødegård-東京"})");
    BOOST_TEST(t.user == 8);
    BOOST_TEST(t.username == "zo\xC3\xAB");
    BOOST_TEST(t.first_name == "Zo\xC3\xAB");
    BOOST_TEST(t.last_name == "\xC3\x98" "deg\xC3\xA5rd-\xE6\x9D\xB1\xE4\xBA\xAC");
}

BOOST_AUTO_TEST_CASE(create_answer_with_escaped_unicode_names_is_decoded) {
    auto t = detail::parse_created_token(
        R"({"token":"ab","id":"ab","created":"2022-02-01T20:42:43Z","expiry":null,"user":2,"username":"z","firstName":"Zo\u00eb","lastName":"\u6771\u4eac"})");
    BOOST_TEST(t.first_name == "Zo\xC3\xAB");
    BOOST_TEST(t.last_name == "\xE6\x9D\xB1\xE4\xBA\xAC");
}

BOOST_AUTO_TEST_CASE(create_answer_with_empty_names_is_accepted) {
    auto t = detail::parse_created_token(
        R"({"token":"3f0c9a1b00","id":"3f0c9a1b","created":"2022-02-01T20:42:43.123456Z","expiry":"2022-02-08T20:42:43.130002Z","user":1,"username":"sam","firstName":"","lastName":""})");
    BOOST_TEST(t.username == "sam");
    BOOST_TEST(t.first_name.empty());
    BOOST_TEST(t.last_name.empty());
}

BOOST_AUTO_TEST_CASE(create_answer_with_snake_case_names_is_accepted) {
    auto t = detail::parse_created_token(
        R"({"token":"aa","id":"aa","created":"2022-02-01T20:42:43Z","expiry":"2022-02-08T20:42:43Z","user":1,"username":"sam","first_name":"Sam","last_name":"Smith"})");
    BOOST_TEST(t.first_name == "Sam");
    BOOST_TEST(t.last_name == "Smith");
}

BOOST_AUTO_TEST_CASE(create_answer_without_name_keys_gives_empty_names) {
    auto t = detail::parse_created_token(
        R"({"token":"aa","id":"aa","created":"2022-02-01T20:42:43Z","user":1,"username":"sam"})");
    BOOST_TEST(t.first_name.empty());
    BOOST_TEST(t.last_name.empty());
    BOOST_TEST(!t.expiry);
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_ignored) {
    auto t = detail::parse_token(
        R"({"user":3,"extra":{"nested":[1,2,{"x":null}]},"id":"abcdefgh","created":"2022-02-01T20:42:43Z","expiry":"2022-02-08T20:42:43Z","traceback":"..."})");
    BOOST_TEST(t.user == 3);
    BOOST_TEST(t.id == "abcdefgh");
}

BOOST_AUTO_TEST_CASE(read_answer_with_null_expiry_has_no_expiry) {
    auto t = detail::parse_token(R"({"user":1,"id":"abcdefgh","created":"2022-02-01T20:42:43Z","expiry":null})");
    BOOST_TEST((t.created == ts("2022-02-01T20:42:43Z")));
    BOOST_TEST(!t.expiry);
}

BOOST_AUTO_TEST_CASE(read_answer_without_expiry_key_has_no_expiry) {
    auto t = detail::parse_token(R"({"user":1,"id":"abcdefgh","created":"2022-02-01T20:42:43Z"})");
    BOOST_TEST(!t.expiry);
}

BOOST_AUTO_TEST_CASE(read_answer_with_offset_date_times_is_converted_to_utc) {
    auto t = detail::parse_token(
        R"({"user":1,"id":"abcdefgh","created":"2022-02-01T21:42:43+01:00","expiry":"2022-02-08T20:42:43.5Z"})");
    BOOST_TEST((t.created == ts("2022-02-01T20:42:43Z")));
    BOOST_REQUIRE(t.expiry);
    BOOST_TEST((*t.expiry == ts("2022-02-08T20:42:43.500000Z")));
}

BOOST_AUTO_TEST_CASE(list_page_with_null_links_parses_all_results_in_order) {
    auto page = detail::parse_token_page(
        R"({"count":3,"next":null,"previous":null,"results":[{"user":1,"id":"309cb783","created":"2026-11-27T22:03:37.713379Z","expiry":"2026-12-04T22:03:37.713018Z"},{"user":1,"id":"733c3e1c","created":"2026-11-27T22:03:37.830570Z","expiry":"2026-12-04T22:03:37.830144Z"},{"user":1,"id":"cdc78d43","created":"2026-11-27T22:03:37.923734Z","expiry":"2026-12-04T22:03:37.923386Z"}]})");
    BOOST_TEST(page.count == 3);
    BOOST_TEST(!page.next);
    BOOST_TEST(!page.previous);
    BOOST_REQUIRE(page.results.size() == 3u);
    BOOST_TEST(page.results[0].id == "309cb783");
    BOOST_TEST(page.results[1].id == "733c3e1c");
    BOOST_TEST(page.results[2].id == "cdc78d43");
    BOOST_TEST((page.results[2].created == ts("2026-11-27T22:03:37.923734Z")));
}

BOOST_AUTO_TEST_CASE(list_page_with_link_strings_keeps_them_verbatim) {
    auto page = detail::parse_token_page(
        R"({"count":250,"next":"http://127.0.0.1:8700/api/tokens/?limit=2&offset=3","previous":"http://127.0.0.1:8700/api/tokens/?limit=2","results":[{"user":5,"id":"059cfd51","created":"2026-11-27T22:03:36.521851Z","expiry":"2026-12-04T22:03:36.521672Z"},{"user":5,"id":"57bf5847","created":"2026-11-27T22:03:36.522001Z","expiry":"2026-12-04T22:03:36.521930Z"}]})");
    BOOST_TEST(page.count == 250);
    BOOST_REQUIRE(page.next);
    BOOST_TEST(*page.next == "http://127.0.0.1:8700/api/tokens/?limit=2&offset=3");
    BOOST_REQUIRE(page.previous);
    BOOST_TEST(*page.previous == "http://127.0.0.1:8700/api/tokens/?limit=2");
    BOOST_TEST(page.results.size() == 2u);
}

BOOST_AUTO_TEST_CASE(list_page_with_whole_second_date_times_parses) {
    auto page = detail::parse_token_page(
        R"({"count":2,"next":null,"previous":null,"results":[{"user":6,"id":"5fa17e3d","created":"2026-11-27T22:03:35Z","expiry":"2026-12-04T22:03:36Z"},{"user":6,"id":"1414df46","created":"2026-11-27T22:03:35Z","expiry":null}]})");
    BOOST_REQUIRE(page.results.size() == 2u);
    BOOST_TEST((page.results[0].created == ts("2026-11-27T22:03:35Z")));
    BOOST_TEST(!page.results[1].expiry);
}

BOOST_AUTO_TEST_CASE(list_page_past_the_end_has_empty_results) {
    auto page = detail::parse_token_page(
        R"({"count":250,"next":null,"previous":"http://127.0.0.1:8700/api/tokens/?limit=50&offset=950","results":[]})");
    BOOST_TEST(page.count == 250);
    BOOST_TEST(page.results.empty());
    BOOST_TEST(!page.next);
    BOOST_TEST(page.previous.has_value());
}

BOOST_AUTO_TEST_CASE(list_page_without_link_keys_has_no_links) {
    auto page = detail::parse_token_page(R"({"count":0,"results":[]})");
    BOOST_TEST(page.count == 0);
    BOOST_TEST(!page.next);
    BOOST_TEST(!page.previous);
}

BOOST_AUTO_TEST_CASE(body_that_is_not_json_is_malformed) {
    check_malformed(detail::parse_token, "<!DOCTYPE html><title>Error</title>", "");
    check_malformed(detail::parse_created_token, "not json at all", "");
    check_malformed(detail::parse_token_page, "", "");
}

BOOST_AUTO_TEST_CASE(truncated_json_is_malformed_and_not_echoed) {
    check_malformed(detail::parse_created_token, create_201.substr(0, create_201.size() - 20), token_value);
    check_malformed(detail::parse_token_page, R"({"count":3,"next":null,"results":[{"user":1,)", "");
}

BOOST_AUTO_TEST_CASE(array_or_scalar_body_is_malformed) {
    check_malformed(detail::parse_token, R"([{"user":1,"id":"x","created":"2022-02-01T20:42:43Z"}])", "");
    check_malformed(detail::parse_token_page, "[]", "");
    check_malformed(detail::parse_created_token, R"(")" + token_value + R"(")", token_value);
    check_malformed(detail::parse_token, "null", "");
}

BOOST_AUTO_TEST_CASE(user_as_string_is_malformed_without_leaking_the_token) {
    check_malformed(detail::parse_created_token,
                    R"({"token":")" + token_value +
                        R"(","id":"309cb783","created":"2026-11-27T22:03:37.713379Z","expiry":null,"user":"1","username":"a","firstName":"","lastName":""})",
                    token_value);
}

BOOST_AUTO_TEST_CASE(user_that_is_fractional_or_too_large_is_malformed) {
    check_malformed(detail::parse_token, R"({"user":1.5,"id":"x","created":"2022-02-01T20:42:43Z"})", "");
    check_malformed(detail::parse_token, R"({"user":18446744073709551615,"id":"x","created":"2022-02-01T20:42:43Z"})", "");
}

BOOST_AUTO_TEST_CASE(missing_required_key_is_malformed) {
    check_malformed(detail::parse_token, R"({"id":"x","created":"2022-02-01T20:42:43Z"})", "");
    check_malformed(detail::parse_token, R"({"user":1,"created":"2022-02-01T20:42:43Z"})", "");
    check_malformed(detail::parse_token, R"({"user":1,"id":"x"})", "");
    check_malformed(detail::parse_created_token,
                    R"({"id":"x","created":"2022-02-01T20:42:43Z","user":1,"username":"sam"})", "");
    check_malformed(detail::parse_token_page, R"({"count":1})", "");
    check_malformed(detail::parse_token_page, R"({"results":[]})", "");
}

BOOST_AUTO_TEST_CASE(empty_token_value_in_create_answer_is_malformed) {
    check_malformed(detail::parse_created_token,
                    R"({"token":"","id":"x","created":"2022-02-01T20:42:43Z","user":1,"username":"sam"})", "");
}

BOOST_AUTO_TEST_CASE(created_that_is_not_a_date_time_is_malformed_without_leaking_the_token) {
    const std::string odd_date = "2026-13-45T99:99:99Z";
    check_malformed(detail::parse_created_token,
                    R"({"token":")" + token_value + R"(","id":"309cb783","created":")" + odd_date +
                        R"(","expiry":null,"user":1,"username":"a"})",
                    token_value);
    check_malformed(detail::parse_token, R"({"user":1,"id":"x","created":1643748163})", "");
    check_malformed(detail::parse_token, R"({"user":1,"id":"x","created":"2022-02-01T20:42:43Z","expiry":"soon"})",
                    "soon");
}

BOOST_AUTO_TEST_CASE(name_that_is_not_a_string_is_malformed) {
    check_malformed(detail::parse_created_token,
                    R"({"token":")" + token_value +
                        R"(","id":"x","created":"2022-02-01T20:42:43Z","user":1,"username":"sam","firstName":42})",
                    token_value);
}

BOOST_AUTO_TEST_CASE(results_that_is_not_an_array_is_malformed) {
    check_malformed(detail::parse_token_page, R"({"count":1,"next":null,"previous":null,"results":{}})", "");
    check_malformed(detail::parse_token_page, R"({"count":1,"next":null,"previous":null,"results":null})", "");
}

BOOST_AUTO_TEST_CASE(results_item_that_is_not_an_object_is_malformed) {
    check_malformed(detail::parse_token_page, R"({"count":1,"next":null,"previous":null,"results":["abcdefgh"]})", "");
    check_malformed(detail::parse_token_page,
                    R"({"count":1,"next":null,"previous":null,"results":[{"user":"x","id":"a","created":"2022-02-01T20:42:43Z"}]})",
                    "");
}

BOOST_AUTO_TEST_CASE(results_item_after_a_valid_one_that_is_not_an_object_is_malformed) {
    const std::string valid = R"({"user":1,"id":"a","created":"2022-02-01T20:42:43Z"})";
    for (const char* bad : {R"("abcdefgh")", "5", "null", "true", "[]", "1.5"})
        check_malformed(detail::parse_token_page, R"({"count":2,"results":[)" + valid + "," + bad + "]}", "");
}

BOOST_AUTO_TEST_CASE(keys_of_the_model_nested_under_unknown_keys_are_not_read) {
    auto page = detail::parse_token_page(
        R"({"meta":{"count":-5,"results":[1,{"user":"x"}],"next":7},"count":1,"next":null,"results":[{"user":4,"extra":{"id":5,"user":[]},"id":"abcdefgh","created":"2022-02-01T20:42:43Z"}],"tail":[[{"count":"x"}]]})");
    BOOST_TEST(page.count == 1);
    BOOST_TEST(!page.next);
    BOOST_REQUIRE(page.results.size() == 1u);
    BOOST_TEST(page.results[0].user == 4);
    BOOST_TEST(page.results[0].id == "abcdefgh");
}

BOOST_AUTO_TEST_CASE(item_keys_at_the_root_of_a_page_are_ignored) {
    auto page = detail::parse_token_page(R"({"user":"x","id":5,"count":0,"results":[]})");
    BOOST_TEST(page.count == 0);
    BOOST_TEST(page.results.empty());
}

BOOST_AUTO_TEST_CASE(trailing_data_after_the_object_is_malformed) {
    check_malformed(detail::parse_token, R"({"user":1,"id":"x","created":"2022-02-01T20:42:43Z"} {})", "");
    check_malformed(detail::parse_token_page, R"({"count":0,"results":[]}])", "");
}

BOOST_AUTO_TEST_CASE(escaped_keys_and_values_are_decoded_before_matching) {
    auto t = detail::parse_token(R"({"us\u0065r":7,"\u0069d":"ab\"cd","created":"2022-02-01T20:42:43Z"})");
    BOOST_TEST(t.user == 7);
    BOOST_TEST(t.id == "ab\"cd");
}

BOOST_AUTO_TEST_CASE(negative_or_non_integer_count_is_malformed) {
    check_malformed(detail::parse_token_page, R"({"count":-1,"next":null,"previous":null,"results":[]})", "");
    check_malformed(detail::parse_token_page, R"({"count":"3","next":null,"previous":null,"results":[]})", "");
    check_malformed(detail::parse_token_page, R"({"count":2.5,"next":null,"previous":null,"results":[]})", "");
}

BOOST_AUTO_TEST_CASE(link_that_is_not_a_string_is_malformed) {
    check_malformed(detail::parse_token_page, R"({"count":1,"next":5,"previous":null,"results":[]})", "");
    check_malformed(detail::parse_token_page, R"({"count":1,"next":null,"previous":[],"results":[]})", "");
}

BOOST_AUTO_TEST_CASE(create_body_has_exactly_username_and_password) {
    auto body = detail::create_body(hub::password_credentials{"sam", hub::secret{"pw"}});
    auto v = boost::json::parse(body);
    BOOST_REQUIRE(v.is_object());
    BOOST_TEST(v.as_object().size() == 2u);
    BOOST_TEST(v.at("username").as_string() == "sam");
    BOOST_TEST(v.at("password").as_string() == "pw");
}

BOOST_AUTO_TEST_CASE(create_body_escapes_quotes_backslashes_controls_and_unicode) {
    const std::string username = "sa\"m\\ \xC3\xB8\xE6\x9D\xB1 </script>";
    const std::string password = "p\"w\\\n\t\x01 \xF0\x9F\x94\x91 {\"a\":1}";
    auto body = detail::create_body(hub::password_credentials{username, hub::secret{password}});
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    BOOST_REQUIRE_MESSAGE(!ec, "create_body is not valid JSON: " << ec.message());
    BOOST_REQUIRE(v.is_object());
    BOOST_TEST(v.as_object().size() == 2u);
    BOOST_TEST(std::string(v.at("username").as_string()) == username);
    BOOST_TEST(std::string(v.at("password").as_string()) == password);
}

BOOST_AUTO_TEST_CASE(openid_create_body_has_exactly_the_jwt) {
    auto body = detail::create_body(hub::openid_credentials{hub::secret{"a.b\"c"}});
    auto v = boost::json::parse(body);
    BOOST_REQUIRE(v.is_object());
    BOOST_TEST(v.as_object().size() == 1u);
    BOOST_TEST(v.at("openid").as_string() == "a.b\"c");
}

BOOST_AUTO_TEST_SUITE_END()
