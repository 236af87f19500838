// The create endpoint's request side: body parsing (JSON or form), the serializer's field
// validation, and the Hub's local OpenID (JWT) checks. Pure: no sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stencila::hub::emulator::detail {

/// Validated, trimmed `TokensCreateRequest` fields; absent fields are empty optionals.
struct create_fields {
    std::optional<std::string> username, password, openid;
};

/// Either the fields, or an error response (status and complete JSON body).
struct create_parse_result {
    unsigned status = 0;  ///< 0 = fields are valid
    std::string body;
    create_fields fields;
};

create_parse_result parse_create_body(std::string_view content_type, std::string_view body);

/// The claims the Hub uses once a JWT passes its checks.
struct openid_identity {
    std::string email, given_name, family_name;
};

/// The Hub's `authenticate_openid` up to Google's verification: decode (no signature check),
/// then `exp`, `iss`, `aud`. Audiences in `test_audiences` stand in for a successful Google
/// verification; other Google audiences fail with "Token could not be verified". Returns the
/// error message, or empty and fills `out`.
std::string check_openid(std::string_view jwt, double now_seconds, const std::vector<std::string>& test_audiences,
                         openid_identity& out);

}  // namespace stencila::hub::emulator::detail
