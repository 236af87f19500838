#define BOOST_TEST_MODULE cli_tests
#include <boost/test/unit_test.hpp>

#include <csignal>

// A child that exits before reading all its input must not kill the test with SIGPIPE.
struct ignore_sigpipe {
    ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }
};
BOOST_TEST_GLOBAL_FIXTURE(ignore_sigpipe);
