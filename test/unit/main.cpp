// The test module's entry point; each *_tests.cpp file holds one unit's suite.
#define BOOST_TEST_MODULE client_unit_tests
#include <boost/test/unit_test.hpp>
