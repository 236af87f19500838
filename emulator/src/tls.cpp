#include "tls.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace stencila::hub::emulator::detail {

namespace {

template <class T, void (*F)(T*)>
struct deleter {
    void operator()(T* p) const { F(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("certificate generation failed: ") + what);
}

pkey_ptr new_key() {
    pkey_ptr k(EVP_EC_gen("P-256"));
    check(k != nullptr, "EVP_EC_gen");
    return k;
}

std::string to_pem(X509* cert) {
    bio_ptr b(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(b.get(), cert) == 1, "PEM_write_bio_X509");
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string to_pem(EVP_PKEY* key) {
    bio_ptr b(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM_write_bio_PrivateKey");
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

x509_ptr read_cert(const std::string& pem) {
    bio_ptr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    x509_ptr c(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
    check(c != nullptr, "PEM_read_bio_X509");
    return c;
}

pkey_ptr read_key(const std::string& pem) {
    bio_ptr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    pkey_ptr k(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr));
    check(k != nullptr, "PEM_read_bio_PrivateKey");
    return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

x509_ptr new_cert(EVP_PKEY* key, std::string_view cn, long days) {
    x509_ptr c(X509_new());
    check(c != nullptr, "X509_new");
    X509_set_version(c.get(), 2);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), days * 24 * 3600);
    X509_set_pubkey(c.get(), key);
    X509_NAME* name = X509_get_subject_name(c.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Stencila Hub emulator"), -1, -1, 0);
    std::string cns(cn);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cns.c_str()), -1, -1, 0);
    return c;
}

}  // namespace

pem_pair make_ca(std::string_view common_name) {
    auto key = new_key();
    auto cert = new_cert(key.get(), common_name, 3650);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");
    return {to_pem(cert.get()), to_pem(key.get())};
}

pem_pair make_leaf(const pem_pair& ca, std::string_view common_name, bool server, bool expired) {
    auto ca_cert = read_cert(ca.cert);
    auto ca_key = read_key(ca.key);
    auto key = new_key();
    auto cert = new_cert(key.get(), common_name, expired ? -1 : 825);
    if (expired) X509_gmtime_adj(X509_getm_notBefore(cert.get()), -30L * 24 * 3600);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
    add_ext(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(cert.get(), ca_cert.get(), NID_ext_key_usage, server ? "serverAuth" : "clientAuth");
    add_ext(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
    add_ext(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
    if (server) add_ext(cert.get(), ca_cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "X509_sign");
    return {to_pem(cert.get()), to_pem(key.get())};
}

}  // namespace stencila::hub::emulator::detail
