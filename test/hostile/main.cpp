#define BOOST_TEST_MODULE hostile_tests
#include <boost/test/unit_test.hpp>

#include <csignal>

// The hostile server writes to clients that have gone, and hub-tokens may exit before reading
// its input: neither may kill the test with SIGPIPE.
struct ignore_sigpipe {
    ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }
};
BOOST_TEST_GLOBAL_FIXTURE(ignore_sigpipe);
