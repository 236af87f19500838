// The four calls: build the request, exchange it, map the answer to a model or an `api_error`.
#include "api/client_state.hpp"
#include "sansio/codec.hpp"
#include "sansio/error_envelope.hpp"
#include "sansio/json_models.hpp"
#include "api/tokens_api.hpp"

#include "sansio/failure.hpp"

#include <stencila/hub/client.hpp>

#include <boost/system/system_error.hpp>

#include <array>

namespace stencila::hub {
namespace asio = boost::asio;
using detail::http_method;
using detail::http_request;
using detail::http_response;
using detail::call_ptr;
using detail::state_ptr;

namespace {

constexpr std::string_view collection_route = "/tokens/";
constexpr std::string_view detail_route = "/tokens/{token}/";

[[noreturn]] void reject(error e, const char* what) {
    throw detail::failure(make_error_code(e), what);
}

// Non-2xx answers become `api_error`s, without the request's secrets should the server echo them.
http_response&& expect_success(const http_request& req, http_response&& r) {
    if (detail::classify(r.status) != detail::status_class::success) throw detail::make_api_error(std::move(r), req.secrets);
    return std::move(r);
}

// The model in a success answer; a body that is not one says which call, which host and what.
template <class Parse>
auto parse_answer(const state_ptr& s, const http_request& req, http_response&& r, Parse parse) {
    auto&& ok = expect_success(req, std::move(r));
    try {
        return parse(ok.body);
    } catch (const detail::failure& e) {
        throw detail::failure(e.code(),
                              std::string(detail::method_name(req.method)) + " " + std::string(req.route) +
                                  ": reading from " + s->base.where.host_header,
                              e.detail());
    }
}

// The coroutines take the state by value: an operation keeps it alive, whatever happens to the
// `tokens_api` or `client` it was started from.
asio::awaitable<created_token> do_create(state_ptr s, call_ptr c, std::string body, bool authorize, secret credential) {
    const std::array<std::string_view, 2> secrets{credential.reveal(), c->api_key.reveal()};
    http_request req{http_method::post, detail::tokens_target(s->base, {}, {}), collection_route, std::move(body), authorize};
    req.secrets = secrets;
    req.call = c.get();
    http_response r;
    co_await s->http->exchange(req, r);
    co_return parse_answer(s, req, std::move(r), detail::parse_created_token);
}


// The request comes made (its frame holds no target besides it): reads are what callers queue by
// the thousand behind a busy pool (W3).
asio::awaitable<token> do_read(state_ptr s, call_ptr c, http_request req, secret token) {
    const std::array<std::string_view, 2> secrets{token.reveal(), c->api_key.reveal()};
    req.secrets = secrets;
    req.call = c.get();
    http_response r;
    co_await s->http->exchange(req, r);
    co_return parse_answer(s, req, std::move(r), detail::parse_token);
}


}  // namespace

namespace detail {

std::string checked_token_target(const client_state& s, const secret& token) {
    if (token.empty()) reject(error::empty_token, "the token to read or remove is empty");
    return token_target(s.base, token.reveal());
}

asio::awaitable<token_page> list_page(state_ptr s, call_ptr c, std::string target, bool gzip) {
    const std::array<std::string_view, 1> secrets{c->api_key.reveal()};
    http_request req{http_method::get, std::move(target), collection_route, {}, true, gzip};
    req.secrets = secrets;
    req.call = c.get();
    http_response r;
    co_await s->http->exchange(req, r);
    co_return parse_answer(s, req, std::move(r), parse_token_page);
}

asio::awaitable<removal> remove_token(state_ptr s, call_ptr c, std::string target, secret token) {
    const std::array<std::string_view, 1> secrets{token.reveal()};
    http_request req{http_method::delete_, std::move(target), detail_route, {}, false};
    req.secrets = secrets;
    req.call = c.get();
    http_response r;
    co_await s->http->exchange(req, r);
    if (r.removed_earlier) co_return removal::removed_earlier;
    expect_success(req, std::move(r));
    co_return removal::removed;
}

}  // namespace detail

asio::awaitable<created_token> tokens_api::create(password_credentials c) const {
    if (c.username.empty() || c.password.empty())
        reject(error::invalid_argument, "create: username and password must both be given");
    auto body = detail::create_body(c);
    return do_create(state_, call_, std::move(body), false, std::move(c.password));
}

asio::awaitable<created_token> tokens_api::create(openid_credentials c) const {
    if (c.jwt.empty()) reject(error::invalid_argument, "create: the OpenID token is empty");
    auto body = detail::create_body(c);
    return do_create(state_, call_, std::move(body), false, std::move(c.jwt));
}

asio::awaitable<created_token> tokens_api::create() const {
    if (call_->api_key.empty())
        reject(error::invalid_argument, "create: no credentials given and no API key (options::api_key or call_options::api_key)");
    return do_create(state_, call_, "{}", true, {});
}

asio::awaitable<token_page> tokens_api::list(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset) const {
    if ((limit && *limit <= 0) || (offset && *offset < 0))
        reject(error::invalid_argument, "list: limit must be positive and offset not negative");
    return detail::list_page(state_, call_, detail::tokens_target(state_->base, limit, offset), false);
}

asio::awaitable<token> tokens_api::read(secret token) const {
    auto target = detail::checked_token_target(*state_, token);
    // No `Authorization` unless the view asks for it (call_options::authorize_reads).
    return do_read(state_, call_, http_request{http_method::get, std::move(target), detail_route, {}, call_->authorize_reads},
                   std::move(token));
}

namespace {

asio::awaitable<void> do_remove(state_ptr s, call_ptr c, std::string target, secret token) {
    co_await detail::remove_token(std::move(s), std::move(c), std::move(target), std::move(token));
}

}  // namespace

asio::awaitable<void> tokens_api::remove(secret token) const {
    auto target = detail::checked_token_target(*state_, token);
    return do_remove(state_, call_, std::move(target), std::move(token));
}

tokens_api tokens_api::with(call_options o) const { return tokens_api{state_, call_->with(o, state_->opts)}; }

}  // namespace stencila::hub
