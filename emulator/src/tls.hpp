// Certificates for the emulator, made at start with the OpenSSL 3 API: an EC P-256 CA, a
// server certificate for localhost / 127.0.0.1 / ::1 signed by it, and client certificates.
#pragma once

#include <string>
#include <string_view>

namespace stencila::hub::emulator::detail {

struct pem_pair {
    std::string cert;
    std::string key;
};

/// A self-signed CA (valid for 10 years).
pem_pair make_ca(std::string_view common_name);
/// A leaf certificate signed by `ca`: a server certificate (SAN DNS:localhost, IP:127.0.0.1,
/// IP:::1, serverAuth) or a client certificate (clientAuth). `expired`: valid until yesterday.
pem_pair make_leaf(const pem_pair& ca, std::string_view common_name, bool server, bool expired = false);

}  // namespace stencila::hub::emulator::detail
