// Base URL parsing and request targets (src/sansio/url.cpp). Pure functions, no I/O.
#include "sansio/url.hpp"
#include "error_matchers.hpp"

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

BOOST_AUTO_TEST_SUITE(url)

BOOST_AUTO_TEST_CASE(production_base_url_uses_https_port_443_and_a_bare_host_header) {
    auto b = detail::parse_base_url("https://hub.stenci.la/api");
    BOOST_TEST(b.where.https);
    BOOST_TEST(b.where.host == "hub.stenci.la");
    BOOST_TEST(b.where.port == 443);
    BOOST_TEST(b.where.host_header == "hub.stenci.la");
    BOOST_TEST(!b.where.host_is_ip);
    BOOST_TEST(b.path == "/api");
}

BOOST_AUTO_TEST_CASE(dev_base_url_drops_the_trailing_slash_and_keeps_the_port_in_the_host_header) {
    auto b = detail::parse_base_url("http://127.0.0.1:8000/api/");
    BOOST_TEST(!b.where.https);
    BOOST_TEST(b.where.host == "127.0.0.1");
    BOOST_TEST(b.where.port == 8000);
    BOOST_TEST(b.where.host_header == "127.0.0.1:8000");
    BOOST_TEST(b.where.host_is_ip);
    BOOST_TEST(b.path == "/api");
}

BOOST_AUTO_TEST_CASE(http_default_port_is_80_and_left_out_of_the_host_header) {
    auto b = detail::parse_base_url("http://localhost/api");
    BOOST_TEST(b.where.port == 80);
    BOOST_TEST(b.where.host_header == "localhost");
    auto explicit_default = detail::parse_base_url("https://hub.stenci.la:443/api");
    BOOST_TEST(explicit_default.where.port == 443);
    BOOST_TEST(explicit_default.where.host_header == "hub.stenci.la");
}

BOOST_AUTO_TEST_CASE(ipv6_base_url_has_a_bare_host_and_a_bracketed_host_header) {
    auto b = detail::parse_base_url("https://[::1]:8443/x/y");
    BOOST_TEST(b.where.https);
    BOOST_TEST(b.where.host == "::1");
    BOOST_TEST(b.where.port == 8443);
    BOOST_TEST(b.where.host_header == "[::1]:8443");
    BOOST_TEST(b.where.host_is_ip);
    BOOST_TEST(b.path == "/x/y");
}

BOOST_AUTO_TEST_CASE(upper_case_host_is_lowered) {
    auto b = detail::parse_base_url("HTTPS://Hub.Stenci.LA/api");
    BOOST_TEST(b.where.https);
    BOOST_TEST(b.where.host == "hub.stenci.la");
    BOOST_TEST(b.where.host_header == "hub.stenci.la");
}

BOOST_AUTO_TEST_CASE(base_url_without_path_has_an_empty_prefix) {
    BOOST_TEST(detail::parse_base_url("https://hub.stenci.la").path == "");
    BOOST_TEST(detail::parse_base_url("https://hub.stenci.la/").path == "");
    BOOST_TEST(detail::parse_base_url("https://hub.stenci.la//").path == "");
}

BOOST_AUTO_TEST_CASE(unusable_base_urls_are_rejected_with_invalid_base_url) {
    for (const char* text : {"", "ftp://x", "hub.stenci.la/api", "/api", "https://user:pw@h/api", "https://user@h/api",
                             "https://h/api?x=1", "https://h/api#top", "https://h:0/", "https://h:99999/",
                             "https://h:65536/", "https:///api", "https://", "mailto:sam@example.org", "http:h/api"}) {
        BOOST_TEST_CONTEXT("'" << text << "'") {
            BOOST_CHECK_EXCEPTION((void)detail::parse_base_url(text), boost::system::system_error,
                                  unit::has_code(hub::error::invalid_base_url));
        }
    }
}

BOOST_AUTO_TEST_CASE(highest_port_is_accepted) {
    auto b = detail::parse_base_url("http://h:65535/");
    BOOST_TEST(b.where.port == 65535);
    BOOST_TEST(b.where.host_header == "h:65535");
}

BOOST_AUTO_TEST_CASE(rejected_base_url_with_credentials_does_not_echo_the_password) {
    try {
        (void)detail::parse_base_url("https://sam:hunter2-secret@hub.stenci.la/api");
        BOOST_ERROR("credentials in the base URL were accepted");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == make_error_code(hub::error::invalid_base_url)));
        std::string what = e.what();
        BOOST_TEST(what.find("hunter2-secret") == std::string::npos, "what() leaks the password: " << what);
    }
}

BOOST_AUTO_TEST_CASE(encode_path_segment_keeps_unreserved_characters) {
    const std::string unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    BOOST_TEST(detail::encode_path_segment(unreserved) == unreserved);
    BOOST_TEST(detail::encode_path_segment("") == "");
}

BOOST_AUTO_TEST_CASE(encode_path_segment_percent_encodes_everything_else_in_upper_case) {
    BOOST_TEST(detail::encode_path_segment("a/b") == "a%2Fb");
    BOOST_TEST(detail::encode_path_segment("a b") == "a%20b");
    BOOST_TEST(detail::encode_path_segment("100%") == "100%25");
    BOOST_TEST(detail::encode_path_segment("?#[]@!$&'()*+,;=:") ==
               "%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A");
    BOOST_TEST(detail::encode_path_segment("..") == "..");
    BOOST_TEST(detail::encode_path_segment("\xC3\xB8\xFF") == "%C3%B8%FF");
    BOOST_TEST(detail::encode_path_segment(std::string("a\0b", 3)) == "a%00b");
}

BOOST_AUTO_TEST_CASE(tokens_target_adds_only_the_given_parameters) {
    auto b = detail::parse_base_url("https://hub.stenci.la/api");
    BOOST_TEST(detail::tokens_target(b, std::nullopt, std::nullopt) == "/api/tokens/");
    BOOST_TEST(detail::tokens_target(b, 10, std::nullopt) == "/api/tokens/?limit=10");
    BOOST_TEST(detail::tokens_target(b, std::nullopt, 20) == "/api/tokens/?offset=20");
    BOOST_TEST(detail::tokens_target(b, 10, 20) == "/api/tokens/?limit=10&offset=20");
    BOOST_TEST(detail::tokens_target(b, 9223372036854775807, 0) ==
               "/api/tokens/?limit=9223372036854775807&offset=0");
}

BOOST_AUTO_TEST_CASE(tokens_target_with_empty_prefix_starts_at_the_root) {
    auto b = detail::parse_base_url("http://127.0.0.1:8000");
    BOOST_TEST(detail::tokens_target(b, std::nullopt, std::nullopt) == "/tokens/");
}

BOOST_AUTO_TEST_CASE(token_target_encodes_the_token_as_one_segment) {
    auto b = detail::parse_base_url("https://hub.stenci.la/api/");
    BOOST_TEST(detail::token_target(b, "3f0c9a1b") == "/api/tokens/3f0c9a1b/");
    BOOST_TEST(detail::token_target(b, "a/b") == "/api/tokens/a%2Fb/");
    BOOST_TEST(detail::token_target(b, "../x?y") == "/api/tokens/..%2Fx%3Fy/");
}

BOOST_AUTO_TEST_CASE(same_origin_link_gives_its_path_and_query) {
    auto b = detail::parse_base_url("http://127.0.0.1:8700/api");
    auto t = detail::same_origin_target(b, "http://127.0.0.1:8700/api/tokens/?limit=2&offset=3");
    BOOST_REQUIRE(t);
    BOOST_TEST(*t == "/api/tokens/?limit=2&offset=3");
    auto plus = detail::same_origin_target(b, "http://127.0.0.1:8700/api/tokens/?foo=bar+baz&limit=1&offset=6");
    BOOST_REQUIRE(plus);
    BOOST_TEST(*plus == "/api/tokens/?foo=bar+baz&limit=1&offset=6");
}

BOOST_AUTO_TEST_CASE(same_origin_link_with_explicit_default_port_or_other_case_is_accepted) {
    auto b = detail::parse_base_url("https://hub.stenci.la/api");
    auto t = detail::same_origin_target(b, "https://hub.stenci.la:443/api/tokens/?limit=2");
    BOOST_REQUIRE(t);
    BOOST_TEST(*t == "/api/tokens/?limit=2");
    auto upper = detail::same_origin_target(b, "HTTPS://HUB.STENCI.LA/api/tokens/");
    BOOST_REQUIRE(upper);
    BOOST_TEST(*upper == "/api/tokens/");
}

BOOST_AUTO_TEST_CASE(same_origin_link_without_path_targets_the_root) {
    auto b = detail::parse_base_url("https://hub.stenci.la/api");
    auto t = detail::same_origin_target(b, "https://hub.stenci.la");
    BOOST_REQUIRE(t);
    BOOST_TEST(*t == "/");
}

BOOST_AUTO_TEST_CASE(link_to_another_origin_or_garbage_is_refused) {
    auto b = detail::parse_base_url("https://hub.stenci.la/api");
    for (const char* link : {"https://evil.example/api/tokens/?limit=2", "https://hub.stenci.la:8443/api/tokens/",
                             "http://hub.stenci.la/api/tokens/", "http://hub.stenci.la:443/api/tokens/",
                             "https://hub.stenci.la.evil.example/api/tokens/", "ftp://hub.stenci.la/api/tokens/",
                             "/api/tokens/?limit=2", "", "not a url", "https://user:pw@hub.stenci.la/api/tokens/"}) {
        BOOST_TEST_CONTEXT("'" << link << "'") { BOOST_TEST(!detail::same_origin_target(b, link)); }
    }
}

BOOST_AUTO_TEST_CASE(ipv6_same_origin_link_is_accepted) {
    auto b = detail::parse_base_url("https://[::1]:8443/api");
    auto t = detail::same_origin_target(b, "https://[::1]:8443/api/tokens/?limit=1&offset=1");
    BOOST_REQUIRE(t);
    BOOST_TEST(*t == "/api/tokens/?limit=1&offset=1");
    BOOST_TEST(!detail::same_origin_target(b, "https://[::2]:8443/api/tokens/"));
}

BOOST_AUTO_TEST_CASE(rejected_base_url_never_echoes_a_password_holding_url_delimiters) {
    for (const char* url : {"https://user:p/ss@hub.example/api", "https://user:p?ss@hub.example/api",
                            "https://user:p#ss@hub.example/api", "https://user:p@ss@hub.example/api"}) {
        try {
            (void)detail::parse_base_url(url);
            BOOST_FAIL("expected invalid_base_url for a URL with user-info");
        } catch (const boost::system::system_error& e) {
            std::string what = e.what();
            BOOST_TEST(what.find("ss@") == std::string::npos, what);
            BOOST_TEST(what.find("p/ss") == std::string::npos, what);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
