// A program that uses the installed library and needs no server: it builds a client and makes a
// call the library rejects before any I/O, printing what it caught.
#include <stencila/hub/hub.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>

#include <iostream>

namespace hub = stencila::hub;

boost::asio::awaitable<void> read_empty(hub::client client) {
    try {
        co_await client.tokens().read(hub::secret{""});
    } catch (const boost::system::system_error& e) {
        std::cout << "app: stencila-hub " << hub::version << ": " << e.code().message() << "\n";
    }
}

int main() {
    boost::asio::io_context io;
    hub::client client{io.get_executor(), {.base_url = "https://hub.example.org/api"}};
    boost::asio::co_spawn(io, read_empty(client), boost::asio::detached);
    io.run();
}
