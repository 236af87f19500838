// make_api_error (src/sansio/error_envelope.cpp): the Hub's {"message","errors"} envelope, and clear messages for
// HTML, empty, plain-text and oddly typed bodies (hub-tokens-api.md §4).
#include "sansio/error_envelope.hpp"

#include <stencila/hub/error.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

namespace {

detail::http_response response(unsigned status, std::string reason, std::string body,
                               std::string content_type = "application/json") {
    detail::http_response r;
    r.status = status;
    r.reason = std::move(reason);
    r.content_type = content_type;
    r.body = std::move(body);
    if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
    return r;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

const std::string html_502 =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>Error : Stencila</title>\n</head>\n<body><h1>502 Bad Gateway</h1></body>\n</html>\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(error_envelope)

BOOST_AUTO_TEST_CASE(message_envelope_gives_status_reason_and_message) {
    auto e = detail::make_api_error(response(403, "Forbidden", R"({"message":"Invalid token."})"));
    BOOST_TEST(e.status() == 403u);
    BOOST_TEST(e.reason() == "Forbidden");
    BOOST_TEST(e.message() == "Invalid token.");
    BOOST_TEST(e.errors().empty());
    BOOST_TEST(e.body() == R"({"message":"Invalid token."})");
    BOOST_TEST(!e.body_truncated());
}

BOOST_AUTO_TEST_CASE(what_contains_status_reason_and_message) {
    auto e = detail::make_api_error(response(403, "Forbidden", R"({"message":"Invalid token."})"));
    std::string what = e.what();
    BOOST_TEST(contains(what, "403"), what);
    BOOST_TEST(contains(what, "Forbidden"), what);
    BOOST_TEST(contains(what, "Invalid token."), what);
}

BOOST_AUTO_TEST_CASE(field_errors_are_read_with_named_and_null_fields) {
    auto e = detail::make_api_error(response(
        400, "Bad Request",
        R"({"message":"Invalid input.","errors":[{"field":"username","message":"This field may not be blank."},{"field":null,"message":"No data provided"}]})"));
    BOOST_TEST(e.status() == 400u);
    BOOST_TEST(e.message() == "Invalid input.");
    BOOST_REQUIRE(e.errors().size() == 2u);
    BOOST_REQUIRE(e.errors()[0].field.has_value());
    BOOST_TEST(*e.errors()[0].field == "username");
    BOOST_TEST(e.errors()[0].message == "This field may not be blank.");
    BOOST_TEST(!e.errors()[1].field.has_value());
    BOOST_TEST(e.errors()[1].message == "No data provided");
    std::string what = e.what();
    BOOST_TEST(contains(what, "This field may not be blank."), what);
}

BOOST_AUTO_TEST_CASE(html_page_is_described_as_html_with_its_title) {
    auto e = detail::make_api_error(response(502, "Bad Gateway", html_502, "text/html"));
    BOOST_TEST(e.status() == 502u);
    BOOST_TEST(contains(e.message(), "HTML"), e.message());
    BOOST_TEST(contains(e.message(), "Error : Stencila"), e.message());
    std::string what = e.what();
    BOOST_TEST(contains(what, "502"), what);
    BOOST_TEST(contains(what, "Error : Stencila"), what);
    BOOST_TEST(e.body() == html_502);
}

BOOST_AUTO_TEST_CASE(html_page_without_html_content_type_is_still_recognised) {
    auto e = detail::make_api_error(response(404, "Not Found", "\n  " + html_502, ""));
    BOOST_TEST(contains(e.message(), "HTML"), e.message());
    BOOST_TEST(contains(e.message(), "Error : Stencila"), e.message());
}

BOOST_AUTO_TEST_CASE(html_page_without_title_is_described_as_html) {
    auto e = detail::make_api_error(response(502, "Bad Gateway", "<html><body>bad</body></html>", "text/html"));
    BOOST_TEST(contains(e.message(), "HTML"), e.message());
}

BOOST_AUTO_TEST_CASE(empty_body_is_described_as_empty) {
    auto e = detail::make_api_error(response(500, "Internal Server Error", "", ""));
    BOOST_TEST(e.message() == "empty body");
    BOOST_TEST(contains(e.what(), "500"));
    BOOST_TEST(contains(e.what(), "empty body"));
}

BOOST_AUTO_TEST_CASE(whitespace_only_body_is_described_as_empty) {
    auto e = detail::make_api_error(response(503, "Service Unavailable", " \r\n\t", "text/plain"));
    BOOST_TEST(e.message() == "empty body");
}

BOOST_AUTO_TEST_CASE(plain_text_body_is_described_by_its_size_and_type) {
    auto e = detail::make_api_error(response(502, "Bad Gateway", "upstream timed out", "text/plain"));
    BOOST_TEST(contains(e.message(), "18 bytes"), e.message());
    BOOST_TEST(contains(e.message(), "text/plain"), e.message());
    BOOST_TEST(e.body() == "upstream timed out");
}

BOOST_AUTO_TEST_CASE(json_that_is_not_an_object_is_described_by_its_size) {
    auto e = detail::make_api_error(response(500, "Internal Server Error", R"(["a","b"])"));
    BOOST_TEST(contains(e.message(), "9 bytes"), e.message());
}

BOOST_AUTO_TEST_CASE(message_of_the_wrong_type_gives_a_sensible_message) {
    auto e = detail::make_api_error(response(400, "Bad Request", R"({"message":5})"));
    BOOST_TEST(!e.message().empty());
    BOOST_TEST(e.errors().empty());
    BOOST_TEST(contains(e.what(), "400"));
}

BOOST_AUTO_TEST_CASE(errors_of_the_wrong_type_are_ignored) {
    auto e = detail::make_api_error(response(400, "Bad Request", R"({"errors":"x"})"));
    BOOST_TEST(!e.message().empty());
    BOOST_TEST(e.errors().empty());
    auto f = detail::make_api_error(
        response(400, "Bad Request", R"({"message":"Invalid input.","errors":[5,"x",null,{"field":3,"message":[]}]})"));
    BOOST_TEST(f.message() == "Invalid input.");
    for (const auto& fe : f.errors()) BOOST_TEST(!fe.field.has_value());
}

BOOST_AUTO_TEST_CASE(errors_without_message_get_a_generic_message) {
    auto e = detail::make_api_error(
        response(400, "Bad Request", R"({"errors":[{"field":"password","message":"This field may not be null."}]})"));
    BOOST_TEST(!e.message().empty());
    BOOST_REQUIRE(e.errors().size() == 1u);
    BOOST_TEST(*e.errors()[0].field == "password");
}

BOOST_AUTO_TEST_CASE(drf_detail_key_is_read_as_the_message) {
    auto e = detail::make_api_error(response(404, "Not Found", R"({"detail":"Not found."})"));
    BOOST_TEST(e.message() == "Not found.");
}

BOOST_AUTO_TEST_CASE(drf_detail_as_a_list_is_joined) {
    auto e = detail::make_api_error(response(403, "Forbidden", R"({"detail":["Not allowed.","Ask an admin."]})"));
    BOOST_TEST(e.message() == "Not allowed. Ask an admin.");
    BOOST_TEST(e.errors().empty());
}

BOOST_AUTO_TEST_CASE(drf_non_field_errors_are_the_message) {
    auto e = detail::make_api_error(response(
        400, "Bad Request", R"({"non_field_errors":["Unable to log in with provided credentials.","Try again."]})"));
    BOOST_TEST(e.message() == "Unable to log in with provided credentials. Try again.");
    BOOST_REQUIRE(e.errors().size() == 1u);
    BOOST_TEST(e.errors()[0].field.value_or("") == "non_field_errors");
    BOOST_TEST(e.errors()[0].message == "Unable to log in with provided credentials. Try again.");
    BOOST_TEST(std::string(e.what()) == "Hub answered 400 Bad Request: Unable to log in with provided credentials. Try again.");
}

BOOST_AUTO_TEST_CASE(drf_field_errors_are_field_errors_and_summarised_in_the_message) {
    auto e = detail::make_api_error(response(
        400, "Bad Request",
        R"({"username":["This field is required."],"password":["This field may not be blank.","Too short."],"non_field_errors":["Bad."]})"));
    BOOST_TEST(e.message() == "Bad. username: This field is required. password: This field may not be blank. Too short.");
    BOOST_REQUIRE(e.errors().size() == 3u);
    BOOST_TEST(e.errors()[0].field.value_or("") == "username");
    BOOST_TEST(e.errors()[0].message == "This field is required.");
    BOOST_TEST(e.errors()[1].field.value_or("") == "password");
    BOOST_TEST(e.errors()[1].message == "This field may not be blank. Too short.");
    BOOST_TEST(e.errors()[2].field.value_or("") == "non_field_errors");
    BOOST_TEST(std::string(e.what()) ==
               "Hub answered 400 Bad Request: Bad. username: This field is required. password: This field may not be "
               "blank. Too short.");
    // A single string per field, as some servers send it, reads the same.
    auto f = detail::make_api_error(response(400, "Bad Request", R"({"username":"This field is required."})"));
    BOOST_TEST(f.message() == "username: This field is required.");
}

BOOST_AUTO_TEST_CASE(the_hubs_envelope_is_read_as_it_is_whatever_other_keys_it_carries) {
    // DEBUG=True adds a traceback beside the message (hub-tokens-api.md §4.1): not a field.
    auto e = detail::make_api_error(response(500, "Internal Server Error", R"({"message":"boom","traceback":"Traceback..."})"));
    BOOST_TEST(e.message() == "boom");
    BOOST_TEST(e.errors().empty());
    // The Hub's own field errors: as they come, and the message stays the Hub's.
    auto f = detail::make_api_error(response(
        400, "Bad Request", R"({"message":"Invalid input.","errors":[{"field":"non_field_errors","message":"No data provided"}]})"));
    BOOST_TEST(f.message() == "Invalid input.");
    BOOST_REQUIRE(f.errors().size() == 1u);
    BOOST_TEST(std::string(f.what()) == "Hub answered 400 Bad Request: Invalid input. [non_field_errors: No data provided]");
    // Keys whose values hold no text are nothing to say.
    auto g = detail::make_api_error(response(400, "Bad Request", R"({"items":[{"name":["x"]}],"n":5,"empty":[]})"));
    BOOST_TEST(g.message() == "JSON body without a message");
    BOOST_TEST(g.errors().empty());
}

BOOST_AUTO_TEST_CASE(body_is_bounded_to_4096_bytes) {
    auto e = detail::make_api_error(response(500, "Internal Server Error", std::string(10000, 'x'), "text/plain"));
    BOOST_TEST(e.body().size() == 4096u);
    BOOST_TEST(e.body_truncated());
    BOOST_TEST(contains(e.message(), "10000 bytes"), e.message());
}

BOOST_AUTO_TEST_CASE(body_of_exactly_4096_bytes_is_not_truncated) {
    auto e = detail::make_api_error(response(500, "Internal Server Error", std::string(4096, 'y'), "text/plain"));
    BOOST_TEST(e.body().size() == 4096u);
    BOOST_TEST(!e.body_truncated());
}

BOOST_AUTO_TEST_CASE(long_json_envelope_still_gives_its_message) {
    std::string body = R"({"message":"Request was throttled. Expected available in 1 second.","traceback":")" +
                       std::string(6000, 'z') + R"("})";
    auto e = detail::make_api_error(response(429, "Too Many Requests", body));
    BOOST_TEST(e.message() == "Request was throttled. Expected available in 1 second.");
    BOOST_TEST(e.body_truncated());
    BOOST_TEST(e.body().size() == 4096u);
}

BOOST_AUTO_TEST_CASE(set_cookie_header_values_are_redacted) {
    auto r = response(403, "Forbidden", R"({"message":"Invalid token."})");
    r.headers.emplace_back("Set-Cookie", "sessionid=eyJ1c2VyIjp7ImFub24iOnRydWV9fQ:1xX42c; HttpOnly");
    r.headers.emplace_back("set-cookie", "csrftoken=abcdef123456");
    r.headers.emplace_back("Vary", "Origin");
    auto e = detail::make_api_error(std::move(r));
    BOOST_REQUIRE(e.header("Set-Cookie"));
    BOOST_TEST(!contains(*e.header("Set-Cookie"), "sessionid=eyJ"));
    for (const auto& [name, value] : e.headers()) {
        BOOST_TEST(!contains(value, "eyJ1c2VyIjp7ImFub24iOnRydWV9fQ"));
        BOOST_TEST(!contains(value, "abcdef123456"));
    }
    BOOST_TEST(e.header("vary").value_or("") == "Origin");
    BOOST_TEST(!contains(e.what(), "sessionid"));
}

BOOST_AUTO_TEST_CASE(header_lookup_is_case_insensitive) {
    auto e = detail::make_api_error(response(403, "Forbidden", R"({"message":"Invalid token."})"));
    BOOST_TEST(e.header("content-type").value_or("") == "application/json");
    BOOST_TEST(e.header("CONTENT-TYPE").value_or("") == "application/json");
    BOOST_TEST(!e.header("allow").has_value());
    BOOST_TEST(!e.header("content-typ").has_value());
}

BOOST_AUTO_TEST_CASE(api_error_is_a_runtime_error) {
    auto e = detail::make_api_error(response(404, "Not Found", R"({"message":"Not found."})"));
    const std::runtime_error& base = e;
    BOOST_TEST(contains(base.what(), "Not found."));
}

BOOST_AUTO_TEST_SUITE_END()
