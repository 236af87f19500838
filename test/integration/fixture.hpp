// What every integration test needs: an in-process emulator on an ephemeral port with a known
// user, client options that trust it, and a way to run a coroutine to completion.
#pragma once

#include <stencila/hub/emulator.hpp>
#include <stencila/hub/hub.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <string>

namespace test {

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace emu = stencila::hub::emulator;

inline const std::string username = "a-user";
inline const std::string password = "a-user";

struct hub_fixture {
    explicit hub_fixture(emu::server_options so = {}) : server(std::move(so)) {
        user_id = server.add_user({.username = username, .password = password, .email = "a-user@example.org",
                                   .first_name = "A", .last_name = "User"});
    }

    /// Options that reach and trust this emulator.
    hub::options options() const {
        hub::options o;
        o.base_url = server.base_url();
        o.tls.ca_pem = server.ca_pem();
        return o;
    }

    /// Runs `op` on `io` until it completes; returns its result or rethrows its exception.
    template <class T>
    T run(asio::awaitable<T> op) {
        auto result = asio::co_spawn(io, std::move(op), asio::use_future);
        io.restart();
        io.run();
        return result.get();
    }

    emu::server server;
    int user_id = 0;
    asio::io_context io;
};

}  // namespace test
