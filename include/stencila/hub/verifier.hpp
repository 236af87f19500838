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
//   is `error::empty_token`, before any I/O. A call to the Hub is `tokens_api::read`, which also
//   pushes the token's expiry 7 days ahead, as the Hub does on every use.
// - Cache: a valid answer is kept for `ttl`, never past the token's own `expiry`; a 404 for
//   `negative_ttl`; errors are never kept. Keys are SHA-256 digests of the tokens: no token
//   value is kept, and nothing the verifier logs or prints holds one (log lines, through the
//   client's `options::logger`, name a token by its public id, its first 8 characters).
// - Single flight: concurrent `verify` calls of one token make one Hub call and all get its
//   answer (or its error).
// - Memory: at most `max_entries` entries; when full, CLOCK (an approximation of least recently
//   used) picks the one to evict, entries past their time first. An entry takes 130 bytes with
//   its share of the index (measured by `verifier_memory_tests`: 100,000 entries in 13 MB). A
//   `verify` waiting for a Hub call holds its completion handler in one node, under 200 bytes
//   with a callback (measured too), and no coroutine of the verifier's own.
// - `stale_if_error` (off by default) is a security trade-off: while the Hub cannot be reached
//   (transport errors, timeouts) or answers 5xx, a token that was valid within
//   `ttl + stale_if_error` is still accepted, flagged `stale`, even if it was revoked meanwhile;
//   never past the token's own `expiry`. Other answers (403, 429...) are never hidden that way.
//
// Operations, as in client.hpp:
// - Default form: `asio::awaitable<T>`, resuming on the awaiting coroutine's executor; throws
//   `api_error` or `boost::system::system_error`.
// - Any completion token: `verify(token, completion_token [, &diagnostics])` with handler
//   `void(error_code, std::optional<verified_token>)` (a 404 is no error: `ec` is clear, the
//   optional empty); `remove(token, completion_token [, &diagnostics])` with `void(error_code)`.
//   The handler runs on its associated executor (default: the client's), never inside the
//   initiating call, even for an answer from the cache.
// - Cancellation: any per-operation cancellation of a `verify` ends that wait at once with
//   `operation_aborted`; the Hub call goes on for the other callers of that token, and is
//   cancelled (its connection closed) only when every one of them has gone. `remove` is
//   cancelled as `tokens_api::remove` is.
// - Thread-safety: a `token_verifier` and its copies (which share one cache) may be used by any
//   number of coroutines at once, on any number of threads of one `io_context`.
#pragma once

#include <stencila/hub/client.hpp>
#include <stencila/hub/detail/handler.hpp>
#include <stencila/hub/diagnostics.hpp>
#include <stencila/hub/models.hpp>
#include <stencila/hub/secret.hpp>

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
class verifier_state;
struct verifier_access;  // builds a verifier over any source of answers (tests)
}  // namespace detail

/// How a `token_verifier` caches. Every field has a default; none holds a string.
struct verifier_options {
    std::chrono::milliseconds ttl{30'000};          ///< a valid answer is trusted this long (never past `expiry`)
    std::chrono::milliseconds negative_ttl{5'000};  ///< a 404 is trusted this long
    std::size_t max_entries = 100'000;              ///< cached answers at most (0 = none: single flight only)
    /// 0 = off. Otherwise, while the Hub cannot be reached or answers 5xx, a token valid within
    /// `ttl + stale_if_error` is still accepted, flagged `stale` (see the top of this file).
    std::chrono::milliseconds stale_if_error{0};
};

/// What `verify` gives for a valid token: the token's details as the Hub last gave them
/// (`user`, `id`, `created`, `expiry`), and whether the answer is stale.
struct verified_token : token {
    /// The Hub could not be asked just now (`stale_if_error`): this is its last answer, older
    /// than `ttl`.
    bool stale = false;
};

/// Counters of a verifier, readable while it runs.
struct verifier_stats {
    std::uint64_t hits = 0;             ///< answered "valid" from the cache
    std::uint64_t negative_hits = 0;    ///< answered "unknown or expired" from the cache
    std::uint64_t misses = 0;           ///< not answered from the cache: they waited for a Hub call
    std::uint64_t coalesced = 0;        ///< of the misses, those that joined a call already in flight
    std::uint64_t hub_calls = 0;        ///< Hub calls started (`GET /tokens/{token}/`)
    std::uint64_t hub_errors = 0;       ///< of those, calls that failed (an error, not a 404)
    std::uint64_t cancelled_calls = 0;  ///< of those, calls cancelled because every caller had gone
    std::uint64_t abandoned = 0;        ///< `verify` calls cancelled before their answer
    std::uint64_t stale_served = 0;     ///< answers given stale (`stale_if_error`)
    std::uint64_t evictions = 0;        ///< entries dropped before their time to stay within `max_entries`
    std::uint64_t forgotten = 0;        ///< entries dropped by `forget` or `remove`
    std::uint64_t entries = 0;          ///< cached answers now, valid and negative
    std::uint64_t in_flight = 0;        ///< Hub calls now
    std::uint64_t waiting = 0;          ///< `verify` calls waiting for one now
};

/// Checks tokens through a `client`'s `tokens_api`, with a cache (see the top of this file).
/// Cheap to copy; copies share the cache. Outstanding operations keep what they need alive.
class token_verifier {
public:
    /// Calls the Hub through `hub` (and logs through its `options::logger`). Throws
    /// `system_error` with `error::invalid_argument` for a negative duration in `o`.
    explicit token_verifier(client hub, verifier_options o = {});

    /// The token's details when the Hub says it is valid, nothing when it is unknown or expired.
    boost::asio::awaitable<std::optional<verified_token>> verify(secret token) const;

    /// DELETE /tokens/{token}/ (`tokens_api::remove`), then forgets the token, whatever the
    /// Hub answered (a 404 is still an `api_error`, as with `tokens_api::remove`).
    boost::asio::awaitable<void> remove(secret token) const;

    /// Drops what is cached about `token`; a Hub call in flight for it is answered to its
    /// callers but not cached.
    void forget(const secret& token) const;

    [[nodiscard]] verifier_stats stats() const;
    [[nodiscard]] const verifier_options& config() const;

    // The same calls with any completion token (see the top of this file).
    template <class CompletionToken>
    auto verify(secret t, CompletionToken&& token, diagnostics* diag = nullptr) const {
        using signature = void(boost::system::error_code, std::optional<verified_token>);
        return boost::asio::async_initiate<CompletionToken, signature>(
            [state = state_](auto handler, secret s, diagnostics* d) {  // a copy: `deferred` may run it later
                start_verify(state, std::move(s), d, detail::handler_of<std::optional<verified_token>>(std::move(handler)));
            },
            token, std::move(t), diag);
    }
    template <class CompletionToken>
    auto remove(secret t, CompletionToken&& token, diagnostics* diag = nullptr) const {
        return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
            [state = state_](auto handler, secret s, diagnostics* d) {
                start_remove(state, std::move(s), d, detail::handler_of<void>(std::move(handler)));
            },
            token, std::move(t), diag);
    }

private:
    friend struct detail::verifier_access;
    explicit token_verifier(std::shared_ptr<detail::verifier_state> state) : state_(std::move(state)) {}
    static void start_verify(const std::shared_ptr<detail::verifier_state>& state, secret t, diagnostics* d,
                             detail::handler_of<std::optional<verified_token>> h);
    static void start_remove(const std::shared_ptr<detail::verifier_state>& state, secret t, diagnostics* d,
                             detail::handler_of<void> h);
    std::shared_ptr<detail::verifier_state> state_;
};

}  // namespace stencila::hub
