// A raw HTTP/1.1 client for the conformance tests, written directly on Beast (not the project's
// client library, so that the two check each other). All Beast code lives in raw_http.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rawhttp {

using namespace std::chrono_literals;
using header_list = std::vector<std::pair<std::string, std::string>>;

struct response {
    unsigned version = 11;
    unsigned status = 0;
    std::string reason;
    header_list headers;  ///< in wire order
    std::string body;     ///< as received (still gzip-compressed if Content-Encoding says so)

    [[nodiscard]] bool has(std::string_view name) const;
    [[nodiscard]] std::string header(std::string_view name) const;  ///< "" when absent
};

struct endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    bool https = true;
    std::string ca_pem;
    std::string client_cert_pem, client_key_pem;
};

struct request {
    std::string method = "GET";
    std::string target = "/api/tokens/";
    header_list headers{};
    std::string body{};
    unsigned version = 11;
    bool add_host = true;  ///< send `Host: host:port` unless headers has one
};

/// One keep-alive connection.
class connection {
public:
    explicit connection(const endpoint& ep);  ///< connects (and handshakes); throws on failure
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Throws boost::system::system_error on a transport failure or timeout.
    response send(const request& r, std::chrono::milliseconds timeout = 10s);
    /// Waits up to `wait` for the server to close the connection; true if it did.
    bool closed_by_peer(std::chrono::milliseconds wait);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// One request on a fresh connection.
response fetch(const endpoint& ep, const request& r, std::chrono::milliseconds timeout = 10s);

enum class ending { eof, reset, timeout, other };

template <class Ostream>
Ostream& operator<<(Ostream& os, ending e) {
    const char* names[] = {"eof", "reset", "timeout", "other"};
    return os << names[static_cast<int>(e)], os;
}

struct raw_result {
    std::string bytes;  ///< everything received (decrypted for HTTPS)
    ending how = ending::other;
    std::chrono::milliseconds elapsed{0};
};

/// Connects, writes `bytes` as they are, and reads until the peer closes, resets or `timeout`.
raw_result exchange_raw(const endpoint& ep, std::string_view bytes, std::chrono::milliseconds timeout);

/// Whether a TLS handshake (with the endpoint's client certificate, if any) succeeds.
bool handshake_succeeds(const endpoint& ep);

std::string gunzip(std::string_view data);

}  // namespace rawhttp
