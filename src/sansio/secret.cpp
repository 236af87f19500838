#include <stencila/hub/secret.hpp>

#include <openssl/crypto.h>

namespace stencila::hub {

bool operator==(const secret& a, const secret& b) noexcept {
    return a.value_.size() == b.value_.size() &&
           CRYPTO_memcmp(a.value_.data(), b.value_.data(), a.value_.size()) == 0;
}

}  // namespace stencila::hub
