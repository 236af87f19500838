// The values of a `token_verifier` (verifier.hpp): how it caches (`verifier_options`), what it
// answers (`verified_token`) and what it counts (`verifier_stats`). Plain values, apart from the
// verifier itself, so that the pure cache that decides with them needs no client.
#pragma once

#include <stencila/hub/detail/config.hpp>

#include <stencila/hub/models.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace stencila::hub {

/// How a `token_verifier` caches. Every field has a default; none holds a string.
struct verifier_options {
    std::chrono::milliseconds ttl{30'000};          ///< a valid answer is trusted this long (never past `expiry`)
    std::chrono::milliseconds negative_ttl{5'000};  ///< a 404 is trusted this long
    std::size_t max_entries = 100'000;              ///< cached answers at most (0 = none: single flight only)
    /// 0 = off. Otherwise, while the Hub cannot be reached or answers 5xx, a token valid within
    /// `ttl + stale_if_error` is still accepted, flagged `stale` (see the top of this file).
    std::chrono::milliseconds stale_if_error{0};
    /// 0 = none. Otherwise at most this many Hub calls start in any 60 s (a sliding window); a
    /// miss beyond it fails at once with `error::hub_throttled` (or is served stale, see
    /// `stale_if_error`), so that a service stays within its Hub budget by design.
    std::size_t max_hub_calls_per_minute = 0;
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
    std::uint64_t malformed = 0;        ///< refused at once: not shaped like a Hub token (no Hub call, no entry)
    std::uint64_t throttled = 0;        ///< misses refused at once (or served stale) after a 429, until its wait and probe
    std::uint64_t over_ceiling = 0;     ///< misses refused at once (or served stale) by `max_hub_calls_per_minute`
    std::uint64_t evictions = 0;        ///< entries dropped before their time to stay within `max_entries`
    std::uint64_t forgotten = 0;        ///< entries dropped by `forget` or `remove`
    std::uint64_t entries = 0;          ///< cached answers now, valid and negative
    std::uint64_t in_flight = 0;        ///< Hub calls now
    std::uint64_t waiting = 0;          ///< `verify` calls waiting for one now
};

}  // namespace stencila::hub
