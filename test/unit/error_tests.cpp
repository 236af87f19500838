// `hub::error` as a test uses it: compared with an error code inside BOOST_TEST, which must print
// both sides, and printed by name.
#include <stencila/hub/error.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>

namespace hub = stencila::hub;

namespace {

std::string printed(hub::error e) {
    std::ostringstream os;
    os << e;
    return os.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(error_codes)

BOOST_AUTO_TEST_CASE(boost_test_compares_a_system_errors_code_with_an_error) {
    try {
        throw boost::system::system_error(make_error_code(hub::error::request_timeout), "GET /tokens/{token}/");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST(e.code() == hub::error::request_timeout);
        BOOST_TEST(e.code() != hub::error::attempt_timeout);
    }
    using hub::error;
    boost::system::error_code ec = error::empty_token;
    BOOST_TEST(ec == error::empty_token);  // as error.hpp advertises it
}

BOOST_AUTO_TEST_CASE(an_error_prints_as_its_name_in_code) {
    BOOST_TEST(printed(hub::error::request_timeout) == "error::request_timeout");
    BOOST_TEST(printed(hub::error::empty_token) == "error::empty_token");
    BOOST_TEST(printed(hub::error::walk_timeout) == "error::walk_timeout");
    for (int v = static_cast<int>(hub::error::empty_token); v <= static_cast<int>(hub::error::hub_throttled); ++v)
        BOOST_TEST(printed(static_cast<hub::error>(v)).starts_with("error::"), "value " << v);
    BOOST_TEST(printed(static_cast<hub::error>(99)) == "error(99)");
}

BOOST_AUTO_TEST_SUITE_END()
