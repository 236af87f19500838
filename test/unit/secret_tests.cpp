// `secret` and the models' printing (src/sansio/secret.cpp, src/sansio/models.cpp): values never show.
#include "samples.hpp"

#include <stencila/hub/models.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/secret.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <type_traits>

namespace hub = stencila::hub;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

using samples::token_value;

template <class T>
std::string printed(const T& v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

hub::timestamp example_time() { return hub::timestamp{sys_days{2022y / 2 / 1}} + 20h + 42min + 43s + 123456us; }

}  // namespace

BOOST_AUTO_TEST_SUITE(secret)

BOOST_AUTO_TEST_CASE(secret_prints_redacted_never_its_value) {
    hub::secret s{token_value};
    auto out = printed(s);
    BOOST_TEST(out == "[redacted]");
    BOOST_TEST(out.find(token_value) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_secret_prints_empty) {
    BOOST_TEST(printed(hub::secret{}) == "[empty]");
    BOOST_TEST(printed(hub::secret{""}) == "[empty]");
}

BOOST_AUTO_TEST_CASE(secret_reveals_its_value_and_knows_when_empty) {
    hub::secret s{std::string("k\0ey", 4)};
    BOOST_TEST(s.reveal() == std::string("k\0ey", 4));
    BOOST_TEST(!s.empty());
    BOOST_TEST(hub::secret{}.empty());
    BOOST_TEST(hub::secret{static_cast<const char*>(nullptr)}.empty());
    BOOST_TEST(hub::secret{std::string_view("abc")}.reveal() == "abc");
}

BOOST_AUTO_TEST_CASE(secrets_are_equal_only_with_equal_values) {
    BOOST_TEST((hub::secret{"abc"} == hub::secret{"abc"}));
    BOOST_TEST(!(hub::secret{"abc"} == hub::secret{"abd"}));
    BOOST_TEST(!(hub::secret{"abc"} == hub::secret{"abcd"}));
    BOOST_TEST(!(hub::secret{"abc"} == hub::secret{}));
    BOOST_TEST((hub::secret{} == hub::secret{""}));
    BOOST_TEST((hub::secret{"abc"} != hub::secret{"xbc"}));
}

BOOST_AUTO_TEST_CASE(created_token_prints_its_fields_but_not_the_token_value) {
    hub::created_token t;
    t.token = token_value;
    t.id = token_value.substr(0, 8);
    t.user = 1;
    t.username = "a-user";
    t.first_name = "A";
    t.last_name = "User";
    t.created = example_time();
    t.expiry = example_time() + days{7};
    auto out = printed(t);
    BOOST_TEST(out.find(token_value) == std::string::npos, out);
    BOOST_TEST(out.find("[redacted]") != std::string::npos, out);
    BOOST_TEST(out.find("a-user") != std::string::npos, out);
    BOOST_TEST(out.find("309cb783") != std::string::npos, out);
    BOOST_TEST(out.find("2022-02-01T20:42:43.123456Z") != std::string::npos, out);
    BOOST_TEST(out.find("2022-02-08T20:42:43.123456Z") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(created_token_printed_as_a_token_does_not_show_the_value) {
    hub::created_token t;
    t.token = token_value;
    t.id = "309cb783";
    const hub::token& base = t;
    auto out = printed(base);
    BOOST_TEST(out.find(token_value) == std::string::npos, out);
    BOOST_TEST(out.find("309cb783") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(token_prints_null_expiry) {
    hub::token t;
    t.user = 5;
    t.id = "059cfd51";
    t.created = example_time();
    auto out = printed(t);
    BOOST_TEST(out.find("null") != std::string::npos, out);
    BOOST_TEST(out.find("059cfd51") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(credentials_and_api_key_are_secrets) {
    static_assert(std::is_same_v<decltype(hub::password_credentials::password), hub::secret>);
    static_assert(std::is_same_v<decltype(hub::openid_credentials::jwt), hub::secret>);
    static_assert(std::is_same_v<decltype(hub::created_token::token), hub::secret>);
    static_assert(std::is_same_v<decltype(hub::options::api_key), hub::secret>);
    static_assert(std::is_same_v<decltype(hub::tls_options::private_key_pem), hub::secret>);
    hub::password_credentials c{"sam", "hunter2"};
    BOOST_TEST(printed(c.password) == "[redacted]");
    BOOST_TEST(c.password.reveal() == "hunter2");
}

BOOST_AUTO_TEST_SUITE_END()
