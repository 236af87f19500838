// The type-erased handlers behind the completion-token forms of the calls.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <type_traits>

namespace stencila::hub::detail {

template <class T>
struct signature_of {
    using type = void(boost::system::error_code, T);
};
template <>
struct signature_of<void> {
    using type = void(boost::system::error_code);
};
template <class T>
using handler_of = boost::asio::any_completion_handler<typename signature_of<T>::type>;

/// `asio::use_awaitable` itself: such calls take the default form, which throws `api_error`
/// with the Hub's message rather than a bare `system_error` with its code.
template <class CompletionToken>
inline constexpr bool is_use_awaitable = std::is_same_v<std::decay_t<CompletionToken>, boost::asio::use_awaitable_t<>>;

}  // namespace stencila::hub::detail
