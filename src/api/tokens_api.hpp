// The calls as free coroutines over the shared client state, for the paging walk and
// `remove_many` to reuse. An operation holds the state, so it outlives any `client` handle.
#pragma once

#include "sansio/call_settings.hpp"
#include "api/client_state.hpp"

#include <stencila/hub/models.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

namespace stencila::hub::detail {

using state_ptr = std::shared_ptr<client_state>;

/// GET `target` (origin-form, as built by `tokens_target` or taken from a `next` link).
boost::asio::awaitable<token_page> list_page(state_ptr s, call_ptr c, std::string target, bool gzip);

/// The target of one token, "<prefix>/tokens/<encoded>/"; an empty token throws
/// `error::empty_token` (before any I/O).
std::string checked_token_target(const client_state& s, const secret& token);

/// How a removal succeeded.
enum class removal {
    removed,          ///< the Hub answered 2xx
    removed_earlier,  ///< a retry got 404 after an earlier attempt's answer was lost (exchange_fsm)
};

/// DELETE of one token; `target` as built by `checked_token_target` from `token`. Throws
/// `api_error` for a non-2xx answer but such a 404.
boost::asio::awaitable<removal> remove_token(state_ptr s, call_ptr c, std::string target, secret token);

}  // namespace stencila::hub::detail
