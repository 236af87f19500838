// JSON <-> models. Tolerant as the Hub's real answers require: unknown keys are ignored, names
// may be empty or missing, `firstName` or `first_name`, `expiry` may be null, date-times with or
// without a fraction. A body that is not the expected JSON throws
// `system_error(error::malformed_response)` naming the key, never its value.
#pragma once

#include <stencila/hub/models.hpp>

#include <string>
#include <string_view>

namespace stencila::hub::detail {

[[nodiscard]] token parse_token(std::string_view body);
[[nodiscard]] created_token parse_created_token(std::string_view body);
[[nodiscard]] token_page parse_token_page(std::string_view body);

/// Request bodies for POST /tokens/.
[[nodiscard]] std::string create_body(const password_credentials& c);
[[nodiscard]] std::string create_body(const openid_credentials& c);

}  // namespace stencila::hub::detail
