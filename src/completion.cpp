// The generic-completion-token forms of the calls: each runs the coroutine form on the client's
// executor and completes the type-erased handler with `(error_code, T)` on the handler's own
// executor, keeping the details in a `diagnostics` when given one.
#include "detail/client_state.hpp"

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

namespace {

class http_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "stencila.hub.http"; }
    std::string message(int status) const override { return "the Hub answered HTTP " + std::to_string(status); }
};

// What the exception says, as an error code (and in full in `d`).
error_code to_error_code(std::exception_ptr e, diagnostics* d) {
    if (d) d->clear();
    if (!e) return {};
    try {
        std::rethrow_exception(e);
    } catch (const api_error& x) {
        if (d) {
            d->message = x.what();
            d->http_error = x;
        }
        return {static_cast<int>(x.status()), http_category()};
    } catch (const boost::system::system_error& x) {
        if (d) d->message = x.what();
        return x.code();
    } catch (const std::bad_alloc& x) {
        if (d) d->message = x.what();
        return make_error_code(boost::system::errc::not_enough_memory);
    } catch (const std::exception& x) {
        if (d) d->message = x.what();
        return make_error_code(boost::system::errc::io_error);
    }
}

// Runs the operation `make()` builds and completes `h` on its associated executor (the client's
// by default) through `dispatch`/`post`, never inside the initiating call. An argument error that
// `make()` throws at once goes to the handler too.
template <class T, class Make>
void launch(const detail::client_state& s, diagnostics* d, detail::handler_of<T> h, Make make) {
    auto slot = asio::get_associated_cancellation_slot(h);
    asio::awaitable<T> op;
    try {
        op = make();
    } catch (...) {
        auto ec = to_error_code(std::current_exception(), d);
        if constexpr (std::is_void_v<T>) asio::post(s.executor, asio::append(std::move(h), ec));
        else asio::post(s.executor, asio::append(std::move(h), ec, T{}));
        return;
    }
    auto ex = s.executor;
    if constexpr (std::is_void_v<T>) {
        asio::co_spawn(ex, std::move(op),
                       asio::bind_cancellation_slot(slot, [h = std::move(h), d, ex](std::exception_ptr e) mutable {
                           asio::dispatch(ex, asio::append(std::move(h), to_error_code(e, d)));
                       }));
    } else {
        asio::co_spawn(ex, std::move(op),
                       asio::bind_cancellation_slot(slot, [h = std::move(h), d, ex](std::exception_ptr e, T v) mutable {
                           asio::dispatch(ex, asio::append(std::move(h), to_error_code(e, d), std::move(v)));
                       }));
    }
}

}  // namespace

const boost::system::error_category& http_category() noexcept {
    static const http_category_impl instance;
    return instance;
}

void tokens_api::start_create_password(password_credentials c, diagnostics* d, detail::handler_of<created_token> h) const {
    launch<created_token>(*state_, d, std::move(h), [&] { return create(std::move(c)); });
}

void tokens_api::start_create_openid(openid_credentials c, diagnostics* d, detail::handler_of<created_token> h) const {
    launch<created_token>(*state_, d, std::move(h), [&] { return create(std::move(c)); });
}

void tokens_api::start_create_key(int, diagnostics* d, detail::handler_of<created_token> h) const {
    launch<created_token>(*state_, d, std::move(h), [&] { return create(); });
}

void tokens_api::start_list(std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> p, diagnostics* d,
                            detail::handler_of<token_page> h) const {
    launch<token_page>(*state_, d, std::move(h), [&] { return list(p.first, p.second); });
}

void tokens_api::start_read(secret t, diagnostics* d, detail::handler_of<hub::token> h) const {
    launch<hub::token>(*state_, d, std::move(h), [&] { return read(std::move(t)); });
}

void tokens_api::start_remove(secret t, diagnostics* d, detail::handler_of<void> h) const {
    launch<void>(*state_, d, std::move(h), [&] { return remove(std::move(t)); });
}

void tokens_api::start_remove_many(std::pair<std::vector<secret>, std::size_t> p, diagnostics* d,
                                   detail::handler_of<std::vector<remove_result>> h) const {
    launch<std::vector<remove_result>>(*state_, d, std::move(h),
                                       [&] { return remove_many(std::move(p.first), p.second); });
}

}  // namespace stencila::hub
