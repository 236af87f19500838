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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stencila::hub::emulator {

using time_point = std::chrono::system_clock::time_point;

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
///
/// Matching, for each request in arrival order: the queued faults are visited in injection
/// order. Every fault that matches the request (method and path) and still has `skip` left counts
/// it (`skip` goes down by one), whether or not another fault applies to it. The first matching
/// fault whose `skip` was already 0 applies to the request, and its `times` goes down by one;
/// later faults whose `skip` is 0 are untouched and wait for the next matching request. So a
/// fault with `skip = n` applies at the earliest to the (n+1)th matching request after its
/// injection, and a fault with `times = 0` keeps every later-injected fault that matches the same
/// requests from applying.
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
    /// A prefix of the request path as sent, e.g. "/api/tokens/"; empty matches any. When it
    /// holds a `?` it is matched against the whole target (path and query), e.g.
    /// "/api/tokens/?limit=10&offset=60".
    std::string path_prefix{};
    unsigned skip = 0;        ///< matching requests let through first (see the matching rules above)
    unsigned times = 1;       ///< matching requests that get the fault; 0 = all from then on
    std::chrono::milliseconds delay{0};  ///< for `latency`
    unsigned status = 503;               ///< for `status`: 429, 500, 502, 503 or 504
    std::string retry_after{};             ///< for `status`: "" (none), "1", or an HTTP-date
    bool html = false;                   ///< for `status`: the Hub's HTML 50x page, not JSON
    std::size_t oversized_bytes = 16u << 20;  ///< for `oversized_body`
};

/// One DRF throttle rate: at most `requests` in any `period` (a sliding window). A zero `period`
/// turns the throttle off.
struct throttle_rate {
    unsigned requests = 0;
    std::chrono::seconds period{0};
};

/// DRF's AnonRateThrottle (per client IP, for unauthenticated requests) and UserRateThrottle (per
/// user, or per IP for unauthenticated requests), as the Hub configures them (it runs both; its
/// rates are 100/hour and 5000/hour). Off by default.
struct throttle_options {
    throttle_rate anon{};
    throttle_rate user{};

    /// The Hub's production rates: anon=100/hour (per client address), user=5000/hour (per
    /// user, per address for anonymous requests); `--throttle hub`.
    static constexpr throttle_options hub() { return {.anon = {100, std::chrono::hours(1)}, .user = {5000, std::chrono::hours(1)}}; }
};

/// Parses "anon=100/hour,user=5000/hour" (either part may be left out), or "hub" for
/// `throttle_options::hub()`. Each rate is read as DRF's
/// `parse_rate` reads it: `N/period` where only the period's first letter counts (`s`, `m`, `h`
/// or `d`). Throws std::invalid_argument with a message naming the bad part.
throttle_options parse_throttle(std::string_view spec);

/// Parses an RFC 3339 date-time, e.g. "2026-12-01T08:32:13Z" or "2026-12-01T09:32:13.5+01:00",
/// with at most six fraction digits (the Hub stores microseconds). Throws std::invalid_argument.
time_point parse_time(std::string_view rfc3339);

/// How the server runs. Every field has a default that suits tests.
/// The order `GET /api/tokens/` lists a user's tokens in.
enum class listing_order {
    /// Ascending `created` (then creation order), whatever happens to the tokens: what the Hub
    /// shows on sqlite, where an UPDATE keeps the row in place. The default.
    stable,
    /// PostgreSQL's physical order, as the Hub (no ORDER BY) shows it in production: an UPDATE
    /// writes a new row version at the end of the table, so a token whose stored expiry is pushed
    /// (by a `read`, or by an authenticated request with that key, at most once per 60 s as knox
    /// saves it) moves to the end of its owner's listing. Offset paging then sees some tokens
    /// twice and misses as many, at an unchanged `count`.
    updated_last
};

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
    /// Send the headers the Hub's Django middleware adds to every answer it makes (JSON, 204 and
    /// its HTML 404): `X-Frame-Options: DENY`, `Vary: Cookie, Origin`, `X-Content-Type-Options:
    /// nosniff`, `Referrer-Policy: same-origin`, and a new anonymous signed-cookie session
    /// (`Set-Cookie: sessionid=...; expires=...; HttpOnly; Max-Age=31536000; Path=/;
    /// SameSite=None; Secure`) unless the request sent back a valid one or the answer is a 500.
    bool hub_headers = true;
    throttle_options throttle{};       ///< off unless a rate is set
    /// `listing_order::updated_last`: the list moves as the Hub's does on PostgreSQL (a refreshed
    /// token goes to the end); `stable` (the default) keeps it in `created` order.
    listing_order listing = listing_order::stable;
    /// true: the emulator's clock starts at the wall clock and then moves only by `advance_clock`
    /// (and by the microsecond each token operation adds to keep token times strictly
    /// increasing), so that tests of expiry and throttling windows are exact on a slow machine.
    bool manual_clock = false;
    /// Serve `GET /_emulator/stats` (the counters as JSON, see `to_json`), outside the Hub's `/api`.
    bool stats_endpoint = false;
    /// Called once per request with one line (method, path with token values redacted, status,
    /// microseconds). Empty = no logging. Called from I/O threads.
    std::function<void(std::string_view)> request_log{};
};

/// How many answers went out with one status for one method and route.
struct response_count {
    std::string method;  ///< GET, HEAD, POST, DELETE, OPTIONS, PUT, PATCH, or "other"
    /// "/api/tokens/" (the list route), "/api/tokens/{token}/" (the detail route), or "unrouted"
    /// (Django's 404 page, and requests that could not be parsed)
    std::string route;
    unsigned status = 0;
    std::uint64_t count = 0;
};

/// How many requests a kind of fault was applied to.
struct fault_count {
    fault::kind what = fault::kind::status;
    std::uint64_t count = 0;
};

/// Counters since the server started, readable at any time from any thread.
struct server_stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t requests = 0;  ///< requests read (every one, the stats endpoint's included)
    std::uint64_t connections_open = 0;
    /// Every status line written (faulted answers included; stalls and closes before an answer
    /// write none; the stats endpoint's answers are left out), non-zero counts only, sorted by
    /// route, method and status.
    std::vector<response_count> responses;
    std::vector<fault_count> faults_fired;  ///< non-zero counts only, in `fault::kind` order

    /// The answers counted for `method` and `route` ("/api/tokens/{token}/" for reads of single
    /// tokens) with `status`, or with any status when `status` is 0: e.g. how many Hub reads a
    /// service made, and how many were throttled (429).
    [[nodiscard]] std::uint64_t count(std::string_view method, std::string_view route, unsigned status = 0) const;
};

/// The counters as compact JSON: {"connections_accepted":N,"requests":N,"connections_open":N,
/// "responses":[{"method":"GET","route":"/api/tokens/{token}/","status":200,"count":N},...],
/// "faults_fired":[{"kind":"status","count":N},...]} (fault kinds spelled as in `--fault kind=`).
std::string to_json(const server_stats& stats);

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
    /// Stores one token for `username` with exactly these times, as if the Hub's database held it
    /// (to the microsecond; finer parts are dropped): `expiry` may be in the past, or std::nullopt
    /// for a token that never expires (knox's `expiry = NULL`, rendered as `null`). Returns its
    /// secret. Throws std::invalid_argument for an unknown user.
    std::string seed_token(std::string_view username, time_point created, std::optional<time_point> expiry);
    /// Number of tokens currently stored (all users).
    [[nodiscard]] std::size_t token_count() const;
    /// Moves the emulator's clock forward, e.g. 8 days to expire every token. The clock drives
    /// token times, throttling and session cookies; it is the wall clock (or, with
    /// `manual_clock`, the wall clock at start) plus every advance, and strictly increasing.
    void advance_clock(std::chrono::microseconds by);
    /// The emulator's clock now.
    [[nodiscard]] time_point now() const;

    /// Queues a fault for upcoming matching requests (requires `server_options::faults`); see
    /// `fault` for the order in which queued faults match.
    void inject(fault f);
    void clear_faults();

    /// The counters so far (also served by `stats_endpoint`, and printed by `hub-emulator --stats-out`).
    [[nodiscard]] server_stats stats() const;
    /// Stops accepting, closes every connection and joins the threads. Idempotent.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace stencila::hub::emulator
