// How a connection's `open` or `exchange` ended, in words the rest of the library understands
// without Beast: no error, or the error and what was under way.
#pragma once

#include <boost/system/error_code.hpp>

namespace stencila::hub::detail {

/// What a call was doing when it failed (`queued`: waiting for a pooled connection), for messages
/// and for the exchange's decisions (a failure while connecting never reached the server).
enum class io_phase { queued, resolving, connecting, tunnel, tls, sending, waiting, reading };

/// How an `open` or an `exchange` ended: no error, or the error and its phase.
struct io_result {
    boost::system::error_code error{};
    io_phase phase = io_phase::connecting;
    unsigned proxy_status = 0;  ///< the proxy's status when it refused the tunnel
    explicit operator bool() const noexcept { return static_cast<bool>(error); }
};

}  // namespace stencila::hub::detail
