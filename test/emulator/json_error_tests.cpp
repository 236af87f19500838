// Malformed JSON bodies get the Hub's `JSON parse error - <Python json message>`, positions and
// all. Every expected string below was produced by CPython's json.loads (and bytes.decode) on the
// same body; the tests do not need Python.
#include "fixture.hpp"

#include "json_out.hpp"
#include "python_json.hpp"

#include <array>

namespace {

struct json_case {
    std::string body;
    std::string message;
};

const json_case python_messages[] = {
    {R"({bad)", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
    {R"({"username":)", "Expecting value: line 1 column 13 (char 12)"},
    {" ", "Expecting value: line 1 column 2 (char 1)"},
    {R"({"username" "sam"})", "Expecting ':' delimiter: line 1 column 13 (char 12)"},
    {R"({"username":"sam" "password":"sam"})", "Expecting ',' delimiter: line 1 column 19 (char 18)"},
    {R"({"username":"sam",})", "Expecting property name enclosed in double quotes: line 1 column 19 (char 18)"},
    {R"([1,])", "Expecting value: line 1 column 4 (char 3)"},
    {R"({"username":"sam)", "Unterminated string starting at: line 1 column 13 (char 12)"},
    {"{\"username\":\"a\tb\"}", "Invalid control character at: line 1 column 15 (char 14)"},
    {R"({"username":"\q"})", "Invalid \\escape: line 1 column 14 (char 13)"},
    {R"({"username":"\u12"})", "Invalid \\uXXXX escape: line 1 column 15 (char 14)"},
    {R"({"username":"\u12x4"})", "Invalid \\uXXXX escape: line 1 column 15 (char 14)"},
    {R"({} x)", "Extra data: line 1 column 4 (char 3)"},
    {R"({}{})", "Extra data: line 1 column 3 (char 2)"},
    {"\xef\xbb\xbf{}", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"},
    {"\xff{}", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
    {"{\"username\":\"\xe2\x82\"}", "'utf-8' codec can't decode bytes in position 13-14: invalid continuation byte"},
    // Positions count characters, not bytes: the é before the error is one character.
    {"{\"username\":\"caf\xc3\xa9\" x}", "Expecting ',' delimiter: line 1 column 20 (char 19)"},
    {"{\n  \"username\": \"sam\",\n  \"password\": \n}", "Expecting value: line 4 column 1 (char 38)"},
    {R"({"username":nul})", "Expecting value: line 1 column 13 (char 12)"},
    {R"({'username':'sam'})", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
    {R"({"username":"sam"}})", "Extra data: line 1 column 19 (char 18)"},
    {R"({"a":[1 2]})", "Expecting ',' delimiter: line 1 column 9 (char 8)"},
    {R"({"username":-})", "Expecting value: line 1 column 13 (char 12)"},
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(json_errors, hub_fixture)

BOOST_AUTO_TEST_CASE(malformed_bodies_get_pythons_json_message_and_position) {
    for (const auto& c : python_messages) {
        auto r = post_json(c.body);
        BOOST_TEST_CONTEXT("body " << c.body) {
            BOOST_TEST(r.status == 400u);
            std::string expected = "{\"message\":";
            stencila::hub::emulator::detail::append_string(expected, "JSON parse error - " + c.message);
            expected += "}";
            BOOST_TEST(r.body == expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(transcript_body_gets_the_transcripts_message) {
    // hub-wire-transcript §1.12, byte for byte.
    auto r = post_json(R"({"username":)");
    BOOST_TEST(r.body == R"j({"message":"JSON parse error - Expecting value: line 1 column 13 (char 12)"})j");
}

BOOST_AUTO_TEST_CASE(the_charset_parameter_chooses_the_decoding) {
    auto ascii = send("POST", "/api/tokens/", {{"Content-Type", "application/json; charset=us-ascii"}},
                      "{\"username\":\"caf\xc3\xa9\"}");
    BOOST_TEST(ascii.body == R"j({"message":"JSON parse error - 'ascii' codec can't decode byte 0xc3 in position 16: ordinal not in range(128)"})j");
    // Latin-1 decodes any byte, so the same body is valid JSON (and a wrong password).
    auto latin1 = send("POST", "/api/tokens/", {{"Content-Type", "application/json; charset=\"ISO-8859-1\""}},
                       "{\"username\":\"caf\xc3\xa9\",\"password\":\"x\"}");
    BOOST_TEST(latin1.status == 403u);
    BOOST_TEST(latin1.body == R"({"message":"Incorrect authentication credentials."})");
}

BOOST_AUTO_TEST_CASE(nesting_beyond_the_recursion_limit_is_a_500_without_a_session_cookie) {
    std::string deep(stencila::hub::emulator::detail::python_json_max_depth + 1, '[');
    auto r = post_json(deep);
    BOOST_TEST(r.status == 500u);
    BOOST_TEST(r.body == R"({"message":"maximum recursion depth exceeded while decoding a JSON array from a unicode string"})");
    BOOST_TEST(!r.has("Set-Cookie"));  // SessionMiddleware skips saving on a 500
    BOOST_TEST(r.header("Vary") == "Cookie, Origin");
    std::string shallow(stencila::hub::emulator::detail::python_json_max_depth, '[');
    BOOST_TEST(post_json(shallow).body == R"j({"message":"JSON parse error - Expecting value: line 1 column 901 (char 900)"})j");
}

BOOST_AUTO_TEST_CASE(values_become_strings_as_python_str_writes_them) {
    // CharField takes str(value): 1e16 is "1e+16", 100.0 stays "100.0", NaN is "nan".
    for (std::string name : {"1e+16", "100.0", "nan", "-inf", "12345678901234567890"})
        hub.add_user({.username = name, .password = "pw", .email = "", .first_name = "", .last_name = ""});
    for (std::string literal : {"1e16", "1E+16", "100.0", "1e2", "NaN", "-Infinity", "12345678901234567890"}) {
        auto r = post_json(R"({"username":)" + literal + R"(,"password":"pw"})");
        BOOST_TEST_CONTEXT(literal) { BOOST_TEST(r.status == 201u); }
    }
}

BOOST_AUTO_TEST_CASE(unicode_whitespace_is_trimmed_and_blank_as_python_strip_sees_it) {
    auto blank = post_json("{\"username\":\"\\u3000\\u00a0\",\"password\":\"sam\"}");
    BOOST_TEST(blank.body == R"({"message":"Invalid input.","errors":[{"field":"username","message":"This field may not be blank."}]})");
    BOOST_TEST(post_json("{\"username\":\"\\u2003sam\\u0085\",\"password\":\"sam\"}").status == 201u);
}

BOOST_AUTO_TEST_CASE(a_repeated_key_takes_its_last_value) {
    BOOST_TEST(post_json(R"({"username":"nobody","password":"sam","username":"sam"})").status == 201u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(python_float_repr_switches_to_exponents_where_python_does) {
    using stencila::hub::emulator::detail::append_python_float;
    const std::pair<double, std::string> rows[] = {
        {1e16, "1e+16"}, {1234567890123456.0, "1234567890123456.0"}, {1e-4, "0.0001"}, {1e-5, "1e-05"},
        {0.1, "0.1"}, {1.5e300, "1.5e+300"}, {5e-324, "5e-324"}, {-0.0, "-0.0"}, {100.0, "100.0"},
        {123456789012345678.0, "1.2345678901234568e+17"}, {0.00012, "0.00012"}, {1e15, "1000000000000000.0"}};
    for (const auto& [d, text] : rows) {
        std::string out;
        append_python_float(out, d);
        BOOST_TEST(out == text);
    }
}
