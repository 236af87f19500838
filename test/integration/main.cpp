#define BOOST_TEST_MODULE client_integration_tests
#include <boost/test/unit_test.hpp>
