// The generic-completion-token forms of the calls: each runs the coroutine form on the client's
// executor and completes the type-erased handler with `(error_code, T)` on the handler's own
// executor, keeping the details in a `diagnostics` when given one.
#include "api/client_state.hpp"
#include "api/completion.hpp"

#include <stencila/hub/client.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include <new>

namespace stencila::hub {
namespace asio = boost::asio;
using boost::system::error_code;

void tokens_api::start_create_password(password_credentials c, diagnostics* d, detail::handler_of<created_token> h) const {
    detail::launch<created_token>(state_->executor, d, std::move(h), [&] { return create(std::move(c)); });
}

void tokens_api::start_create_openid(openid_credentials c, diagnostics* d, detail::handler_of<created_token> h) const {
    detail::launch<created_token>(state_->executor, d, std::move(h), [&] { return create(std::move(c)); });
}

void tokens_api::start_create_key(int, diagnostics* d, detail::handler_of<created_token> h) const {
    detail::launch<created_token>(state_->executor, d, std::move(h), [&] { return create(); });
}

void tokens_api::start_list(std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> p, diagnostics* d,
                            detail::handler_of<token_page> h) const {
    detail::launch<token_page>(state_->executor, d, std::move(h), [&] { return list(p.first, p.second); });
}

void tokens_api::start_read(secret t, diagnostics* d, detail::handler_of<hub::token> h) const {
    detail::launch<hub::token>(state_->executor, d, std::move(h), [&] { return read(std::move(t)); });
}

void tokens_api::start_remove(secret t, diagnostics* d, detail::handler_of<void> h) const {
    detail::launch<void>(state_->executor, d, std::move(h), [&] { return remove(std::move(t)); });
}

void tokens_api::start_remove_many(std::pair<std::vector<secret>, std::size_t> p, diagnostics* d,
                                   detail::handler_of<std::vector<remove_result>> h) const {
    detail::launch<std::vector<remove_result>>(state_->executor, d, std::move(h),
                                       [&] { return remove_many(std::move(p.first), p.second); });
}

}  // namespace stencila::hub
