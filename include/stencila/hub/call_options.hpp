// `call_options`: settings for some calls, over the client's options and through its pool.
//
//     auto sams = hub.tokens().with({.api_key = sams_key, .timeout = 2s});
//     auto page = co_await sams.list(10, 0);   // Sam's tokens, on the client's pooled connections
//
// A service acting for many users, each with their own API key, keeps one client (one pool, one
// TLS context) and makes a view per user or per call; a call that needs a shorter deadline or no
// retries gets a view too. Views are cheap (one small allocation when made), share everything
// else with their client, and can be kept or made per call.
#pragma once

#include <stencila/hub/detail/config.hpp>

#include <stencila/hub/retry.hpp>
#include <stencila/hub/secret.hpp>

#include <chrono>
#include <optional>

namespace stencila::hub {

/// What a `tokens_api::with` view changes; every field left out keeps the client's. It holds no
/// string of its own (the key is borrowed, and copied by `with`), so it may be written inline,
/// even inside a `co_await` expression (see the compiler notes in the README).
struct call_options {
    /// The API key `list` (and the walks) and `create()` without credentials send, in place of
    /// `options::api_key`; none given (the default): the client's. It stays a secret: never in
    /// a message, a log line or a counter.
    secret_ref api_key{};
    /// The whole call's deadline, in place of `options::timeouts.request` (zero: no limit); none
    /// (the default): the client's.
    std::optional<std::chrono::milliseconds> timeout{};
    /// One attempt's time, in place of `options::timeouts.attempt` (zero: bounded by the call's
    /// deadline only); none (the default): the client's.
    std::optional<std::chrono::milliseconds> attempt_timeout{};
    /// The retry policy, in place of `options::retry` (`{.max_attempts = 1}`: never retry); none
    /// (the default): the client's. The retry budget stays the client's, shared by all its calls.
    std::optional<retry_policy> retry{};
    /// true: `read` sends `Authorization: <api_key_prefix> <api_key>` (this view's key, else the
    /// client's) too, so that the Hub counts it against that key's user (5000/hour) rather than
    /// anonymously against the caller's address (100/hour). false (the default): `read` sends no
    /// `Authorization`, so a stale key cannot make it fail. `token_verifier` sets it when given
    /// a service key. Other calls are not changed by it.
    bool authorize_reads = false;
};

}  // namespace stencila::hub
