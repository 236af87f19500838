// `client` and `tokens_api`: the four token calls as C++20 coroutines.
//
//     hub::client hub{co_await asio::this_coro::executor, {.base_url = "https://hub.example.org/api"}};
//     auto created = co_await hub.tokens().create(hub::password_credentials{"sam", "secret"});
//     auto page    = co_await hub.tokens().list(10, 0);
//     auto fresh   = co_await hub.tokens().read(created.token);
//     co_await hub.tokens().remove(created.token);
//
// Every operation, in one form:
// - Returns `asio::awaitable<T>`; resumes on the awaiting coroutine's executor.
// - Errors: `api_error` for a non-2xx answer; `boost::system::system_error` otherwise (codes in
//   error.hpp, or the system's). An argument error is thrown before any I/O.
// - Cancellation: terminal, partial and total per-operation cancellation of the awaiting
//   coroutine end the operation with `operation_aborted`; the connection in use is closed, never
//   returned to the pool. Nothing else is affected.
// - Deadline: `options::timeouts::request` covers the whole operation.
// - Thread-safety: a `client` (and its copies and `tokens_api`s) may be used by any number of
//   coroutines at once, on any number of threads of one `io_context`.
#pragma once

#include <stencila/hub/error.hpp>
#include <stencila/hub/models.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/paging.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>

namespace stencila::hub {

namespace detail {
class client_state;
struct access;  // builds a tokens_api over any transport (unit tests)
}

/// Counters of the connection pool, readable while the client runs.
struct pool_stats {
    std::uint64_t opened = 0;     ///< connections established
    std::uint64_t reused = 0;     ///< requests sent on a connection from the pool
    std::uint64_t evicted = 0;    ///< idle connections closed (idle timeout, or closed by the server)
    std::uint64_t discarded = 0;  ///< connections closed after an error, cancellation or `Connection: close`
    std::uint64_t retried = 0;    ///< requests retried on a fresh connection after a stale one failed
    std::uint64_t in_use = 0;     ///< connections (or connection slots) lent out now
    std::uint64_t idle = 0;       ///< connections waiting in the pool now
    std::uint64_t waiting = 0;    ///< operations waiting for a connection now
};

/// The four calls of the Hub's Tokens API. Cheap to copy; shares its client's pool.
class tokens_api {
public:
    /// POST /tokens/ with a username (or email) and password. Sends no Authorization header.
    boost::asio::awaitable<created_token> create(password_credentials credentials) const;
    /// POST /tokens/ with an OpenID Connect JWT. Sends no Authorization header.
    boost::asio::awaitable<created_token> create(openid_credentials credentials) const;
    /// POST /tokens/ with no credentials: a new token for the configured `api_key`.
    boost::asio::awaitable<created_token> create() const;

    /// GET /tokens/?limit=&offset= with the configured `api_key`. A parameter left out is not
    /// sent (the Hub's default limit is 50). Negative values are rejected before any I/O.
    boost::asio::awaitable<token_page> list(std::optional<std::int64_t> limit = std::nullopt,
                                            std::optional<std::int64_t> offset = std::nullopt) const;

    /// GET /tokens/{token}/: the token's details, with its expiry refreshed. No Authorization.
    boost::asio::awaitable<token> read(secret token) const;

    /// DELETE /tokens/{token}/. No Authorization. (`delete` is a keyword.)
    boost::asio::awaitable<void> remove(secret token) const;

    /// Walks the pages of `list` (see paging.hpp). Nothing is sent before the first `next()`.
    [[nodiscard]] page_range pages(paging p = {}) const;
    /// Walks the tokens of `list`, one at a time (see paging.hpp).
    [[nodiscard]] token_range all(paging p = {}) const;

    /// Removes each token, up to `concurrency` at once. One result per token, in the same order:
    /// removed, not found (404), or the error; one failure never fails the batch. Throws only
    /// for an argument error (`concurrency` 0) or cancellation.
    boost::asio::awaitable<std::vector<remove_result>> remove_many(std::vector<secret> tokens,
                                                                   std::size_t concurrency = 8) const;

private:
    friend class client;
    friend struct detail::access;
    explicit tokens_api(std::shared_ptr<detail::client_state> state) : state_(std::move(state)) {}
    std::shared_ptr<detail::client_state> state_;
};

/// A Hub client: options, a TLS context and a keep-alive connection pool. Copies share them.
/// Its I/O objects use `executor`; outstanding operations keep the shared state alive.
class client {
public:
    /// Throws `system_error` with `error::invalid_base_url` for an unusable `base_url`, and
    /// `error::invalid_argument` for unreadable TLS files.
    client(boost::asio::any_io_executor executor, options opts = {});

    [[nodiscard]] tokens_api tokens() const { return tokens_api{state_}; }
    [[nodiscard]] pool_stats stats() const;
    [[nodiscard]] const options& config() const;
    [[nodiscard]] const boost::asio::any_io_executor& get_executor() const;

private:
    std::shared_ptr<detail::client_state> state_;
};

}  // namespace stencila::hub
