#include "api/injection.hpp"

#include "api/client_state.hpp"

namespace stencila::hub::detail {

client injection::client_over(boost::asio::any_io_executor executor, options opts, std::shared_ptr<transport> http) {
    return client{make_client_state(std::move(executor), std::move(opts), std::move(http))};
}

token_verifier injection::verifier_over(const client& hub, verifier_options o, token_source source) {
    const auto& opts = hub.config();
    return token_verifier{
        std::make_shared<verifier_shell>(hub.get_executor(), o, std::move(source), opts.logger, opts.min_log_level)};
}

}  // namespace stencila::hub::detail
