// Turns a non-2xx answer into an `api_error`: reads the Hub's {"message","errors"} envelope, and
// describes HTML, empty and other bodies clearly.
#pragma once

#include "detail/http_message.hpp"

#include <stencila/hub/error.hpp>

namespace stencila::hub::detail {

[[nodiscard]] api_error make_api_error(http_response&& response);

}  // namespace stencila::hub::detail
