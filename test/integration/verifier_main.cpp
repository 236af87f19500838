#define BOOST_TEST_MODULE verifier_integration_tests
#include <boost/test/unit_test.hpp>
