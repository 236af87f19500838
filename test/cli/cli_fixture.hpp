// What every hub-tokens test needs: an in-process HTTPS emulator on an ephemeral port with a known
// user, its CA in a temporary PEM file, and a way to run the real hub-tokens binary against it.
#pragma once

#include "child_process.hpp"

#include <stencila/hub/emulator.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace test {

namespace emu = stencila::hub::emulator;

inline const std::string username = "a-user";
inline const std::string password = "correct horse";

/// A local port nobody listens on: bound once to learn a free number, then closed.
inline std::uint16_t closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    BOOST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// Emulator options with fault injection on (the `X-Emulator-Fault` header).
inline emu::server_options with_faults() {
    emu::server_options o;
    o.faults = true;
    return o;
}

/// A file in /tmp, removed at the end.
struct temp_file {
    explicit temp_file(const std::string& content) {
        char name[] = "/tmp/hub-tokens-test-XXXXXX";
        int fd = ::mkstemp(name);
        BOOST_REQUIRE(fd >= 0);
        ::close(fd);
        path = name;
        std::ofstream{path} << content;
    }
    ~temp_file() { std::remove(path.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    std::string path;
};

/// Runs hub-tokens with `args` and nothing else: no environment but `env`.
inline child_result run_hub_tokens(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                                   std::string input = {}) {
    child_options o;
    o.args = std::move(args);
    o.env = std::move(env);
    o.input = std::move(input);
    return run_child(HUB_TOKENS_PATH, o);
}

struct cli_fixture {
    explicit cli_fixture(emu::server_options so = {}) : server(std::move(so)), ca(server.ca_pem()) {
        user_id = server.add_user({.username = username, .password = password, .email = "a-user@example.org"});
    }

    /// The environment that points hub-tokens at this emulator, plus `extra`.
    std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const {
        extra.emplace("STENCILA_HUB_URL", server.base_url());
        return extra;
    }

    /// Runs hub-tokens against this emulator: `--ca-file` is added, STENCILA_HUB_URL is set.
    child_result run(std::vector<std::string> args, std::map<std::string, std::string> extra_env = {},
                     std::string input = {}) const {
        args.insert(args.begin(), {"--ca-file", ca.path});
        return run_hub_tokens(std::move(args), env(std::move(extra_env)), std::move(input));
    }

    /// An API key for `username`, made by the emulator.
    std::string api_key() { return server.seed_tokens(username, 1).front(); }

    emu::server server;
    temp_file ca;
    int user_id = 0;
};

/// Boost.Test prints these on failure: what the child said helps more than the exit code alone.
inline std::string describe(const child_result& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

}  // namespace test
