// TLS: verification on by default with distinct errors, mTLS, and plain http.
#include "fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace test;

namespace {

boost::system::error_code failure_of(hub_fixture& f, const hub::options& opts) {
    hub::client c{f.io.get_executor(), opts};
    try {
        f.run(c.tokens().read("foo"));
    } catch (const hub::api_error&) {  // an answer (404): the connection worked
        return {};
    } catch (const boost::system::system_error& e) {
        return e.code();
    }
    return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(untrusted_ca_is_a_tls_verification_error) {
    hub_fixture f;
    hub_fixture other;  // a second emulator has a CA of its own
    auto opts = f.options();
    opts.tls.ca_pem = other.server.ca_pem();
    BOOST_TEST((failure_of(f, opts) == hub::error::tls_untrusted_certificate));
    hub::client c{f.io.get_executor(), opts};
    BOOST_CHECK_THROW(f.run(c.tokens().read("foo")), boost::system::system_error);
    BOOST_TEST(c.stats().retried == 0u);  // a verification failure is not retried
}

BOOST_AUTO_TEST_CASE(system_trust_store_does_not_trust_the_emulator) {
    hub_fixture f;
    auto opts = f.options();
    opts.tls.ca_pem.clear();
    BOOST_TEST((failure_of(f, opts) == hub::error::tls_untrusted_certificate));
}

BOOST_AUTO_TEST_CASE(host_not_in_the_certificate_is_a_hostname_mismatch) {
    emu::server_options so;
    so.listen = "127.0.0.2";  // the certificate names localhost, 127.0.0.1 and ::1 only
    hub_fixture f{so};
    BOOST_TEST((failure_of(f, f.options()) == hub::error::tls_hostname_mismatch));
}

BOOST_AUTO_TEST_CASE(expired_certificate_is_rejected_as_expired) {
    emu::server_options so;
    so.expired_certificate = true;
    hub_fixture f{so};
    BOOST_TEST((failure_of(f, f.options()) == hub::error::tls_certificate_expired));
}

BOOST_AUTO_TEST_CASE(localhost_name_is_verified_with_sni) {
    hub_fixture f;
    auto opts = f.options();
    opts.base_url = "https://localhost:" + std::to_string(f.server.port()) + "/api";
    BOOST_TEST(!failure_of(f, opts));
}

BOOST_AUTO_TEST_CASE(verification_off_is_explicit_and_logged_as_a_warning) {
    hub_fixture f;
    auto opts = f.options();
    opts.tls.ca_pem.clear();
    opts.tls.verify = false;
    std::vector<std::string> warnings;
    opts.logger = [&](hub::log_level level, std::string_view m) {
        if (level == hub::log_level::warning) warnings.emplace_back(m);
    };
    BOOST_TEST(!failure_of(f, opts));
    BOOST_REQUIRE(!warnings.empty());
    BOOST_TEST(warnings.front().find("verification is OFF") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mutual_tls_works_with_a_client_certificate_and_fails_without) {
    emu::server_options so;
    so.require_client_certificate = true;
    hub_fixture f{so};
    auto opts = f.options();
    BOOST_TEST(failure_of(f, opts).failed());

    auto [cert, key] = f.server.make_client_certificate("test-client");
    opts.tls.certificate_pem = cert;
    opts.tls.private_key_pem = key;
    BOOST_TEST(!failure_of(f, opts));
}

BOOST_AUTO_TEST_CASE(http_base_url_works) {
    emu::server_options so;
    so.https = false;
    hub_fixture f{so};
    BOOST_TEST(f.server.base_url().rfind("http://", 0) == 0u);
    hub::client c{f.io.get_executor(), f.options()};
    auto created = f.run(c.tokens().create(hub::password_credentials{username, password}));
    auto read = f.run(c.tokens().read(created.token));
    BOOST_TEST(read.id == created.id);
}

BOOST_AUTO_TEST_SUITE_END()
