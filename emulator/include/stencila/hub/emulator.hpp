// The Hub emulator: a local server with the Stencila Hub's token endpoints over HTTP or HTTPS.
//
// It answers as the Hub does (see the project's wire contract), holds its users and tokens in
// memory, and can inject faults into chosen upcoming requests. Tests, demos and benchmarks start
// one in-process on an ephemeral port:
//
//     stencila::hub::emulator::server hub{{.https = true}};
//     hub.add_user({.username = "sam", .password = "sam"});
//     client_options.base_url = hub.base_url();   // https://127.0.0.1:PORT/api
//     client_options.tls.ca_pem = hub.ca_pem();
//
// No Beast or OpenSSL type appears here, so including this header is cheap.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stencila::hub::emulator {

/// A Hub user account.
struct user {
    std::string username{};
    std::string password{};
    std::string email{};       ///< optional; create also accepts it in place of the username
    std::string first_name{};  ///< may be empty, as on the real Hub
    std::string last_name{};
    bool active = true;      ///< inactive users get tokens, but using them fails (§ inactive)
};

/// One fault, applied to upcoming requests that match it. Only honoured when
/// `server_options::faults` is true.
struct fault {
    enum class kind {
        latency,               ///< answer normally after `delay`
        close_after_response,  ///< answer, omit `Connection: close`, then close (idle-close race)
        reset_mid_body,        ///< send the headers and half the body, then reset (RST)
        stall,                 ///< read the request and never answer
        status,                ///< answer `status` with `retry_after` and a JSON or HTML body
        truncated_body,        ///< Content-Length says more than is sent, then close
        malformed_json,        ///< 200 with a body that is not valid JSON
        oversized_body,        ///< 200 with a valid-looking JSON body of `oversized_bytes`
        close_before_response, ///< read the request, then close without a byte of answer
    };
    kind what = kind::status;
    std::string method{};       ///< "GET", "POST", "DELETE"...; empty matches any
    /// Matched against the request path, or, when it holds a `?`, against the whole target
    /// (path and query as sent), e.g. "/api/tokens/?limit=10&offset=60".
    std::string path_prefix{};  ///< matched against the request path, e.g. "/api/tokens/"; empty = any
    unsigned skip = 0;        ///< matching requests let through before the fault applies
    unsigned times = 1;       ///< matching requests that get the fault; 0 = all from then on
    std::chrono::milliseconds delay{0};  ///< for `latency`
    unsigned status = 503;               ///< for `status`: 429, 500, 502, 503 or 504
    std::string retry_after{};             ///< for `status`: "" (none), "1", or an HTTP-date
    bool html = false;                   ///< for `status`: the Hub's HTML 50x page, not JSON
    std::size_t oversized_bytes = 16u << 20;  ///< for `oversized_body`
};

/// How the server runs. Every field has a default that suits tests.
struct server_options {
    std::string listen = "127.0.0.1";  ///< address to bind
    std::uint16_t port = 0;            ///< 0 = ephemeral
    bool https = true;                 ///< false = plain HTTP
    std::string cert_pem{};              ///< server certificate chain; empty = generate a CA and a cert
    std::string key_pem{};               ///< its private key
    bool expired_certificate = false;  ///< the generated server certificate expired yesterday (TLS tests)
    bool require_client_certificate = false;  ///< mTLS: reject clients without a cert signed by the CA
    std::string client_ca_pem{};         ///< CA for client certs; empty = the emulator's own CA
    unsigned threads = 1;              ///< I/O threads
    bool faults = false;               ///< honour `server::inject`
    bool gzip = true;                  ///< gzip JSON bodies >= 10 KiB when the request accepts gzip
    std::chrono::milliseconds idle_timeout{0};  ///< close idle keep-alive connections; 0 = never
    unsigned max_requests_per_connection = 0;   ///< then `Connection: close`; 0 = unlimited
    std::vector<std::string> openid_test_audiences{};  ///< JWT audiences accepted without Google
    /// Called once per request with one line (method, path with token values redacted, status,
    /// microseconds). Empty = no logging. Called from I/O threads.
    std::function<void(std::string_view)> request_log{};
};

/// Counters, readable at any time.
struct server_stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t requests = 0;
    std::uint64_t connections_open = 0;
};

/// A running emulator. Starts listening in the constructor (on its own threads), stops in
/// `stop()` or the destructor. Thread-safe.
class server {
public:
    explicit server(server_options options = {});
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// e.g. "https://127.0.0.1:41234/api"
    [[nodiscard]] std::string base_url() const;
    [[nodiscard]] std::uint16_t port() const;
    /// PEM of the CA that signed the server certificate (empty for HTTP or a given cert).
    [[nodiscard]] std::string ca_pem() const;
    /// A client certificate and key signed by the emulator's CA, for mTLS tests.
    [[nodiscard]] std::pair<std::string, std::string> make_client_certificate(std::string_view common_name) const;

    /// Adds a user; returns its primary key (1, 2, ...).
    int add_user(user u);
    /// Creates `n` tokens for `username` (as POST /api/tokens/ would); returns their secrets,
    /// in creation order.
    std::vector<std::string> seed_tokens(std::string_view username, std::size_t n);
    /// Number of tokens currently stored (all users).
    [[nodiscard]] std::size_t token_count() const;
    /// Moves the emulator's clock forward, e.g. 8 days to expire every token.
    void advance_clock(std::chrono::microseconds by);

    /// Queues a fault for upcoming matching requests (requires `server_options::faults`).
    void inject(fault f);
    void clear_faults();

    [[nodiscard]] server_stats stats() const;
    /// Stops accepting, closes every connection and joins the threads. Idempotent.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace stencila::hub::emulator
