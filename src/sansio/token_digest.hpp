// Token digests: what the verifier keys its cache with, so that it never holds a token value.
#pragma once

#include <array>
#include <string_view>

namespace stencila::hub::detail {

/// SHA-256 of a token.
using token_digest = std::array<unsigned char, 32>;

/// The SHA-256 of `token` (OpenSSL EVP; a context kept per thread, so no allocation per call).
token_digest digest_of(std::string_view token);

}  // namespace stencila::hub::detail
