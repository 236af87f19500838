// `options`: everything a `client` is configured with. Plain structs; every field has a default.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <stencila/hub/retry.hpp>
#include <stencila/hub/secret.hpp>
#include <stencila/hub/version.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace stencila::hub {

/// How the client checks the server, and which certificate it shows.
struct tls_options {
    /// Check the server's certificate chain and host name. Turning this off is logged as a
    /// warning on every new connection.
    bool verify = true;
    std::string ca_file{};      ///< PEM file of trusted CAs; empty (with the next two) = system store
    std::string ca_directory{};  ///< OpenSSL hashed directory of trusted CAs
    std::string ca_pem{};       ///< trusted CAs as PEM text (e.g. an emulator's `ca_pem()`)
    std::string certificate_file{}; ///< client certificate chain (mTLS), PEM file
    std::string private_key_file{};  ///< its private key, PEM file
    std::string certificate_pem{};   ///< or the client certificate chain as PEM text
    secret private_key_pem{};        ///< and its key as PEM text
    /// Offer the last TLS session on new connections (an abbreviated handshake).
    bool session_resumption = true;
};

/// An HTTP proxy: every connection is tunnelled through it with `CONNECT host:port` (TLS then
/// runs end to end with the Hub, so the proxy sees no request).
struct proxy_options {
    std::string url{};        ///< "http://proxy.example:3128"; empty = no proxy
    std::string username{};   ///< for `Proxy-Authorization: Basic`; empty = none
    secret password{};
    /// Use `HTTPS_PROXY`/`https_proxy` (`HTTP_PROXY`/`http_proxy` for an http base URL) when
    /// `url` is empty, and skip the proxy for hosts listed in `NO_PROXY`/`no_proxy`.
    bool from_environment = false;
};

/// The keep-alive connection pool.
struct pool_options {
    std::size_t max_connections = 16;  ///< open connections at most; further calls wait (FIFO)
    std::chrono::milliseconds idle_timeout{30'000};  ///< idle connections older than this are closed
    /// Each connection's I/O completes on its own strand, so the client may be used from several
    /// threads of one io_context; a call always resumes on its caller's executor (on a strand of
    /// yours, it comes back to it). When every call comes from one thread (an io_context run by
    /// one thread), false saves the strand's cost: about 10 % of a read's CPU.
    bool thread_safe = true;
};

/// Time limits. Each expiry is a distinct timeout error naming the phase.
struct timeout_options {
    std::chrono::milliseconds connect{10'000};  ///< TCP connect, per attempt
    std::chrono::milliseconds tls_handshake{10'000};
    /// One attempt: writing the request and reading the answer. Its expiry is
    /// `error::attempt_timeout`, which the retry policy may retry for idempotent calls.
    /// Zero = bounded by `request` only.
    std::chrono::milliseconds attempt{0};
    /// The whole operation: waiting for a pooled connection, connect, handshake, write, read and
    /// the transparent retry. Zero = no limit.
    std::chrono::milliseconds request{30'000};
};

enum class log_level { debug, info, warning, error };

/// A log sink. Messages never contain secrets. Called from the I/O threads; must be thread-safe.
using log_function = std::function<void(log_level, std::string_view)>;

struct options {
    /// Any http or https URL: scheme, host, optional port and path prefix.
    std::string base_url = "https://hub.stenci.la/api";
    /// Sent as `Authorization: <api_key_prefix> <api_key>` on `list` and on `create()` without
    /// credentials; never on `read`, `remove` or `create` with credentials, so a stale key
    /// cannot break them.
    secret api_key{};
    std::string api_key_prefix = "Token";
    std::string user_agent = std::string("stencila-hub-cpp/") + version;
    tls_options tls{};
    proxy_options proxy{};
    pool_options pool{};
    timeout_options timeouts{};
    retry_policy retry{};
    std::size_t max_response_body = 8u << 20;    ///< larger bodies fail with `error::body_too_large`
    std::size_t max_response_header = 64u << 10; ///< larger headers fail with `error::header_too_large`
    log_function logger{};                         ///< empty = silent
    log_level min_log_level = log_level::info;
};

}  // namespace stencila::hub
