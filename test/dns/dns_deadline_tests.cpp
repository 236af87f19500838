// Name resolution inside the deadline: a resolver that never answers must not hold a call past
// its connect timeout, and cancellation must end the wait at once.
//
// Run by ctest inside a private mount namespace whose /etc/resolv.conf names 127.0.0.1 as the only
// nameserver (see CMakeLists.txt); this program binds UDP 127.0.0.1:53 and swallows every query.
#define BOOST_TEST_MODULE dns_deadline_tests
#include <stencila/hub/client.hpp>
#include <stencila/hub/error.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <sstream>

namespace asio = boost::asio;
namespace hub = stencila::hub;
using namespace std::chrono_literals;

namespace {

const std::string host = "hub.never-answers.test";

// Swallows DNS queries on 127.0.0.1:53 for as long as it lives.
struct silent_nameserver {
    silent_nameserver() : socket(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 53)) {}
    asio::io_context io;
    asio::ip::udp::socket socket;
};

struct outcome {
    boost::system::error_code code;
    std::string what;
    std::chrono::steady_clock::duration took{};
};

outcome read_through_the_silent_resolver(hub::options o, std::chrono::milliseconds cancel_after = {}) {
    asio::io_context io;
    hub::client client{io.get_executor(), std::move(o)};
    asio::cancellation_signal cancel;
    asio::steady_timer timer(io);
    if (cancel_after.count() > 0) {
        timer.expires_after(cancel_after);
        timer.async_wait([&](boost::system::error_code) { cancel.emit(asio::cancellation_type::terminal); });
    }
    outcome out;
    auto start = std::chrono::steady_clock::now();
    asio::co_spawn(io, client.tokens().read(hub::secret{std::string(64, 'a')}),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, hub::token) {
                       out.took = std::chrono::steady_clock::now() - start;
                       try {
                           if (e) std::rethrow_exception(e);
                       } catch (const boost::system::system_error& x) {
                           out.code = x.code();
                           out.what = x.what();
                       }
                   }));
    io.run();  // returns once the lookup itself gives up in the background (resolv.conf: 1 s)
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_test_namespace_points_the_resolver_at_the_silent_nameserver) {
    std::ifstream in("/etc/resolv.conf");
    std::stringstream text;
    text << in.rdbuf();
    BOOST_TEST_REQUIRE(text.str().find("nameserver 127.0.0.1") != std::string::npos,
                       "run through ctest: it mounts the test's resolv.conf");
}

BOOST_AUTO_TEST_CASE(a_resolver_that_never_answers_fails_the_call_at_its_connect_timeout) {
    silent_nameserver dns;
    hub::options o;
    o.base_url = "https://" + host + "/api";
    o.timeouts.connect = 300ms;
    o.retry.max_attempts = 1;
    auto r = read_through_the_silent_resolver(o);
    BOOST_TEST((r.code == hub::error::connect_timeout), r.code.message());
    BOOST_TEST(r.what == "GET /tokens/{token}/: resolving " + host + ": timed out connecting: timeouts.connect (300 ms) passed");
    BOOST_TEST(r.took >= 300ms);
    BOOST_TEST(r.took < 900ms);  // well before the lookup's own 1 s: the deadline, not getaddrinfo, ended it
}

BOOST_AUTO_TEST_CASE(the_whole_request_deadline_bounds_resolution_too) {
    silent_nameserver dns;
    hub::options o;
    o.base_url = "https://" + host + "/api";
    o.timeouts.request = 250ms;  // connect stays at its default 10 s
    auto r = read_through_the_silent_resolver(o);
    BOOST_TEST((r.code == hub::error::connect_timeout), r.code.message());
    BOOST_TEST(r.what == "GET /tokens/{token}/: resolving " + host + ": timed out connecting: timeouts.request (250 ms) passed");
    BOOST_TEST(r.took < 900ms);
}

BOOST_AUTO_TEST_CASE(terminal_cancellation_ends_the_wait_for_the_resolver_at_once) {
    silent_nameserver dns;
    hub::options o;
    o.base_url = "https://" + host + "/api";
    auto r = read_through_the_silent_resolver(o, 100ms);
    BOOST_TEST((r.code == asio::error::operation_aborted), r.code.message());
    BOOST_TEST(r.took < 900ms);
}
