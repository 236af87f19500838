// `call_stats`: what a client's calls have done, for a service's metrics (`client::call_stats()`).
#pragma once

#include <stencila/hub/detail/config.hpp>

#include <cstdint>

namespace stencila::hub {

/// Counters of the calls made through one client (and its copies), readable while it runs.
/// Together with `pool_stats` they say what the client does without a debugger: e.g.
/// `retries_status / calls` is the share of calls the Hub answered 429 or 5xx at first.
struct call_stats {
    std::uint64_t calls = 0;           ///< operations started (a walk's pages and `remove_many`'s removals each count)
    std::uint64_t attempts = 0;        ///< attempts made: each call's first, and every retry
    std::uint64_t requests_sent = 0;   ///< attempts whose request was written to a connection
    std::uint64_t stale_retries = 0;   ///< retried at once on a fresh connection after a reused one failed
    std::uint64_t retries_connect = 0; ///< policy retries after a failure to connect
    std::uint64_t retries_status = 0;  ///< policy retries after a 429, 502, 503 or 504
    std::uint64_t retries_broken = 0;  ///< policy retries after a broken connection or an attempt timeout
    std::uint64_t retries_refused_by_budget = 0;  ///< retries the retry budget did not allow
    std::uint64_t answers_2xx = 0;     ///< answers with a 2xx status (every attempt's answer counts, a retried one too)
    std::uint64_t answers_4xx = 0;     ///< answers with a 4xx status
    std::uint64_t answers_5xx = 0;     ///< answers with a 5xx status
    std::uint64_t answers_other = 0;   ///< answers with another status: 3xx, or out of range (a 1xx is interim, never an answer)
    std::uint64_t transport_failures = 0;  ///< calls that ended without an answer (network, TLS, timeout)
    std::uint64_t cancelled = 0;       ///< calls ended by cancellation
    /// `remove` calls (`remove_many`'s too) that succeeded on a 404: a retry was answered 404
    /// after an earlier attempt's answer was lost (a 502, 503 or 504, or a broken connection or
    /// an attempt timeout after the request went out), so that attempt most likely removed the
    /// token. Counted in `answers_4xx` as well.
    std::uint64_t removed_earlier = 0;
};

}  // namespace stencila::hub
