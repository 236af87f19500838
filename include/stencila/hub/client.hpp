// `client` and `tokens_api`: the four token calls as C++20 coroutines.
//
//     hub::client hub{co_await asio::this_coro::executor, {.base_url = "https://hub.example.org/api"}};
//     auto created = co_await hub.tokens().create(hub::password_credentials{"sam", "secret"});
//     auto page    = co_await hub.tokens().list(10, 0);
//     auto fresh   = co_await hub.tokens().read(created.token);
//     co_await hub.tokens().remove(created.token);
//
// Every operation, in one form:
// - Default (no completion token): returns `asio::awaitable<T>`; resumes on the awaiting
//   coroutine's executor. Errors: `api_error` for a non-2xx answer; `boost::system::system_error`
//   otherwise (codes in error.hpp, or the system's). An argument error is thrown before any I/O.
// - With any Asio completion token (callback, `use_future`, `deferred`, `use_awaitable`,
//   `as_tuple(...)`, `redirect_error(...)`): handler signature `void(error_code, T)` (`void(error_code)`
//   for `remove`). The handler runs on its associated executor (default: the client's), never
//   inside the initiating call. A non-2xx answer is an error code in `http_category()` with the
//   status as value; argument errors arrive through the handler too. Pass `&diag` (a
//   `diagnostics`) after the token to keep the Hub's message, field errors, headers and body.
// - Cancellation: terminal per-operation cancellation of the awaiting coroutine (Asio's default
//   filter passes no other kind) ends the operation with `operation_aborted`; the connection in
//   use is closed, never returned to the pool. Nothing else is affected.
// - Deadline: `options::timeouts::request` covers the whole operation.
// - Thread-safety: a `client` (and its copies and `tokens_api`s) may be used by any number of
//   coroutines at once, on any number of threads of one `io_context`.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <stencila/hub/detail/handler.hpp>
#include <stencila/hub/diagnostics.hpp>
#include <stencila/hub/error.hpp>
#include <stencila/hub/models.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/paging.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace stencila::hub {

namespace detail {
class client_state;
struct access;  // builds a tokens_api over any transport (unit tests)
}  // namespace detail

/// Counters of the connection pool, readable while the client runs.
struct pool_stats {
    std::uint64_t opened = 0;     ///< connections established
    std::uint64_t resumed = 0;    ///< of those, TLS connections that resumed an earlier session
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

    // The same calls with any completion token (see the top of this file).
    template <class CompletionToken>
    auto create(password_credentials c, CompletionToken&& token, diagnostics* diag = nullptr) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_password,
                                       std::move(c), diag);
    }
    template <class CompletionToken>
    auto create(openid_credentials c, CompletionToken&& token, diagnostics* diag = nullptr) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_openid,
                                       std::move(c), diag);
    }
    template <class CompletionToken>
        requires(!std::is_convertible_v<CompletionToken, password_credentials> &&
                 !std::is_convertible_v<CompletionToken, openid_credentials>)
    auto create(CompletionToken&& token, diagnostics* diag = nullptr) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_key, 0, diag);
    }
    template <class CompletionToken>
    auto list(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset, CompletionToken&& token,
              diagnostics* diag = nullptr) const {
        return initiate<token_page>(std::forward<CompletionToken>(token), &tokens_api::start_list,
                                    std::pair{limit, offset}, diag);
    }
    template <class CompletionToken>
    auto read(secret t, CompletionToken&& token, diagnostics* diag = nullptr) const {
        return initiate<hub::token>(std::forward<CompletionToken>(token), &tokens_api::start_read, std::move(t), diag);
    }
    template <class CompletionToken>
    auto remove(secret t, CompletionToken&& token, diagnostics* diag = nullptr) const {
        return initiate<void>(std::forward<CompletionToken>(token), &tokens_api::start_remove, std::move(t), diag);
    }
    template <class CompletionToken>
    auto remove_many(std::vector<secret> tokens, std::size_t concurrency, CompletionToken&& token,
                     diagnostics* diag = nullptr) const {
        return initiate<std::vector<remove_result>>(std::forward<CompletionToken>(token), &tokens_api::start_remove_many,
                                                    std::pair{std::move(tokens), concurrency}, diag);
    }

private:
    friend class client;
    friend struct detail::access;

    // Each generic overload goes through one of these (compiled in the library), so the
    // templates above stay thin: they only wrap the handler.
    template <class T, class Arg>
    using starter = void (tokens_api::*)(Arg, diagnostics*, detail::handler_of<T>) const;
    template <class T, class CompletionToken, class Arg>
    auto initiate(CompletionToken&& token, starter<T, Arg> start, Arg arg, diagnostics* diag) const {
        return boost::asio::async_initiate<CompletionToken, typename detail::signature_of<T>::type>(
            [self = *this, start](auto handler, Arg a, diagnostics* d) {  // a copy: `deferred` may run it later
                (self.*start)(std::move(a), d, detail::handler_of<T>(std::move(handler)));
            },
            token, std::move(arg), diag);
    }
    void start_create_password(password_credentials c, diagnostics* d, detail::handler_of<created_token> h) const;
    void start_create_openid(openid_credentials c, diagnostics* d, detail::handler_of<created_token> h) const;
    void start_create_key(int, diagnostics* d, detail::handler_of<created_token> h) const;
    void start_list(std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> p, diagnostics* d,
                    detail::handler_of<token_page> h) const;
    void start_read(secret t, diagnostics* d, detail::handler_of<hub::token> h) const;
    void start_remove(secret t, diagnostics* d, detail::handler_of<void> h) const;
    void start_remove_many(std::pair<std::vector<secret>, std::size_t> p, diagnostics* d,
                           detail::handler_of<std::vector<remove_result>> h) const;

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
