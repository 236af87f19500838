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

/// The calls of the Hub's Tokens API (`create`, `list`, `read`, `remove`), the walks over `list`
/// (`pages`, `all`), `remove_many`, and views with other settings (`with`). Get one from
/// `client::tokens()`. Cheap to copy (two shared pointers); copies share the client's pool, TLS
/// context, retry budget and counters.
///
/// Every operation has a default form, which returns an `asio::awaitable`, and forms that take
/// any Asio completion token, with or without a `diagnostics&` before it. Each is documented
/// with the same sections, in this order: Sends, Completion, Executor, Cancellation, Errors,
/// Deadline, Thread-safety, Lifetimes.
class tokens_api {
public:
    /// Creates a token by logging in with a username (or the account's email) and a password.
    /// @param credentials the username (or email) and the password; neither may be empty
    /// @return the new token: its secret value (given this once only), its details, its owner
    /// @throws boost::system::system_error at once, from the call itself, with
    ///         `error::invalid_argument` for an empty username or password; when awaited, with
    ///         any code under Errors
    /// @throws api_error when awaited, for a non-2xx answer
    /// @par Sends
    /// `POST /tokens/` with the JSON body `{"username": ..., "password": ...}`, and no
    /// `Authorization` header, so a stale configured key cannot make it fail.
    /// \hubop_token{created_token}
    /// \hubop_running
    /// @par Errors
    /// - `error::invalid_argument` before any I/O: an empty username or password.
    /// - `api_error` 403 "Incorrect authentication credentials." for a wrong username or
    ///   password; 400 with field errors for a value the Hub rejects ("This field may not be
    ///   blank." for one of spaces only); 429 when throttled (`api_error::retry_after()` says how
    ///   long to wait); 5xx. None of these is retried: the Hub may have created a token, and a
    ///   second one is not what was asked for. Only a failure to connect is retried.
    /// - `error::malformed_response`: a 2xx answer whose body is not a created token.
    /// - \hubop_transport
    /// \hubop_common
    boost::asio::awaitable<created_token> create(password_credentials credentials) const;
    /// Creates a token with an OpenID Connect JWT (the Hub accepts Google's).
    /// @param credentials the JWT; it may not be empty
    /// @return the new token: its secret value (given this once only), its details, its owner
    /// @throws boost::system::system_error at once, from the call itself, with
    ///         `error::invalid_argument` for an empty JWT; when awaited, with any code under Errors
    /// @throws api_error when awaited, for a non-2xx answer
    /// @par Sends
    /// `POST /tokens/` with the JSON body `{"openid": ...}`, and no `Authorization` header.
    /// \hubop_token{created_token}
    /// \hubop_running
    /// @par Errors
    /// - `error::invalid_argument` before any I/O: an empty JWT.
    /// - `api_error` 400 for a JWT the Hub rejects: "Bad token: ..." (not a JWT), "Token has
    ///   expired", "Invalid token issuer", "Invalid token audience", "Token could not be
    ///   verified", "Email address has not been verified"; 403 when the email's account has not
    ///   verified it; 429 when throttled; 5xx. Not retried, as for the password form.
    /// - `error::malformed_response`: a 2xx answer whose body is not a created token.
    /// - \hubop_transport
    /// \hubop_common
    boost::asio::awaitable<created_token> create(openid_credentials credentials) const;
    /// Creates another token for the user of the configured API key (a view's key, for a view).
    /// @return the new token: its secret value (given this once only), its details, its owner
    /// @throws boost::system::system_error at once, from the call itself, with
    ///         `error::invalid_argument` when there is no API key; when awaited, with any code under
    ///         Errors
    /// @throws api_error when awaited, for a non-2xx answer
    /// @par Sends
    /// `POST /tokens/` with the body `{}` and `Authorization: <api_key_prefix> <api_key>`.
    /// \hubop_token{created_token}
    /// \hubop_running
    /// @par Errors
    /// - `error::invalid_argument` before any I/O: no API key (`options::api_key`, or the view's).
    /// - `api_error` 403 "Invalid token." for a key the Hub does not know or that has expired;
    ///   429 when throttled; 5xx. Not retried, as for the password form.
    /// - `error::malformed_response`: a 2xx answer whose body is not a created token.
    /// - \hubop_transport
    /// \hubop_common
    boost::asio::awaitable<created_token> create() const;

    /// One page of the API key's user's tokens. For all of them, see `pages` and `all`.
    /// @param limit  tokens on the page, at least 1; not sent when not given (the Hub's default is 50)
    /// @param offset index of the page's first token, from 0; not sent when not given (0)
    /// @return the page: `count` (the user's total, whatever the offset), its tokens (never their
    ///         secret values), and the `next` and `previous` links
    /// @throws boost::system::system_error at once, from the call itself, with
    ///         `error::invalid_argument` for a `limit` below 1 or a negative `offset` (which the Hub
    ///         would silently turn into 50 and 0); when awaited, with any code under Errors
    /// @throws api_error when awaited, for a non-2xx answer
    /// @par Sends
    /// `GET /tokens/?limit=<limit>&offset=<offset>` with `Authorization: <api_key_prefix>
    /// <api_key>` (a view's key, for a view; no header when there is no key).
    /// \hubop_token{token_page}
    /// \hubop_running
    /// @par Errors
    /// - `error::invalid_argument` before any I/O: a `limit` below 1, a negative `offset`.
    /// - `api_error` 403 "Authentication credentials were not provided." when there is no API
    ///   key; 403 "Invalid token." for a key the Hub does not know or that has expired; 429, 502,
    ///   503 or 504 once the retries are spent (`options::retry`); another 4xx or 5xx at once.
    /// - `error::malformed_response`: a 2xx answer whose body is not a page of tokens.
    /// - \hubop_transport
    /// \hubop_common
    boost::asio::awaitable<token_page> list(std::optional<std::int64_t> limit = std::nullopt,
                                            std::optional<std::int64_t> offset = std::nullopt) const;

    /// A token's details; the Hub pushes its expiry 7 days ahead. A service can authenticate
    /// requests with it: a token that reads is a valid one, of that user.
    /// @param token the token's secret value, as `create` gave it
    /// @return its details, with the refreshed expiry
    /// @throws boost::system::system_error at once, from the call itself, with
    ///         `error::empty_token` for an empty token; when awaited, with any code under Errors
    /// @throws api_error when awaited, for a non-2xx answer
    /// @par Sends
    /// `GET /tokens/{token}/`, the token percent-encoded in the path (never in a message or a log
    /// line: they say `{token}`), and no `Authorization` header, so a stale configured key
    /// cannot make it fail; unless this view was made with `call_options::authorize_reads`,
    /// then `Authorization: <api_key_prefix> <api_key>` (the Hub's user budget, not the
    /// anonymous one).
    /// \hubop_token{token}
    /// \hubop_running
    /// @par Errors
    /// - `error::empty_token` before any I/O: an empty token.
    /// - `api_error` 404 "Not found." for a token the Hub does not know, that has expired or was
    ///   removed (or is not one: not 64 hex characters); 429, 502, 503 or 504 once the retries
    ///   are spent (`options::retry`); another 4xx or 5xx at once.
    /// - `error::malformed_response`: a 2xx answer whose body is not a token.
    /// - \hubop_transport
    /// \hubop_common
    boost::asio::awaitable<token> read(secret token) const;

    /// Removes a token (named `remove`: `delete` is a keyword).
    /// @param token the token's secret value
    /// @return an awaitable that completes once the Hub has answered 2xx (204)
    /// @throws boost::system::system_error at once, from the call itself, with
    ///         `error::empty_token` for an empty token; when awaited, with any code under Errors
    /// @throws api_error when awaited, for a non-2xx answer
    /// @par Sends
    /// `DELETE /tokens/{token}/`, the token percent-encoded in the path (never in a message or
    /// a log line), and no `Authorization` header.
    /// \hubop_token_void
    /// \hubop_running
    /// @par Errors
    /// - `error::empty_token` before any I/O: an empty token.
    /// - `api_error` 404 "Not found." for a token the Hub does not know, that has expired or was
    ///   removed already. But a 404 to a retry, after an earlier attempt's answer was lost (a
    ///   502, 503 or 504, or a broken connection or an attempt timeout after the request went
    ///   out), is a success: that attempt most likely removed the token, and the Hub no longer
    ///   has it. Such a removal is counted in `call_stats::removed_earlier` and logged at
    ///   `warning` level ("DELETE /tokens/{token}/: 404 after an earlier attempt's answer was
    ///   lost: taken as removed ...").
    /// - `api_error` 429, 502, 503 or 504 once the retries are spent (`options::retry`); another
    ///   4xx or 5xx at once.
    /// - \hubop_transport
    /// \hubop_common
    boost::asio::awaitable<void> remove(secret token) const;

    /// A view of these calls with some of the client's settings replaced (call_options.hpp): the
    /// API key, the whole call's deadline, one attempt's, the retry policy. Its calls, walks and
    /// batches go through the same pool, TLS context, retry budget and counters; only the
    /// `Authorization` they write differs, per request. Cheap (one small allocation): keep it,
    /// or make one per call.
    /// @param o what to replace; a field left out keeps this object's setting (so views of views
    ///          add up). Its key is copied: what `o.api_key` points at may go at once.
    /// @return the view
    /// @throws boost::system::system_error with `error::invalid_argument` for a key holding a line
    ///         break or a NUL
    /// @par Sends
    /// Nothing: no I/O.
    /// @par Completion
    /// None: it returns the view.
    /// @par Executor
    /// Runs in the calling thread.
    /// @par Cancellation
    /// Nothing to cancel.
    /// @par Errors
    /// Only `error::invalid_argument`, thrown, for a key holding a line break or a NUL (it would
    /// end the request's header early). The key's value is never in the message.
    /// @par Deadline
    /// None: the view's calls have the one it sets (`call_options::timeout`).
    /// @par Thread-safety
    /// May be called on a shared `tokens_api` from any thread at any time.
    /// @par Lifetimes
    /// The view shares the client's state: it stays usable when this object and the `client` are
    /// gone.
    [[nodiscard]] tokens_api with(call_options o) const;

    /// Walks the pages of `list`, in order, in bounded memory (paging.hpp).
    /// @param p how the walk goes: page size, start, how many tokens, prefetch, concurrency,
    ///          deadline, what a changing `count` does, gzip (see `paging`)
    /// @return the walk; nothing has been sent yet
    /// @throws boost::system::system_error with `error::invalid_argument` for a `page_size` below 1,
    ///         a negative `offset` or `max_items`, a `concurrency` of 0, or no API key
    /// @par Sends
    /// Nothing: the range's first `next()` sends the first request (page_range::next()).
    /// @par Completion
    /// None: it returns the range.
    /// @par Executor
    /// Runs in the calling thread; the walk will run on a strand of the client's executor.
    /// @par Cancellation
    /// Nothing to cancel here; `next()` is cancellable, and destroying the range ends the walk.
    /// @par Errors
    /// Only `error::invalid_argument`, thrown at once (see above); the walk's own errors come from
    /// `next()`, at their position.
    /// @par Deadline
    /// `paging::deadline`, for the whole walk, starts counting now.
    /// @par Thread-safety
    /// May be called on a shared `tokens_api` from any thread at any time.
    /// @par Lifetimes
    /// The range keeps the client's state alive: it stays usable when this object and the
    /// `client` are gone.
    [[nodiscard]] page_range pages(paging p = {}) const;
    /// Walks the tokens of `list`, one at a time, in order, in bounded memory (paging.hpp).
    /// @param p how the walk goes (see `paging`); `max_items` bounds the tokens yielded
    /// @return the walk; nothing has been sent yet
    /// @throws boost::system::system_error with `error::invalid_argument`, as `pages` does
    /// @par Sends
    /// Nothing: the range's first `next()` sends the first request (token_range::next()).
    /// @par Completion
    /// None: it returns the range.
    /// @par Executor
    /// Runs in the calling thread; the walk will run on a strand of the client's executor.
    /// @par Cancellation
    /// Nothing to cancel here; `next()` is cancellable, and destroying the range ends the walk.
    /// @par Errors
    /// Only `error::invalid_argument`, thrown at once, as `pages` does; the walk's own errors come
    /// from `next()`, at their position.
    /// @par Deadline
    /// `paging::deadline`, for the whole walk, starts counting now.
    /// @par Thread-safety
    /// May be called on a shared `tokens_api` from any thread at any time.
    /// @par Lifetimes
    /// The range keeps the client's state alive: it stays usable when this object and the
    /// `client` are gone.
    [[nodiscard]] token_range all(paging p = {}) const;

    /// Removes each token, up to `concurrency` at once: one result per token, in the same order
    /// (removed, not found, or the error). One failure never fails the batch.
    /// @param tokens      the tokens' secret values; may be empty (nothing is sent)
    /// @param concurrency removals in flight at most, at least 1
    /// @return one `remove_result` per token, in the order of `tokens`
    /// @throws boost::system::system_error at once, from the call itself, with
    ///         `error::invalid_argument` for a `concurrency` of 0; when awaited, with
    ///         `operation_aborted` only, when cancelled
    /// @par Sends
    /// `DELETE /tokens/{token}/` for each token, as `remove` does (no `Authorization`), at most
    /// `concurrency` at once over the pool. Each removal is a call of its own: retried on its
    /// own, and counted in `call_stats`.
    /// @par Completion
    /// Default form (no token): returns an `asio::awaitable<std::vector<remove_result>>`, which
    /// runs when awaited and throws on failure (see Errors). With any other Asio completion token
    /// the handler is `void(error_code, std::vector<remove_result>)`, and the batch's failure
    /// arrives through it, never thrown. There is no `diagnostics&` form: each result has its
    /// own. `asio::use_awaitable` as the token is the default form.
    /// \hubop_executor
    /// @par Cancellation
    /// Terminal per-operation cancellation ends the batch with `operation_aborted`: the removals
    /// in flight end as a cancelled `remove` does (their connections closed), and no other is
    /// started. No results are given: tokens removed already stay removed (`read` tells which
    /// remain).
    /// @par Errors
    /// The batch itself ends with an error only for `error::invalid_argument` (a `concurrency` of
    /// 0, before any I/O) and `operation_aborted` (cancelled). Each token's outcome is in its
    /// `remove_result`:
    /// - `removed`: the Hub answered 2xx.
    /// - `not_found`: the Hub answered 404: unknown, expired, or removed already, which is what
    ///   was asked for.
    /// - `removed_earlier`: a retry was answered 404 after an earlier attempt's answer was lost;
    ///   that attempt most likely removed the token (as for `remove`).
    /// - `failed`, with `error` and `diag`: an empty token (`error::empty_token`, nothing sent for
    ///   it); another non-2xx answer (its status in `http_category()`: 403, or 429, 502, 503, 504
    ///   once the retries are spent); a transport error or a timeout, with its own code, as for
    ///   `remove`.
    /// @par Deadline
    /// None for the batch: each removal has the call deadline of its own
    /// (`options::timeouts.request`, or the view's `call_options::timeout`), counted from when it
    /// starts; one that runs out is `failed` with `error::request_timeout`, and the batch goes on.
    /// \hubop_threads
    /// \hubop_lifetimes
    boost::asio::awaitable<std::vector<remove_result>> remove_many(std::vector<secret> tokens,
                                                                   std::size_t concurrency = 8) const;

    // The same calls with any completion token, with or without a `diagnostics&` before it (see
    // the top of this file). `asio::use_awaitable` alone is the default form.

    /// `create(password_credentials)` with any completion token.
    /// @param c     the username (or email) and the password; neither may be empty
    /// @param token the completion token
    /// \hubop_overload{create(password_credentials) const,created_token}
    template <class CompletionToken>
    auto create(password_credentials c, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return create(std::move(c));
        else return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_password, std::move(c), nullptr);
    }
    /// `create(password_credentials)` with any completion token, keeping what an error had to say.
    /// @param c     the username (or email) and the password; neither may be empty
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// \hubop_overload{create(password_credentials) const,created_token}
    template <class CompletionToken>
    auto create(password_credentials c, diagnostics& diag, CompletionToken&& token) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_password, std::move(c), &diag);
    }
    /// `create(openid_credentials)` with any completion token.
    /// @param c     the JWT; it may not be empty
    /// @param token the completion token
    /// \hubop_overload{create(openid_credentials) const,created_token}
    template <class CompletionToken>
    auto create(openid_credentials c, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return create(std::move(c));
        else return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_openid, std::move(c), nullptr);
    }
    /// `create(openid_credentials)` with any completion token, keeping what an error had to say.
    /// @param c     the JWT; it may not be empty
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// \hubop_overload{create(openid_credentials) const,created_token}
    template <class CompletionToken>
    auto create(openid_credentials c, diagnostics& diag, CompletionToken&& token) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_openid, std::move(c), &diag);
    }
    /// `create()`, for the API key's user, with any completion token.
    /// @param token the completion token
    /// \hubop_overload{create() const,created_token}
    template <class CompletionToken>
        requires(!std::is_convertible_v<CompletionToken, password_credentials> &&
                 !std::is_convertible_v<CompletionToken, openid_credentials> &&
                 !std::is_same_v<std::decay_t<CompletionToken>, diagnostics>)
    auto create(CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return create();
        else return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_key, 0, nullptr);
    }
    /// `create()`, for the API key's user, with any completion token, keeping what an error had
    /// to say.
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// \hubop_overload{create() const,created_token}
    template <class CompletionToken>
    auto create(diagnostics& diag, CompletionToken&& token) const {
        return initiate<created_token>(std::forward<CompletionToken>(token), &tokens_api::start_create_key, 0, &diag);
    }
    /// `list` with any completion token.
    /// @param limit  tokens on the page, at least 1; not sent when `std::nullopt`
    /// @param offset index of the page's first token, from 0; not sent when `std::nullopt`
    /// @param token  the completion token
    /// \hubop_overload{list(std::optional<std::int64_t>\, std::optional<std::int64_t>) const,token_page}
    template <class CompletionToken>
    auto list(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return list(limit, offset);
        else return initiate<token_page>(std::forward<CompletionToken>(token), &tokens_api::start_list, std::pair{limit, offset}, nullptr);
    }
    /// `list` with any completion token, keeping what an error had to say.
    /// @param limit  tokens on the page, at least 1; not sent when `std::nullopt`
    /// @param offset index of the page's first token, from 0; not sent when `std::nullopt`
    /// @param diag   filled when the operation fails, cleared when it succeeds; it must outlive
    ///               the operation
    /// @param token  the completion token
    /// \hubop_overload{list(std::optional<std::int64_t>\, std::optional<std::int64_t>) const,token_page}
    template <class CompletionToken>
    auto list(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset, diagnostics& diag,
              CompletionToken&& token) const {
        return initiate<token_page>(std::forward<CompletionToken>(token), &tokens_api::start_list, std::pair{limit, offset}, &diag);
    }
    /// `read` with any completion token.
    /// @param t     the token's secret value
    /// @param token the completion token
    /// \hubop_overload{read(secret) const,token}
    template <class CompletionToken>
    auto read(secret t, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return read(std::move(t));
        else return initiate<hub::token>(std::forward<CompletionToken>(token), &tokens_api::start_read, std::move(t), nullptr);
    }
    /// `read` with any completion token, keeping what an error had to say.
    /// @param t     the token's secret value
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// \hubop_overload{read(secret) const,token}
    template <class CompletionToken>
    auto read(secret t, diagnostics& diag, CompletionToken&& token) const {
        return initiate<hub::token>(std::forward<CompletionToken>(token), &tokens_api::start_read, std::move(t), &diag);
    }
    /// `remove` with any completion token.
    /// @param t     the token's secret value
    /// @param token the completion token
    /// \hubop_overload_void{remove(secret) const}
    template <class CompletionToken>
    auto remove(secret t, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return remove(std::move(t));
        else return initiate<void>(std::forward<CompletionToken>(token), &tokens_api::start_remove, std::move(t), nullptr);
    }
    /// `remove` with any completion token, keeping what an error had to say.
    /// @param t     the token's secret value
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// \hubop_overload_void{remove(secret) const}
    template <class CompletionToken>
    auto remove(secret t, diagnostics& diag, CompletionToken&& token) const {
        return initiate<void>(std::forward<CompletionToken>(token), &tokens_api::start_remove, std::move(t), &diag);
    }
    /// `remove_many` with any completion token.
    /// @tparam CompletionToken any Asio completion token
    /// @param tokens      the tokens' secret values; may be empty
    /// @param concurrency removals in flight at most, at least 1
    /// @param token       the completion token
    /// @return what the token makes of an operation that completes with
    ///         `(error_code, std::vector<remove_result>)`: nothing for a callback, a `std::future`
    ///         for `use_future`, a deferred operation for `deferred`...
    /// @par Sends
    /// As remove_many(std::vector<secret>, std::size_t) const.
    /// @par Completion
    /// As remove_many(std::vector<secret>, std::size_t) const: the handler is
    /// `void(error_code, std::vector<remove_result>)`, never called inside this call.
    /// \hubop_executor
    /// @par Cancellation
    /// As remove_many(std::vector<secret>, std::size_t) const: the batch ends with
    /// `operation_aborted`, without results.
    /// @par Errors
    /// The handler's `error_code` is `error::invalid_argument` (a `concurrency` of 0, posted
    /// before any I/O) or `operation_aborted`; otherwise none, and each token's outcome is in its
    /// `remove_result`, as for remove_many(std::vector<secret>, std::size_t) const.
    /// @par Deadline
    /// None for the batch; each removal has the call deadline of its own.
    /// \hubop_threads
    /// \hubop_lifetimes
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
