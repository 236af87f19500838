// The one way tests put their own I/O in place of the real one: they pass it in, to the client or
// the verifier they make (a scripted transport, a fake token source). Nothing global changes, so
// clients made elsewhere at the same time, on any thread, are untouched. Not public API.
#pragma once

#include "api/verifier_shell.hpp"
#include "io/transport.hpp"

#include <stencila/hub/client.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/verifier.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace stencila::hub::detail {

struct injection {
    /// A client whose calls go through `http` rather than Beast's transport; `opts` are checked
    /// as `client`'s constructor checks them.
    static client client_over(boost::asio::any_io_executor executor, options opts, std::shared_ptr<transport> http);
    /// A verifier of `hub`'s whose Hub calls go to `source` rather than to `hub.tokens()`.
    static token_verifier verifier_over(const client& hub, verifier_options o, token_source source);
};

}  // namespace stencila::hub::detail
