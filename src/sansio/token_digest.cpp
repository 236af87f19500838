#include "sansio/token_digest.hpp"

#include <openssl/evp.h>

#include <memory>
#include <new>

namespace stencila::hub::detail {

namespace {

struct md_free {
    void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
struct ctx_free {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// Fetched once: an implicit fetch (`EVP_sha256()`) looks the algorithm up on every use.
const EVP_MD* sha256() {
    static const std::unique_ptr<EVP_MD, md_free> md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
    return md.get();
}

}  // namespace

token_digest digest_of(std::string_view token) {
    thread_local const std::unique_ptr<EVP_MD_CTX, ctx_free> ctx{EVP_MD_CTX_new()};
    token_digest out{};
    unsigned int size = 0;
    if (!ctx || !sha256() || EVP_DigestInit_ex2(ctx.get(), sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), token.data(), token.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), out.data(), &size) != 1 ||
        size != out.size())
        throw std::bad_alloc();  // OpenSSL fails here only when it cannot allocate
    return out;
}

}  // namespace stencila::hub::detail
