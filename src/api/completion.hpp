// Completing a type-erased handler from a coroutine: the bridge between the awaitable forms of
// the calls and any completion token.
#pragma once

#include <stencila/hub/detail/handler.hpp>
#include <stencila/hub/diagnostics.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <new>
#include <type_traits>

namespace stencila::hub::detail {

// What the exception says, as an error code (and in full in `d`).
inline boost::system::error_code to_error_code(std::exception_ptr e, diagnostics* d) {
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
void launch(const boost::asio::any_io_executor& executor, diagnostics* d, detail::handler_of<T> h, Make make) {
    auto slot = boost::asio::get_associated_cancellation_slot(h);
    boost::asio::awaitable<T> op;
    try {
        op = make();
    } catch (...) {
        auto ec = to_error_code(std::current_exception(), d);
        if constexpr (std::is_void_v<T>) boost::asio::post(executor, boost::asio::append(std::move(h), ec));
        else boost::asio::post(executor, boost::asio::append(std::move(h), ec, T{}));
        return;
    }
    auto ex = executor;
    if constexpr (std::is_void_v<T>) {
        boost::asio::co_spawn(ex, std::move(op),
                       boost::asio::bind_cancellation_slot(slot, [h = std::move(h), d, ex](std::exception_ptr e) mutable {
                           boost::asio::dispatch(ex, boost::asio::append(std::move(h), to_error_code(e, d)));
                       }));
    } else {
        boost::asio::co_spawn(ex, std::move(op),
                       boost::asio::bind_cancellation_slot(slot, [h = std::move(h), d, ex](std::exception_ptr e, T v) mutable {
                           boost::asio::dispatch(ex, boost::asio::append(std::move(h), to_error_code(e, d), std::move(v)));
                       }));
    }
}


}  // namespace stencila::hub::detail
