#include "api/client_state.hpp"
#include "sansio/failure.hpp"

#include <stencila/hub/client.hpp>

namespace stencila::hub {

namespace {

// Values that go into request headers must not end the header early.
void check_header_value(std::string_view value, const char* what) {
    for (unsigned char c : value)
        if (c == '\r' || c == '\n' || c == 0)
            throw detail::failure(make_error_code(error::invalid_argument),
                                  std::string("options: ") + what + " holds a line break or NUL");
}

}  // namespace

namespace detail {

std::shared_ptr<client_state> make_client_state(boost::asio::any_io_executor executor, options opts,
                                                std::shared_ptr<transport> http) {
    check_header_value(opts.user_agent, "user_agent");
    check_header_value(opts.api_key.reveal(), "api_key");
    check_header_value(opts.api_key_prefix, "api_key_prefix");
    auto base = parse_base_url(opts.base_url);
    if (!http) http = make_transport(executor, opts, base);
    return std::make_shared<client_state>(std::move(executor), std::move(opts), std::move(base), std::move(http));
}

}  // namespace detail

client::client(boost::asio::any_io_executor executor, options opts)
    : state_(detail::make_client_state(std::move(executor), std::move(opts), nullptr)) {}

tokens_api client::tokens() const { return tokens_api{state_, state_->defaults}; }
pool_stats client::stats() const { return state_->http->stats(); }
hub::call_stats client::call_stats() const { return state_->http->call_stats(); }
const options& client::config() const { return state_->opts; }
const boost::asio::any_io_executor& client::get_executor() const { return state_->executor; }

}  // namespace stencila::hub
