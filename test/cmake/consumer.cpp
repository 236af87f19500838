// The smallest real program: an emulator, a client, one token created and read back.
#include <stencila/hub/emulator.hpp>
#include <stencila/hub/hub.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>

int main() {
    namespace hub = stencila::hub;
    hub::emulator::server server;
    server.add_user({.username = "sam", .password = "sam"});
    hub::options opts;
    opts.base_url = server.base_url();
    opts.tls.ca_pem = server.ca_pem();

    boost::asio::io_context io;
    hub::client client{io.get_executor(), opts};
    auto result = boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<hub::token> {
        hub::password_credentials credentials{"sam", "sam"};
        auto created = co_await client.tokens().create(credentials);
        co_return co_await client.tokens().read(created.token);
    }(), boost::asio::use_future);
    io.run();
    std::cout << "consumer: read token " << result.get().id << "\n";
    return 0;
}
