#define BOOST_TEST_MODULE emulator_conformance
#include <boost/test/unit_test.hpp>
