// `client`: a Hub client — its options, a TLS context and a keep-alive connection pool — and the
// door to the calls (`client.tokens()`, tokens_api.hpp).
//
//     auto executor = co_await asio::this_coro::executor;  // named first: see the compiler notes in README.md
//     hub::client hub{executor, {.base_url = url, .api_key = key}};
//     auto created = co_await hub.tokens().create(hub::password_credentials{"sam", "secret"});
//     auto page    = co_await hub.tokens().list(10, 0);
//     auto fresh   = co_await hub.tokens().read(created.token);
//     co_await hub.tokens().remove(created.token);
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <stencila/hub/call_stats.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/pool_stats.hpp>
#include <stencila/hub/tokens_api.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace stencila::hub {

/// A Hub client: options, a TLS context and a keep-alive connection pool. Copies share them.
/// Its I/O objects use `executor`; outstanding operations keep the shared state alive.
class client {
public:
    /// Throws `system_error` with `error::invalid_base_url` for an unusable `base_url`, and
    /// `error::invalid_argument` for unreadable TLS files.
    client(boost::asio::any_io_executor executor, options opts = {});

    /// The calls, with the client's settings; `tokens().with(call_options)` for others.
    [[nodiscard]] tokens_api tokens() const;
    /// The connection pool's counters.
    [[nodiscard]] pool_stats stats() const;
    /// The calls' counters: attempts, requests, retries and why, answers by status class.
    [[nodiscard]] hub::call_stats call_stats() const;
    [[nodiscard]] const options& config() const;
    [[nodiscard]] const boost::asio::any_io_executor& get_executor() const;

private:
    std::shared_ptr<detail::client_state> state_;
};

}  // namespace stencila::hub
