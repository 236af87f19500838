// The type-erased handlers behind the completion-token forms of the calls.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/system/error_code.hpp>

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

}  // namespace stencila::hub::detail
