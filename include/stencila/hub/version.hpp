// The library's version, as in the default User-Agent `stencila-hub-cpp/<version>`.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

namespace stencila::hub {

inline constexpr const char* version = "0.1.0";

}  // namespace stencila::hub
