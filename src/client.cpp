#include "detail/client_state.hpp"

#include <stencila/hub/client.hpp>

namespace stencila::hub {

client::client(boost::asio::any_io_executor executor, options opts) {
    auto base = detail::parse_base_url(opts.base_url);
    auto http = detail::make_beast_transport(executor, opts, base);
    state_ = std::make_shared<detail::client_state>(std::move(executor), std::move(opts), std::move(base), std::move(http));
}

pool_stats client::stats() const { return state_->http->stats(); }
const options& client::config() const { return state_->opts; }
const boost::asio::any_io_executor& client::get_executor() const { return state_->executor; }

}  // namespace stencila::hub
