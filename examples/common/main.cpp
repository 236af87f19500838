// The `main` every example shares: reads the connection settings, then runs the example's
// `co_main` on an io_context and reports its exception, if any. Each example file holds only
// its own idea.
//
//   <example> --url URL [--ca-file PEM] [--user NAME] [args...]
//   environment: STENCILA_HUB_PASSWORD (for --user), STENCILA_HUB_TOKEN (an API key)
#include "common/example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <iostream>
#include <string_view>

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

int main(int argc, char** argv) {
    example_settings s;
    s.options.api_key = env("STENCILA_HUB_TOKEN");
    s.password = env("STENCILA_HUB_PASSWORD");
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        bool has_value = i + 1 < argc;
        if (flag == "--url" && has_value) s.options.base_url = argv[++i];
        else if (flag == "--ca-file" && has_value) s.options.tls.ca_file = argv[++i];
        else if (flag == "--user" && has_value) s.username = argv[++i];
        else s.args.emplace_back(flag);
    }

    boost::asio::io_context io;
    int status = 0;
    boost::asio::co_spawn(io, co_main(std::move(s)), [&](std::exception_ptr e) {
        if (!e) return;
        status = 1;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            std::cerr << argv[0] << ": " << x.what() << "\n";
        }
    });
    io.run();
    return status;
}
