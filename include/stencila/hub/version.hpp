// The library's version, as in the default User-Agent `stencila-hub-cpp/<version>`.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

namespace stencila::hub {

/// The library's version, "major.minor.patch", as its CMake package and pkg-config module give it.
inline constexpr const char* version = "0.1.0";

}  // namespace stencila::hub
