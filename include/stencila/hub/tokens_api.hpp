// `tokens_api`: the four calls of the Hub's Tokens API (and the walks and batch built on them).
//
// Every operation, in one form:
// - Default (no completion token): returns `asio::awaitable<T>`; resumes on the awaiting
//   coroutine's executor. Errors: `api_error` for a non-2xx answer; `boost::system::system_error`
//   otherwise (codes in error.hpp, or the system's). `api_error` is a `system_error` too. An
//   argument error is thrown before any I/O.
// - With any Asio completion token (callback, `use_future`, `deferred`, `as_tuple(...)`,
//   `redirect_error(...)`): handler signature `void(error_code, T)` (`void(error_code)` for
//   `remove`). The handler runs on its associated executor (default: the client's), never inside
//   the initiating call. A non-2xx answer is an error code in `http_category()` with the status as
//   value; argument errors arrive through the handler too. Pass a `diagnostics&` before the token
//   to keep the Hub's message, field errors, headers and body. `asio::use_awaitable` alone gives
//   the default form (it throws `api_error`, with the Hub's message).
// - Cancellation: terminal per-operation cancellation (what `co_spawn` and
//   `bind_cancellation_slot` forward by default; Asio's default filter passes no other kind) ends
//   the operation with `operation_aborted`; the connection in use is closed, never returned to the
//   pool; a wait for a retry or for a pooled connection ends at once. Nothing else is affected.
// - Deadline: `options::timeouts::request` covers the whole operation: the wait for a pooled
//   connection, name resolution, connect, TLS, every attempt and every retry delay.
// - Thread-safety: a `tokens_api` (and its copies, and the `client` it came from) may be used by
//   any number of coroutines at once, on any number of threads of one `io_context`.
// - Lifetimes: an operation keeps what it needs alive (the client's state, its arguments); the
//   `tokens_api` and `client` it was started from may go at once.
#pragma once

#include <stencila/hub/detail/config.hpp>

#include <stencila/hub/call_options.hpp>
#include <stencila/hub/detail/handler.hpp>
#include <stencila/hub/diagnostics.hpp>
#include <stencila/hub/error.hpp>
#include <stencila/hub/models.hpp>
#include <stencila/hub/paging.hpp>
#include <stencila/hub/remove_result.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace stencila::hub {

namespace detail {
class client_state;
struct call_settings;
}  // namespace detail

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

    /// A view of these calls with some of the client's settings replaced (call_options.hpp): its
    /// calls use the same pool and TLS context. Cheap; copies `o`'s key. Throws
    /// `error::invalid_argument` for a key holding a line break.
    [[nodiscard]] tokens_api with(call_options o) const;

    /// Walks the pages of `list` (see paging.hpp). Nothing is sent before the first `next()`.
    [[nodiscard]] page_range pages(paging p = {}) const;
    /// Walks the tokens of `list`, one at a time (see paging.hpp).
    [[nodiscard]] token_range all(paging p = {}) const;

    /// Removes each token, up to `concurrency` at once. One result per token, in the same order:
    /// removed, not found (404), or the error; one failure never fails the batch. Throws only
    /// for an argument error (`concurrency` 0) or cancellation.
    boost::asio::awaitable<std::vector<remove_result>> remove_many(std::vector<secret> tokens,
                                                                   std::size_t concurrency = 8) const;

    // The same calls with any completion token, with or without a `diagnostics&` before it (see
    // the top of this file). `asio::use_awaitable` alone is the default form.
    template <class CompletionToken>
    auto create(password_credentials c, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return create(std::move(c));
        else return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_password, std::move(c), nullptr);
    }
    template <class CompletionToken>
    auto create(password_credentials c, diagnostics& diag, CompletionToken&& token) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_password, std::move(c), &diag);
    }
    template <class CompletionToken>
    auto create(openid_credentials c, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return create(std::move(c));
        else return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_openid, std::move(c), nullptr);
    }
    template <class CompletionToken>
    auto create(openid_credentials c, diagnostics& diag, CompletionToken&& token) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_openid, std::move(c), &diag);
    }
    template <class CompletionToken>
        requires(!std::is_convertible_v<CompletionToken, password_credentials> &&
                 !std::is_convertible_v<CompletionToken, openid_credentials> &&
                 !std::is_same_v<std::decay_t<CompletionToken>, diagnostics>)
    auto create(CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return create();
        else return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_key, 0, nullptr);
    }
    template <class CompletionToken>
    auto create(diagnostics& diag, CompletionToken&& token) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_key, 0, &diag);
    }
    template <class CompletionToken>
    auto list(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return list(limit, offset);
        else return initiate<token_page>(std::forward<CompletionToken>(token), &tokens_api::start_list, std::pair{limit, offset}, nullptr);
    }
    template <class CompletionToken>
    auto list(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset, diagnostics& diag,
              CompletionToken&& token) const {
        return initiate<token_page>(std::forward<CompletionToken>(token), &tokens_api::start_list, std::pair{limit, offset}, &diag);
    }
    template <class CompletionToken>
    auto read(secret t, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return read(std::move(t));
        else return initiate<hub::token>(std::forward<CompletionToken>(token), &tokens_api::start_read, std::move(t), nullptr);
    }
    template <class CompletionToken>
    auto read(secret t, diagnostics& diag, CompletionToken&& token) const {
        return initiate<hub::token>(std::forward<CompletionToken>(token), &tokens_api::start_read, std::move(t), &diag);
    }
    template <class CompletionToken>
    auto remove(secret t, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return remove(std::move(t));
        else return initiate<void>(std::forward<CompletionToken>(token), &tokens_api::start_remove, std::move(t), nullptr);
    }
    template <class CompletionToken>
    auto remove(secret t, diagnostics& diag, CompletionToken&& token) const {
        return initiate<void>(std::forward<CompletionToken>(token), &tokens_api::start_remove, std::move(t), &diag);
    }
    template <class CompletionToken>
    auto remove_many(std::vector<secret> tokens, std::size_t concurrency, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return remove_many(std::move(tokens), concurrency);
        else return initiate<std::vector<remove_result>>(std::forward<CompletionToken>(token), &tokens_api::start_remove_many,
                                                         std::pair{std::move(tokens), concurrency}, nullptr);
    }

private:
    friend class client;

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

    tokens_api(std::shared_ptr<detail::client_state> state, std::shared_ptr<const detail::call_settings> call)
        : state_(std::move(state)), call_(std::move(call)) {}
    std::shared_ptr<detail::client_state> state_;
    std::shared_ptr<const detail::call_settings> call_;  // never null: the client's, or a view's
};

}  // namespace stencila::hub
