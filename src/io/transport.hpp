// The transport: one operation, `exchange(request) -> response`, with pooling, deadlines, the
// stale-connection retry, the policy's retries and error mapping inside (the exchange_fsm decides,
// the transport performs). The API layer sees only this interface, so its tests can pass a
// scripted transport in its place (api/injection.hpp).
#pragma once

#include "sansio/http_message.hpp"
#include "sansio/url.hpp"

#include <stencila/hub/call_stats.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/pool_stats.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>

namespace stencila::hub::detail {

class transport {
public:
    virtual ~transport() = default;
    /// Sends `request` and reads the whole response into `response`, whatever its status. Throws
    /// `system_error` for anything that keeps a response from arriving whole. Both stay the
    /// caller's (in its coroutine frame): a call waiting for a connection holds no copies.
    virtual boost::asio::awaitable<void> exchange(const http_request& request, http_response& response) = 0;
    [[nodiscard]] virtual pool_stats stats() const = 0;
    [[nodiscard]] virtual hub::call_stats call_stats() const { return {}; }
};

/// The transport of a client: HTTP/1.1 over Beast (TCP or TLS) with a keep-alive pool. Throws
/// `system_error` when the TLS settings cannot be loaded.
std::shared_ptr<transport> make_transport(const boost::asio::any_io_executor& executor, const options& opts,
                                          const base_url& base);

/// Calls `opts.logger` when it is set and `level` is at least `opts.min_log_level`.
void log(const options& opts, log_level level, std::string_view message);

}  // namespace stencila::hub::detail
