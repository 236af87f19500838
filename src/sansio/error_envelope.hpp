// Turns a non-2xx answer into an `api_error`: reads the Hub's {"message","errors"} envelope, and
// describes HTML, empty and other bodies clearly. The request's `secrets`, should the server echo
// them, are redacted from everything the error holds.
#pragma once

#include "sansio/http_message.hpp"

#include <stencila/hub/error.hpp>

namespace stencila::hub::detail {

[[nodiscard]] api_error make_api_error(http_response&& response, std::span<const std::string_view> secrets = {});

}  // namespace stencila::hub::detail
