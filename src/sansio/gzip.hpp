// Inflating gzip bodies (the Hub's front compresses large list pages when asked).
#pragma once

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace stencila::hub::detail {

/// Inflates the gzip stream `in` (one member or several in a row) into `out`. Fails with `error::body_too_large` past `limit`
/// bytes, and `error::malformed_response` for a stream that is not whole, valid gzip.
boost::system::error_code gunzip(std::string_view in, std::string& out, std::size_t limit);

}  // namespace stencila::hub::detail
