// What the shared `main` hands each example.
#pragma once

#include <stencila/hub/hub.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <vector>

struct example_settings {
    stencila::hub::options options;    ///< base_url, tls.ca_file, api_key (STENCILA_HUB_TOKEN)
    std::string username;              ///< --user
    stencila::hub::secret password;    ///< STENCILA_HUB_PASSWORD
    std::vector<std::string> args;     ///< everything else
};

/// Each example defines this.
boost::asio::awaitable<void> co_main(example_settings settings);
