// Choosing the proxy: options, environment, NO_PROXY, credentials in the URL.
#include "sansio/proxy.hpp"

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

namespace {

std::map<std::string, std::string> fake_env;
const char* fake_getenv(const char* name) {
    auto it = fake_env.find(name);
    return it == fake_env.end() ? nullptr : it->second.c_str();
}

std::optional<detail::proxy_route> choose(const hub::options& o) {
    return detail::choose_proxy(o, detail::parse_base_url(o.base_url), &fake_getenv);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(proxy_choice)

BOOST_AUTO_TEST_CASE(no_proxy_entries_match_hosts_domains_and_star) {
    BOOST_TEST(detail::bypasses_proxy("*", "hub.stenci.la"));
    BOOST_TEST(detail::bypasses_proxy("example.org,hub.stenci.la", "hub.stenci.la"));
    BOOST_TEST(detail::bypasses_proxy("stenci.la", "hub.stenci.la"));
    BOOST_TEST(detail::bypasses_proxy(".stenci.la", "hub.stenci.la"));
    BOOST_TEST(detail::bypasses_proxy("localhost, 127.0.0.1:8443", "127.0.0.1"));
    BOOST_TEST(detail::bypasses_proxy("[::1]", "::1"));
    BOOST_TEST(detail::bypasses_proxy("HUB.Stenci.LA", "hub.stenci.la"));
    BOOST_TEST(!detail::bypasses_proxy("enci.la", "hub.stenci.la"));  // not a domain boundary
    BOOST_TEST(!detail::bypasses_proxy("example.org", "hub.stenci.la"));
    BOOST_TEST(!detail::bypasses_proxy("", "hub.stenci.la"));
}

BOOST_AUTO_TEST_CASE(explicit_proxy_url_with_options_credentials_gives_basic_authorization) {
    hub::options o;
    o.proxy.url = "http://proxy.example:3128";
    o.proxy.username = "alice";
    o.proxy.password = "s3cret";
    auto p = choose(o);
    BOOST_REQUIRE(p);
    BOOST_TEST(p->where.host == "proxy.example");
    BOOST_TEST(p->where.port == 3128);
    BOOST_TEST(p->authorization == "Basic YWxpY2U6czNjcmV0");  // base64("alice:s3cret")
}

BOOST_AUTO_TEST_CASE(credentials_in_the_proxy_url_are_used_and_a_bare_host_port_reads_as_http) {
    hub::options o;
    o.proxy.url = "alice:s3cret@proxy.example:3128";
    auto p = choose(o);
    BOOST_REQUIRE(p);
    BOOST_TEST(p->where.host == "proxy.example");
    BOOST_TEST(p->authorization == "Basic YWxpY2U6czNjcmV0");
}

BOOST_AUTO_TEST_CASE(environment_is_read_only_when_asked_and_by_scheme) {
    fake_env = {{"HTTPS_PROXY", "http://secure-proxy:1"}, {"http_proxy", "http://plain-proxy:2"}};
    hub::options o;
    BOOST_TEST(!choose(o));
    o.proxy.from_environment = true;
    BOOST_TEST(choose(o)->where.host == "secure-proxy");
    o.base_url = "http://hub.example/api";
    BOOST_TEST(choose(o)->where.host == "plain-proxy");
    fake_env["no_proxy"] = "hub.example";
    BOOST_TEST(!choose(o));
    fake_env.clear();
}

BOOST_AUTO_TEST_CASE(https_or_garbage_proxy_url_is_invalid_proxy_url_without_echoing_it) {
    hub::options o;
    for (const char* url : {"https://alice:s3cret@proxy:3128", "http://", "ftp://proxy:21"}) {
        o.proxy.url = url;
        try {
            choose(o);
            BOOST_FAIL("expected invalid_proxy_url for " << url);
        } catch (const boost::system::system_error& e) {
            BOOST_TEST((e.code() == hub::error::invalid_proxy_url));
            BOOST_TEST(std::string(e.what()).find("s3cret") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
