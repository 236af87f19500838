// HTTPS (and HTTP) through an HTTP CONNECT proxy: Debian's tinyproxy, started here.
#include "fixture.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>

extern char** environ;

using namespace test;
namespace fs = std::filesystem;

namespace {

std::uint16_t free_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

// tinyproxy in the foreground on a free port, with basic auth alice:s3cret; stopped at the end.
class tinyproxy {
public:
    tinyproxy() : port(free_port()), dir_(fs::temp_directory_path() / ("tinyproxy-" + std::to_string(port))) {
        fs::create_directories(dir_);
        std::ofstream(dir_ / "tinyproxy.conf") << "Port " << port << "\nListen 127.0.0.1\nTimeout 60\n"
                                                << "LogLevel Info\nMaxClients 20\nBasicAuth alice s3cret\n";
        std::string conf = (dir_ / "tinyproxy.conf").string(), log = (dir_ / "log").string();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const char* argv[] = {"tinyproxy", "-d", "-c", conf.c_str(), nullptr};
        int rc = posix_spawnp(&pid_, "tinyproxy", &actions, nullptr, const_cast<char**>(argv), environ);
        posix_spawn_file_actions_destroy(&actions);
        BOOST_REQUIRE_MESSAGE(rc == 0, "tinyproxy could not be started (scripts/setup installs it)");
        for (int i = 0; i < 500; ++i) {  // until it listens (bounded)
            asio::io_context io;
            asio::ip::tcp::socket s(io);
            boost::system::error_code ec;
            s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
            if (!ec) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        BOOST_FAIL("tinyproxy did not start listening");
    }
    ~tinyproxy() {
        kill(pid_, SIGTERM);
        int status;
        waitpid(pid_, &status, 0);
        fs::remove_all(dir_);
    }
    /// How many CONNECT requests to `authority` the proxy logged.
    std::size_t connects_to(const std::string& authority) const {
        std::ifstream in(dir_ / "log");
        std::size_t n = 0;
        for (std::string line; std::getline(in, line);)
            if (line.find("CONNECT " + authority) != std::string::npos) ++n;
        return n;
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

    const std::uint16_t port;

private:
    fs::path dir_;
    pid_t pid_ = 0;
};

struct scoped_env {
    scoped_env(const char* name, const std::string& value) : name_(name) { setenv(name, value.c_str(), 1); }
    ~scoped_env() { unsetenv(name_); }
    const char* name_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(proxy)

BOOST_AUTO_TEST_CASE(https_goes_through_the_proxy_with_basic_credentials) {
    tinyproxy p;
    hub_fixture f;
    auto opts = f.options();
    opts.proxy.url = p.url();
    opts.proxy.username = "alice";
    opts.proxy.password = "s3cret";
    hub::client c{f.io.get_executor(), opts};
    auto created = f.run(c.tokens().create(hub::password_credentials{username, password}));
    BOOST_TEST(f.run(c.tokens().read(created.token)).id == created.id);
    BOOST_TEST(p.connects_to("127.0.0.1:" + std::to_string(f.server.port())) == 1u);  // one pooled tunnel
}

BOOST_AUTO_TEST_CASE(wrong_proxy_credentials_are_proxy_refused_with_the_status) {
    tinyproxy p;
    hub_fixture f;
    auto opts = f.options();
    opts.proxy.url = "http://alice:wrong@127.0.0.1:" + std::to_string(p.port);
    hub::client c{f.io.get_executor(), opts};
    try {
        f.run(c.tokens().read("foo"));
        BOOST_FAIL("expected proxy_refused");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::proxy_refused));
        // tinyproxy answers 401 where RFC 9110 says 407; either way the status is in the message
        BOOST_TEST(std::string(e.what()).find("the proxy answered 40") != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("wrong") == std::string::npos);  // the password stays out
    }
}

BOOST_AUTO_TEST_CASE(http_base_url_is_tunnelled_too) {
    tinyproxy p;
    emu::server_options so;
    so.https = false;
    hub_fixture f{so};
    auto opts = f.options();
    opts.proxy.url = "http://alice:s3cret@127.0.0.1:" + std::to_string(p.port);
    hub::client c{f.io.get_executor(), opts};
    auto created = f.run(c.tokens().create(hub::password_credentials{username, password}));
    BOOST_TEST(created.username == username);
    BOOST_TEST(p.connects_to("127.0.0.1:" + std::to_string(f.server.port())) == 1u);
}

BOOST_AUTO_TEST_CASE(environment_proxy_is_used_when_asked_and_no_proxy_bypasses_it) {
    tinyproxy p;
    hub_fixture f;
    auto authority = "127.0.0.1:" + std::to_string(f.server.port());
    scoped_env https_proxy("HTTPS_PROXY", "http://alice:s3cret@127.0.0.1:" + std::to_string(p.port));
    auto opts = f.options();

    hub::client ignoring{f.io.get_executor(), opts};  // from_environment is off by default
    f.run(ignoring.tokens().create(hub::password_credentials{username, password}));
    BOOST_TEST(p.connects_to(authority) == 0u);

    opts.proxy.from_environment = true;
    hub::client using_env{f.io.get_executor(), opts};
    f.run(using_env.tokens().create(hub::password_credentials{username, password}));
    BOOST_TEST(p.connects_to(authority) == 1u);

    scoped_env no_proxy("NO_PROXY", "example.org, 127.0.0.1");
    hub::client bypassing{f.io.get_executor(), opts};
    f.run(bypassing.tokens().create(hub::password_credentials{username, password}));
    BOOST_TEST(p.connects_to(authority) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
