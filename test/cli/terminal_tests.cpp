// Behaviour that only shows on a terminal, checked through a pseudo-terminal: the password is not
// echoed, and a long `list --all` draws a progress line on standard error, then erases it.
#include "cli_fixture.hpp"

#include <cerrno>
#include <regex>

#include <fcntl.h>
#include <termios.h>

using namespace test;

namespace {

struct pseudo_terminal {
    pseudo_terminal() {
        master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        BOOST_REQUIRE(master >= 0);
        BOOST_REQUIRE(::grantpt(master) == 0);
        BOOST_REQUIRE(::unlockpt(master) == 0);
        slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
        BOOST_REQUIRE(slave >= 0);
    }
    ~pseudo_terminal() {
        ::close(slave);
        ::close(master);
    }
    pseudo_terminal(const pseudo_terminal&) = delete;
    pseudo_terminal& operator=(const pseudo_terminal&) = delete;

    /// Everything the terminal would show so far (what the child wrote and what was echoed).
    std::string screen() const {
        ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
        std::string text;
        char buffer[4096];
        for (;;) {
            auto n = ::read(master, buffer, sizeof buffer);
            if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
            else if (n < 0 && errno == EINTR) continue;
            else break;
        }
        return text;
    }

    int master = -1;
    int slave = -1;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(terminal)

BOOST_FIXTURE_TEST_CASE(password_typed_on_a_terminal_is_not_echoed, cli_fixture) {
    pseudo_terminal tty;
    child_options o;
    o.args = {"--ca-file", ca.path, "login", "--username", username};
    o.env = env();
    o.stdin_fd = tty.slave;
    bool typed = false;
    o.on_stderr = [&](const std::string& err) {
        if (!typed && err.find("Password for a-user: ") != std::string::npos) {
            std::string keys = password + "\n";
            BOOST_REQUIRE(::write(tty.master, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
            typed = true;
        }
    };
    auto r = run_child(HUB_TOKENS_PATH, o);
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(typed);
    BOOST_TEST(std::regex_match(r.out, std::regex{"[0-9a-f]{64}\n"}), r.out);
    auto screen = tty.screen();
    BOOST_TEST(screen.find("correct") == std::string::npos, "the password was echoed: " << screen);

    termios mode{};
    BOOST_REQUIRE(::tcgetattr(tty.slave, &mode) == 0);
    BOOST_TEST((mode.c_lflag & ECHO) != 0u, "echo is restored");
}

BOOST_AUTO_TEST_CASE(a_long_walk_shows_progress_on_a_terminal_and_erases_it) {
    emu::server_options so;
    so.faults = true;
    cli_fixture f{so};
    auto secrets = f.server.seed_tokens(username, 200);
    f.server.inject({.what = emu::fault::kind::latency, .method = "GET", .times = 0,
                     .delay = std::chrono::milliseconds{150}});
    pseudo_terminal tty;
    child_options o;
    o.args = {"--ca-file", f.ca.path, "list", "--all", "--page-size", "10"};
    o.env = f.env({{"STENCILA_HUB_TOKEN", secrets[0]}});
    o.stderr_fd = tty.slave;
    auto r = run_child(HUB_TOKENS_PATH, o);
    auto screen = tty.screen();
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r) << screen);
    BOOST_TEST(lines_of(r.out).size() == 201u);
    BOOST_TEST(screen.find("\r 200/200 tokens") != std::string::npos, screen);
    BOOST_TEST(screen.ends_with("\r"), "the line is erased at the end: " << screen);
    BOOST_TEST(screen.find(secrets[0]) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(no_progress_line_for_a_short_walk, cli_fixture) {
    auto secrets = server.seed_tokens(username, 5);
    pseudo_terminal tty;
    child_options o;
    o.args = {"--ca-file", ca.path, "list", "--all"};
    o.env = env({{"STENCILA_HUB_TOKEN", secrets[0]}});
    o.stderr_fd = tty.slave;
    auto r = run_child(HUB_TOKENS_PATH, o);
    BOOST_TEST_REQUIRE(r.exit_code == 0, describe(r));
    BOOST_TEST(tty.screen().empty());
}

BOOST_AUTO_TEST_SUITE_END()
