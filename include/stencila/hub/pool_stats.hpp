// `pool_stats`: what a client's connection pool has done and holds, readable while it runs.
#pragma once

#include <stencila/hub/detail/config.hpp>

#include <cstdint>

namespace stencila::hub {

/// Counters of the connection pool (`client::stats()`), readable while the client runs.
struct pool_stats {
    std::uint64_t opened = 0;     ///< connections established
    std::uint64_t resumed = 0;    ///< of those, TLS connections that resumed an earlier session
    std::uint64_t reused = 0;     ///< requests sent on a connection from the pool
    std::uint64_t evicted = 0;    ///< idle connections closed (idle timeout, or closed by the server)
    std::uint64_t discarded = 0;  ///< connections closed after an error, cancellation or `Connection: close`
    std::uint64_t retried = 0;    ///< requests retried (on a fresh connection after a stale one, or by the policy)
    std::uint64_t in_use = 0;     ///< connections (or connection slots) lent out now
    std::uint64_t idle = 0;       ///< connections waiting in the pool now
    std::uint64_t waiting = 0;    ///< operations waiting for a connection now
};

}  // namespace stencila::hub
