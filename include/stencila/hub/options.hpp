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

/// How the client checks the server, and which certificate it shows (for an https `base_url`;
/// TLS 1.2 at least). Files are read when the client is made: one that cannot be read makes
/// its constructor throw `error::invalid_argument`.
struct tls_options {
    /// Check the server's certificate chain and host name (true by default). Turning this off is
    /// logged as a warning when the client is made.
    bool verify = true;
    std::string ca_file{};      ///< PEM file of trusted CAs; empty (the default), with the next two: the system's store
    std::string ca_directory{};  ///< OpenSSL hashed directory of trusted CAs; empty by default
    std::string ca_pem{};       ///< trusted CAs as PEM text (e.g. an emulator's `ca_pem()`); empty by default
    std::string certificate_file{}; ///< client certificate chain (mTLS), PEM file; empty (the default): none
    std::string private_key_file{};  ///< its private key, PEM file; empty by default
    std::string certificate_pem{};   ///< or the client certificate chain as PEM text; empty by default
    secret private_key_pem{};        ///< and its key as PEM text; empty by default
    /// Offer the last TLS session on new connections (an abbreviated handshake); true by default.
    bool session_resumption = true;
};

/// An HTTP proxy: every connection is tunnelled through it with `CONNECT host:port` (TLS then
/// runs end to end with the Hub, so the proxy sees no request).
/// A URL the client cannot use makes its constructor throw `error::invalid_proxy_url`.
struct proxy_options {
    /// "http://proxy.example:3128" (or "proxy.example:3128"; credentials may be in it:
    /// "http://user:password@proxy.example:3128"); only http proxies. Empty (the default): no proxy.
    std::string url{};
    std::string username{};   ///< for `Proxy-Authorization: Basic`; empty (the default): the URL's, or none
    secret password{};        ///< with `username`; empty by default
    /// Use `HTTPS_PROXY`/`https_proxy` (`HTTP_PROXY`/`http_proxy` for an http base URL) when
    /// `url` is empty, and skip the proxy for hosts listed in `NO_PROXY`/`no_proxy`. False by
    /// default.
    bool from_environment = false;
};

/// The keep-alive connection pool.
struct pool_options {
    std::size_t max_connections = 16;  ///< open connections at most (16 by default; 0 counts as 1); further calls wait, first come first served
    std::chrono::milliseconds idle_timeout{30'000};  ///< idle connections older than this are closed (30 s by default)
    /// Each connection's I/O completes on its own strand, so the client may be used from several
    /// threads of one io_context; a call always resumes on its caller's executor (on a strand of
    /// yours, it comes back to it). When every call comes from one thread (an io_context run by
    /// one thread), false saves the strand's cost: about 10 % of a read's CPU. True by default.
    bool thread_safe = true;
};

/// Time limits. Each expiry is a distinct timeout error whose `what()` names the phase, the limit
/// and its value ("...: timed out connecting: timeouts.connect (10000 ms) passed").
struct timeout_options {
    /// Name resolution and TCP connect (and a proxy's tunnel), per attempt: 10 s by default.
    /// Its expiry is `error::connect_timeout`.
    std::chrono::milliseconds connect{10'000};
    /// The TLS handshake, per attempt: 10 s by default. Its expiry is `error::tls_handshake_timeout`.
    std::chrono::milliseconds tls_handshake{10'000};
    /// One attempt: writing the request and reading the answer. Its expiry is
    /// `error::attempt_timeout`, which the retry policy may retry for idempotent calls.
    /// Zero (the default) = bounded by `request` only.
    std::chrono::milliseconds attempt{0};
    /// The whole operation: waiting for a pooled connection, connect, handshake, write, read and
    /// every retry with its delay; 30 s by default. Its expiry is `error::request_timeout` (or
    /// `error::pool_timeout` while waiting for a connection). Zero = no limit. A view replaces it
    /// with `call_options::timeout`.
    std::chrono::milliseconds request{30'000};
};

/// How much a log line matters; `options::min_log_level` drops the lines below it.
enum class log_level {
    debug,    ///< each exchange (`GET /tokens/{token}/ -> 200`), each connection opened
    info,     ///< retries, and why
    warning,  ///< a call that failed without an answer, TLS verification off, a walk's listing that changed or page size re-planned
    error     ///< not used by the library; there for a sink's own use
};

/// A log sink: `(level, message)`. Messages never contain secrets. Called from the I/O threads;
/// must be thread-safe.
using log_function = std::function<void(log_level, std::string_view)>;

/// Everything a `client` is configured with (`client(executor, options)`); every field has a
/// default, so `{.base_url = url, .api_key = key}` is a whole configuration. Build it in a
/// statement of its own, not inside a `co_await` expression (see the compiler notes in the
/// README).
struct options {
    /// Any http or https URL: scheme, host, optional port and path prefix; the Hub's API by
    /// default. One the client cannot use makes its constructor throw `error::invalid_base_url`.
    std::string base_url = "https://hub.stenci.la/api";
    /// Sent as `Authorization: <api_key_prefix> <api_key>` on `list` (and the walks) and on
    /// `create()` without credentials; never on `read`, `remove` or `create` with credentials, so
    /// a stale key cannot break them. Empty by default. A view replaces it with
    /// `call_options::api_key`.
    secret api_key{};
    /// The `Authorization` scheme before the key: "Token" by default, as the Hub expects.
    std::string api_key_prefix = "Token";
    /// The `User-Agent` header: "stencila-hub-cpp/<version>" by default.
    std::string user_agent = std::string("stencila-hub-cpp/") + version;
    tls_options tls{};              ///< TLS: verification, trusted CAs, a client certificate
    proxy_options proxy{};          ///< an HTTP proxy to tunnel through; none by default
    pool_options pool{};            ///< the keep-alive connection pool
    timeout_options timeouts{};     ///< time limits, per phase and per operation
    retry_policy retry{};           ///< when a failed call is tried again (3 attempts by default); a view may replace it
    std::size_t max_response_body = 8u << 20;    ///< in bytes (8 MiB by default); larger bodies fail with `error::body_too_large`
    std::size_t max_response_header = 64u << 10; ///< in bytes (64 KiB by default); larger headers fail with `error::header_too_large`
    log_function logger{};                         ///< where log lines go; empty (the default) = silent
    log_level min_log_level = log_level::info;     ///< lines below this level are not sent to `logger`; `info` by default
};

}  // namespace stencila::hub
