// `retry_policy`: when a failed call is tried again, and after how long.
//
// Retried: connect failures (the request never left), and for the idempotent calls (`list`,
// `read`, `remove`) also 429, 502, 503 and 504 answers, connections that broke (closed or reset)
// and attempts that ran out of `timeouts.attempt`. `create` is retried only when the request provably never reached the server
// (it failed while connecting). A call that fails on a reused keep-alive connection before any
// response byte is retried once at once on a fresh connection, outside this policy.
//
// Delays grow exponentially with full jitter (a uniform draw between 0 and the capped
// exponential). A wait the server states (`Retry-After`, delta-seconds or HTTP-date, or the Hub's
// throttle message "Expected available in N seconds.") is a floor, never shortened: the retry
// comes after exactly that wait when it is at most `max_retry_after` and the deadline allows it;
// otherwise the call fails at once, and `api_error::retry_after()` says how long to wait. No
// retry is made when it could not finish before the operation's deadline. A retry budget shared
// by all calls of a client keeps a failing server from being hammered: retries may add at most
// `budget_ratio` to the rate of first attempts, plus `budget_reserve` at start.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <chrono>
#include <cstdint>

namespace stencila::hub {

/// When a failed call is tried again, and after how long (`options::retry`, or a view's
/// `call_options::retry`). Plain values; the defaults are those of the README's "Retries".
struct retry_policy {
    std::uint32_t max_attempts = 3;                    ///< attempts in all, the first included (3 by default); 1 = never retry
    std::chrono::milliseconds initial_backoff{100};   ///< cap of the first delay's draw (100 ms by default)
    std::chrono::milliseconds max_backoff{5'000};     ///< cap of any draw (5 s by default)
    double multiplier = 2.0;                          ///< growth of the cap per attempt (2 by default: 100 ms, 200 ms, 400 ms...)
    /// Retry after the wait the server states (`Retry-After`, or the Hub's throttle message), never
    /// sooner (true by default); false: an answer that states a wait is not retried at all.
    bool honour_retry_after = true;
    /// The longest stated wait the client waits out itself (30 s by default); a longer one fails
    /// the call at once, with `api_error::retry_after()` set.
    std::chrono::milliseconds max_retry_after{30'000};
    /// Retries per first attempt, in the long run, for all the client's calls together (0.2 by
    /// default: retries add at most 20 % to the rate of first attempts).
    double budget_ratio = 0.2;
    double budget_reserve = 10.0;    ///< retries allowed before any first attempt earned them (10 by default)
};

}  // namespace stencila::hub
