// What a `client` and its copies share.
#pragma once

#include "sansio/call_settings.hpp"
#include "io/transport.hpp"
#include "sansio/url.hpp"

#include <stencila/hub/options.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace stencila::hub::detail {

class client_state {
public:
    client_state(boost::asio::any_io_executor ex, options o, base_url b, std::shared_ptr<transport> t)
        : executor(std::move(ex)), opts(std::move(o)), base(std::move(b)), http(std::move(t)),
          defaults(call_settings::of(opts)) {}

    boost::asio::any_io_executor executor;
    options opts;
    base_url base;
    std::shared_ptr<transport> http;
    call_ptr defaults;  ///< what calls go by without a `with` view
};

/// A client's state, its options checked as `client`'s constructor documents; over `http`, or
/// over Beast's transport (`make_transport`) when it is null.
std::shared_ptr<client_state> make_client_state(boost::asio::any_io_executor executor, options opts,
                                                std::shared_ptr<transport> http);

}  // namespace stencila::hub::detail
