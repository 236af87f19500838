// `token_verifier`: checks the Hub tokens your own service's callers send, with a bounded cache
// in front of the Hub and one Hub call per token however many requests carry it at once.
//
//     hub::token_verifier verifier{hub, {.ttl = 30s, .negative_ttl = 5s}};
//     if (auto caller = co_await verifier.verify(presented)) greet(caller->user);  // valid
//     else refuse();                                                              // unknown or expired
//
// - `verify(token)`: the token's details (`verified_token`: a `token` plus `stale`) when the Hub
//   says it is valid, nothing when the Hub answers 404 (unknown or expired). Anything else (the
//   Hub unreachable, a timeout, 5xx, 403...) is an error, thrown, never "invalid". An empty token
//   is `error::empty_token`, before any I/O. A value not shaped like a Hub token (64 lowercase
//   hex characters, knox's: hub-tokens-api.md §2.1 and §5) is "nothing" at once, as the Hub's
//   404 would be (§2.3), with no Hub call and no entry (counted: `malformed`). A call to the Hub
//   is `tokens_api::read`, which also pushes the token's expiry 7 days ahead, as the Hub does on
//   every use.
// - Cache: a valid answer is kept for `ttl`, never past the token's own `expiry`; a 404 for
//   `negative_ttl`; errors are never kept. Keys are SHA-256 digests of the tokens: no token
//   value is kept, and nothing the verifier logs or prints holds one (log lines, through the
//   client's `options::logger`, name a token by its public id, its first 8 characters).
// - Single flight: concurrent `verify` calls of one token make one Hub call and all get its
//   answer (or its error).
// - Memory: at most `max_entries` entries; when full, entries past their time go first, then
//   CLOCK (an approximation of least recently used) picks the one to evict. Valid and negative
//   (404) entries have a CLOCK each, and 404s never take more than 10 % of `max_entries` from
//   valid entries: a flood of bogus tokens cannot evict your live callers' answers. An entry
//   holds about 140 bytes with its share of the index; a process's peak RSS grows by about 160
//   bytes per entry (measured by `verifier_memory_tests`: 100,000 entries, 16.1 MB). A
//   `verify` waiting for a Hub call holds its completion handler in one node, under 200 bytes
//   with a callback (measured too), and no coroutine of the verifier's own.
// - `stale_if_error` (off by default) is a security trade-off: while the Hub cannot be reached
//   (transport errors, timeouts) or answers 5xx, a token that was valid within
//   `ttl + stale_if_error` is still accepted, flagged `stale`, even if it was revoked meanwhile;
//   never past the token's own `expiry`. A 429, and a miss refused by the throttle gate or the
//   ceiling (below), count as "the Hub cannot be asked" too; other answers (403...) are never
//   hidden that way.
// - Throttle gate: after a Hub call answered 429 with a stated wait (`api_error::retry_after`),
//   no Hub call starts until the wait has passed; then one (the probe) goes, and other misses
//   are refused until it answers (any answer but a 429 opens the gate; a 429 shuts it again).
//   A refused miss fails at once with `error::hub_throttled` ("no Hub call until <time>, in N
//   s"; counted: `throttled`) or is served stale. Callers of a token whose call is in flight
//   still join it.
// - Ceiling: `max_hub_calls_per_minute` (0 = none) caps the Hub calls started in any 60 s (a
//   sliding window over their start times); a miss beyond it fails at once with the same
//   `error::hub_throttled` (counted: `over_ceiling`) or is served stale. Hits are never refused.
// - Budgets: the Hub (DRF) throttles every view, `GET /tokens/{token}/` included: anonymous
//   requests 100/hour per client address, keyed ones 5000/hour per user. `list`/walks and
//   `create()` with the API key count against that key's user; `read`, `remove` and `create`
//   with credentials are anonymous, and so are a verifier's reads unless it is made with a
//   service key (`token_verifier(hub, o, service_key)`: its reads send `Authorization`).
//
// Operations, as in tokens_api.hpp:
// - Default form: `asio::awaitable<T>`, resuming on the awaiting coroutine's executor (an
//   answer from the cache comes without suspending); throws `api_error` (a `system_error` too)
//   or `boost::system::system_error`.
// - Any completion token: `verify(token, [diagnostics&,] completion_token)` with handler
//   `void(error_code, std::optional<verified_token>)` (a 404 is no error: `ec` is clear, the
//   optional empty); `remove(token, [diagnostics&,] completion_token)` with `void(error_code)`.
//   `asio::use_awaitable` alone is the default form. The handler runs on its associated executor
//   (default: the client's), never inside the initiating call, even for an answer from the cache.
// - Cancellation: any per-operation cancellation of a `verify` ends that wait at once with
//   `operation_aborted`; the Hub call goes on for the other callers of that token, and is
//   cancelled (its connection closed) only when every one of them has gone. `remove` is
//   cancelled as `tokens_api::remove` is.
// - Thread-safety: a `token_verifier` and its copies (which share one cache) may be used by any
//   number of coroutines at once, on any number of threads of one `io_context`.
#pragma once

#include <stencila/hub/detail/config.hpp>

#include <stencila/hub/client.hpp>
#include <stencila/hub/detail/handler.hpp>
#include <stencila/hub/diagnostics.hpp>
#include <stencila/hub/models.hpp>
#include <stencila/hub/secret.hpp>
#include <stencila/hub/verifier_options.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace stencila::hub {

namespace detail {
class verifier_shell;
struct injection;
}  // namespace detail

/// Checks the tokens your service's callers present, through a `client`'s `tokens_api`, with a
/// bounded cache in front of the Hub and one Hub call per token however many callers present it
/// at once (see the top of `verifier.hpp`). Cheap to copy; copies share the cache. Outstanding
/// operations keep what they need alive: the verifier and the client may go at once.
class token_verifier {
public:
    /// A verifier that asks the Hub through `hub` and logs through its `options::logger`.
    /// @param hub the client whose `tokens()` answer (its executor runs the verifier's work)
    /// @param o   how to cache; every field has a default
    /// @throws boost::system::system_error with `error::invalid_argument` for a negative
    ///         duration in `o`
    explicit token_verifier(client hub, verifier_options o = {});
    /// A verifier whose Hub reads carry `Authorization: <api_key_prefix> <service_key>` (a
    /// service account's API token), so that the Hub counts them against that user's budget
    /// (5000/hour) rather than anonymously against this host's address (100/hour): see
    /// "Budgets" at the top of this file. `remove` still sends no `Authorization`. The key is a
    /// secret: never in a message, a log line or a counter.
    /// @param hub         the client whose `tokens()` answer
    /// @param o           how to cache
    /// @param service_key the API token the reads send; copied
    /// @throws boost::system::system_error with `error::invalid_argument` for an empty key, one
    ///         holding a line break, or a negative duration in `o`
    token_verifier(client hub, verifier_options o, const secret& service_key);

    /// Whether `token` is a valid Hub token now: its details, from the cache or from one
    /// `GET /tokens/{token}/` (which also pushes the token's expiry 7 days ahead, as every read
    /// does).
    /// @param token the token a caller presented
    /// @return its details (`verified_token`, `stale` when served under `stale_if_error`) when
    ///         the Hub says it is valid; nothing when the Hub answers 404 (unknown or expired)
    /// @par Sends
    /// Nothing when the cache answers (a valid answer younger than `ttl` and the token's expiry,
    /// a 404 younger than `negative_ttl`) or when a call for this token is already in flight
    /// (this call joins it), for a value not shaped like a Hub token, and for a miss refused by
    /// the throttle gate or `max_hub_calls_per_minute`. Otherwise `GET /tokens/{token}/`,
    /// without `Authorization` unless the verifier was made with a service key.
    /// @par Completion
    /// Default form (no token): an `asio::awaitable<std::optional<verified_token>>` that throws
    /// on failure; an answer from the cache comes at once, without suspending the awaiting
    /// coroutine (a fraction of a microsecond: W5 in `docs/benchmarks.md`). With any other
    /// completion token the handler is
    /// `void(error_code, std::optional<verified_token>)`: a 404 is no error (the optional is
    /// empty), every failure arrives as its code. It runs on its associated executor (default:
    /// the client's), never inside the initiating call, even for an answer from the cache.
    /// @par Cancellation
    /// Any per-operation cancellation ends this caller's wait at once with `operation_aborted`.
    /// The Hub call goes on for the other callers of the token; it is cancelled (its
    /// connection closed) only when every one of them has gone, and nothing is cached then.
    /// @par Errors
    /// Anything but a 2xx or a 404 is an error, never "invalid", and is not cached: `api_error`
    /// for another status (5xx, 403, 429...), the transport's errors and timeouts as with
    /// `tokens_api::read`; `error::empty_token` for an empty token, before any I/O;
    /// `error::hub_throttled` for a miss refused at once (after a 429, or over
    /// `max_hub_calls_per_minute`) with no stale answer to give.
    /// @par Thread-safety
    /// Any number of calls at once, on any threads of one `io_context`.
    boost::asio::awaitable<std::optional<verified_token>> verify(secret token) const;

    /// `DELETE /tokens/{token}/` (`tokens_api::remove`), then forgets the token, whatever the
    /// Hub answered.
    /// @param token the token to delete at the Hub
    /// @return an awaitable that completes once the Hub has answered (and the token is forgotten)
    /// @par Errors
    /// As `tokens_api::remove`: a 404 is still an `api_error`. The token is forgotten on
    /// failure too.
    boost::asio::awaitable<void> remove(secret token) const;

    /// Drops what is cached about `token`; a Hub call in flight for it is answered to its
    /// callers but not cached.
    /// @param token the token to forget
    void forget(const secret& token) const;

    /// The verifier's counters, read while it runs.
    /// @return hits, misses, Hub calls and errors, evictions, entries... (see `verifier_stats`)
    [[nodiscard]] verifier_stats stats() const;
    /// The options the verifier was made with.
    /// @return its `verifier_options`
    [[nodiscard]] const verifier_options& config() const;

    /// `verify` with any completion token.
    /// @tparam CompletionToken any Asio completion token
    /// @param t     the token a caller presented
    /// @param token the completion token; `asio::use_awaitable` alone is the default form
    /// @return what the token makes of an operation that completes with
    ///         `(error_code, std::optional<verified_token>)`
    template <class CompletionToken>
    auto verify(secret t, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return verify(std::move(t));
        else return initiate_verify(std::forward<CompletionToken>(token), std::move(t), nullptr);
    }
    /// `verify` with any completion token, keeping what an error had to say.
    /// @tparam CompletionToken any Asio completion token
    /// @param t     the token a caller presented
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// @return what the token makes of an operation that completes with
    ///         `(error_code, std::optional<verified_token>)`
    template <class CompletionToken>
    auto verify(secret t, diagnostics& diag, CompletionToken&& token) const {
        return initiate_verify(std::forward<CompletionToken>(token), std::move(t), &diag);
    }
    /// `remove` with any completion token.
    /// @tparam CompletionToken any Asio completion token
    /// @param t     the token to delete at the Hub
    /// @param token the completion token; `asio::use_awaitable` alone is the default form
    /// @return what the token makes of an operation that completes with `(error_code)`
    template <class CompletionToken>
    auto remove(secret t, CompletionToken&& token) const {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return remove(std::move(t));
        else return initiate_remove(std::forward<CompletionToken>(token), std::move(t), nullptr);
    }
    /// `remove` with any completion token, keeping what an error had to say.
    /// @tparam CompletionToken any Asio completion token
    /// @param t     the token to delete at the Hub
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// @return what the token makes of an operation that completes with `(error_code)`
    template <class CompletionToken>
    auto remove(secret t, diagnostics& diag, CompletionToken&& token) const {
        return initiate_remove(std::forward<CompletionToken>(token), std::move(t), &diag);
    }

private:
    template <class CompletionToken>
    auto initiate_verify(CompletionToken&& token, secret t, diagnostics* diag) const {
        using signature = void(boost::system::error_code, std::optional<verified_token>);
        return boost::asio::async_initiate<CompletionToken, signature>(
            [state = state_](auto handler, secret s, diagnostics* d) {  // a copy: `deferred` may run it later
                start_verify(state, std::move(s), d, detail::handler_of<std::optional<verified_token>>(std::move(handler)));
            },
            token, std::move(t), diag);
    }
    template <class CompletionToken>
    auto initiate_remove(CompletionToken&& token, secret t, diagnostics* diag) const {
        return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
            [state = state_](auto handler, secret s, diagnostics* d) {
                start_remove(state, std::move(s), d, detail::handler_of<void>(std::move(handler)));
            },
            token, std::move(t), diag);
    }
    static void start_verify(const std::shared_ptr<detail::verifier_shell>& state, secret t, diagnostics* d,
                             detail::handler_of<std::optional<verified_token>> h);
    static void start_remove(const std::shared_ptr<detail::verifier_shell>& state, secret t, diagnostics* d,
                             detail::handler_of<void> h);
    friend struct detail::injection;  // tests make verifiers over their own token source (src/api/injection.hpp)
    explicit token_verifier(std::shared_ptr<detail::verifier_shell> state) noexcept : state_(std::move(state)) {}
    std::shared_ptr<detail::verifier_shell> state_;
};

}  // namespace stencila::hub
