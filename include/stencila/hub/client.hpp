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

namespace detail {
struct injection;
}  // namespace detail

/// A Hub client: options, a TLS context and a keep-alive connection pool. Copies share them.
/// Its I/O objects use `executor`; outstanding operations keep the shared state alive, so a
/// client may be destroyed while its calls run. One client (and its copies) may be used from
/// any number of coroutines on any number of threads of one `io_context` at once.
class client {
public:
    /// Makes a client; nothing is sent yet (connections are opened by the first calls).
    /// @param executor where its I/O objects live, and where completion handlers run by default
    ///                 (an `io_context`'s executor, typically `co_await asio::this_coro::executor`)
    /// @param opts     everything it is configured with (options.hpp); kept, see `config()`
    /// @throws boost::system::system_error with `error::invalid_base_url` for an unusable
    ///         `base_url`; `error::invalid_proxy_url` for an unusable `proxy.url`;
    ///         `error::invalid_argument` for TLS files or PEM texts that cannot be read, or a
    ///         `user_agent`, `api_key` or `api_key_prefix` holding a line break or a NUL
    client(boost::asio::any_io_executor executor, options opts = {});

    /// The calls, with the client's settings; `tokens().with(call_options)` for others.
    /// @return the calls (cheap: it shares this client's state)
    [[nodiscard]] tokens_api tokens() const;
    /// The connection pool's counters, readable from any thread while the client runs.
    /// @return a snapshot of them
    [[nodiscard]] pool_stats stats() const;
    /// The calls' counters: attempts, requests, retries and why, answers by status class;
    /// readable from any thread while the client runs.
    /// @return a snapshot of them
    [[nodiscard]] hub::call_stats call_stats() const;
    /// The options the client was made with.
    /// @return them, valid as long as this client (or a copy of it) lives
    [[nodiscard]] const options& config() const;
    /// The executor the client was made with.
    /// @return it, valid as long as this client (or a copy of it) lives
    [[nodiscard]] const boost::asio::any_io_executor& get_executor() const;

private:
    friend struct detail::injection;  // tests make clients over their own transport (src/api/injection.hpp)
    explicit client(std::shared_ptr<detail::client_state> state) noexcept : state_(std::move(state)) {}
    std::shared_ptr<detail::client_state> state_;
};

}  // namespace stencila::hub
