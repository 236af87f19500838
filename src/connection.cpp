#include "detail/connection.hpp"
#include "detail/gzip.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sys/socket.h>

#include <array>
#include <cerrno>

namespace stencila::hub::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {


// A deadline of `time_point::max()` means none.
void arm(beast::tcp_stream& s, connection::clock::time_point deadline) {
    if (deadline == connection::clock::time_point::max()) s.expires_never();
    else s.expires_at(deadline);
}


// Read and write failures, mapped to the library's codes where one says more.
error_code map_io_error(error_code ec) {
    if (ec == beast::error::timeout) return error::request_timeout;
    if (ec == http::error::body_limit) return error::body_too_large;
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) return error::header_too_large;
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
        ec == asio::ssl::error::stream_truncated)
        return error::connection_closed;
    if (ec.category() == http::make_error_code(http::error::bad_version).category())
        return error::malformed_response;  // not HTTP/1.1, or broken framing
    return ec;
}

}  // namespace

session_cache::~session_cache() {
    if (session_) SSL_SESSION_free(session_);
}

void session_cache::offer(SSL* ssl) {
    std::lock_guard lock(mutex_);
    if (session_) SSL_set_session(ssl, session_);
}

void session_cache::remember(SSL* ssl) {
    if (SSL_session_reused(ssl)) return;
    SSL_SESSION* s = SSL_get1_session(ssl);
    if (!s) return;
    if (!SSL_SESSION_is_resumable(s)) {
        SSL_SESSION_free(s);
        return;
    }
    std::lock_guard lock(mutex_);
    if (session_) SSL_SESSION_free(session_);
    session_ = s;
}

connection::connection(asio::any_io_executor executor, bool on_strand, const connection_settings& settings,
                       session_cache* sessions)
    : settings_(settings), executor_(std::move(executor)), sessions_(sessions), on_strand_(on_strand) {
    if (settings_.tls) secure_.emplace(executor_, *settings_.tls);
    else plain_.emplace(executor_);
    // Beast reads into whatever room the buffer has, 512 bytes at least; once the parser has
    // taken a chunk the buffer is empty again, so without this a 100 KB page would arrive in
    // 512-byte reads (each one a trip through the reactor). One TLS record's worth at a time.
    buffer_.reserve(16 * 1024);
}

connection::~connection() {
    // Without a TLS shutdown OpenSSL marks the session not resumable. Closing a connection whose
    // last exchange went well is orderly, so say so (no bytes are sent); after a failure, don't.
    if (secure_ && healthy_) SSL_set_shutdown(secure_->native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    error_code ignored;
    tcp().socket().close(ignored);
}

beast::tcp_stream& connection::tcp() noexcept { return secure_ ? secure_->next_layer() : *plain_; }

// Every operation completes as a tuple (no exceptions) on the connection's strand if it has one,
// else on the awaiting coroutine's executor. On the strand, the completion handlers of one
// exchange (Beast's timeout handler included) never run at once on two threads, and the
// coroutine resumes there: no coroutine of our own is spawned per exchange for it.
connection::completion_token connection::completion(asio::any_io_executor caller) const {
    return asio::as_tuple(asio::bind_executor(on_strand_ ? executor_ : std::move(caller), asio::use_awaitable));
}

asio::awaitable<error_code> connection::open(clock::time_point deadline) {
    auto use_tuple = completion(co_await asio::this_coro::executor);
    const auto& opts = *settings_.opts;
    const auto& where = settings_.base->where;

    auto connect_deadline = std::min(deadline, clock::now() + opts.timeouts.connect);
    const auto& first_hop = settings_.proxy ? settings_.proxy->where : where;
    asio::ip::tcp::resolver resolver(executor_);
    auto [rec, endpoints] = co_await resolver.async_resolve(first_hop.host, std::to_string(first_hop.port), use_tuple);
    if (rec) co_return rec;

    arm(tcp(), connect_deadline);
    auto [cec, ep] = co_await tcp().async_connect(endpoints, use_tuple);
    if (cec == beast::error::timeout) co_return error::connect_timeout;
    if (cec) co_return cec;
    error_code ignored;
    tcp().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    if (settings_.proxy)
        if (auto tec = co_await open_tunnel(connect_deadline)) co_return tec;
    if (!secure_) co_return error_code{};

    SSL* ssl = secure_->native_handle();
    if (opts.tls.verify) {
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        int ok = where.host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, where.host.c_str())
                                  : X509_VERIFY_PARAM_set1_host(param, where.host.c_str(), where.host.size());
        if (ok != 1) co_return error::tls_handshake_failed;
    } else {
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    }
    if (!where.host_is_ip && SSL_set_tlsext_host_name(ssl, where.host.c_str()) != 1)
        co_return error::tls_handshake_failed;

    if (sessions_) sessions_->offer(ssl);
    arm(tcp(), std::min(deadline, clock::now() + opts.timeouts.tls_handshake));
    auto [hec] = co_await secure_->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec == beast::error::timeout) co_return error::tls_handshake_timeout;
    if (hec) co_return map_handshake_error(hec);
    resumed_ = SSL_session_reused(ssl) == 1;
    co_return error_code{};
}

// CONNECT host:port through the proxy; a 2xx answer opens the tunnel.
asio::awaitable<error_code> connection::open_tunnel(clock::time_point deadline) {
    auto use_tuple = completion(co_await asio::this_coro::executor);
    const auto& where = settings_.base->where;
    std::string authority = where.host_is_ip && where.host.find(':') != std::string::npos
                                ? "[" + where.host + "]:" + std::to_string(where.port)
                                : where.host + ":" + std::to_string(where.port);
    http::request<http::empty_body> req{http::verb::connect, authority, 11};
    req.set(http::field::host, authority);
    req.set(http::field::user_agent, settings_.opts->user_agent);
    if (!settings_.proxy->authorization.empty()) req.set(http::field::proxy_authorization, settings_.proxy->authorization);
    arm(tcp(), deadline);
    auto [wec, written] = co_await http::async_write(tcp(), req, use_tuple);
    if (wec == beast::error::timeout) co_return error::connect_timeout;
    if (wec) co_return wec;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a CONNECT answer has no body to wait for
    auto [rec, read] = co_await http::async_read_header(tcp(), buffer_, parser, use_tuple);
    if (rec == beast::error::timeout) co_return error::connect_timeout;
    if (rec) co_return error::proxy_refused;
    if (parser.get().result_int() / 100 != 2) {
        proxy_status_ = parser.get().result_int();
        co_return error::proxy_refused;
    }
    if (buffer_.size() != 0) co_return error::proxy_refused;  // bytes before the tunnel was ours
    co_return error_code{};
}

error_code connection::map_handshake_error(error_code ec) {
    long verify = SSL_get_verify_result(secure_->native_handle());
    switch (verify) {
        case X509_V_OK: break;
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH: return error::tls_hostname_mismatch;
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_CERT_NOT_YET_VALID: return error::tls_certificate_expired;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return error::tls_untrusted_certificate;
        default: return error::tls_verification_failed;
    }
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated)
        return ec;  // the server hung up: keep the system's word for it
    return error::tls_handshake_failed;
}

asio::awaitable<error_code> connection::exchange(const http_request& request, http_response& response,
                                                 clock::time_point deadline) {
    const auto& opts = *settings_.opts;
    auto use_tuple = completion(co_await asio::this_coro::executor);
    keep_alive_ = false;
    received_any_ = false;
    sent_any_ = false;

    // The request head is written by hand into a buffer the connection keeps: the fixed fields
    // come ready-made from the settings, so a call costs no field allocations.
    head_.clear();
    head_ += method_name(request.method);
    head_ += ' ';
    head_ += request.target;
    head_ += " HTTP/1.1\r\n";
    head_ += settings_.fixed_fields;
    if (request.accept_gzip) head_ += "Accept-Encoding: gzip\r\n";
    if (request.authorize && !settings_.authorization.empty()) {
        head_ += "Authorization: ";
        head_ += settings_.authorization;
        head_ += "\r\n";
    }
    if (!request.body.empty() || request.method == http_method::post) {
        head_ += "Content-Type: application/json\r\nContent-Length: ";
        head_ += std::to_string(request.body.size());
        head_ += "\r\n";
    }
    head_ += "\r\n";
    const std::array<asio::const_buffer, 2> out{asio::buffer(head_), asio::buffer(request.body)};

    http::response_parser<http::string_body> parser;
    parser.body_limit(opts.max_response_body);
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opts.max_response_header, UINT32_MAX)));

    auto run = [&](auto& stream) -> asio::awaitable<error_code> {
        arm(tcp(), deadline);
        auto [wec, written] = co_await asio::async_write(stream, out, use_tuple);
        sent_any_ = written > 0;
        if (wec) co_return map_io_error(wec);
        auto [rec, read] = co_await http::async_read(stream, buffer_, parser, use_tuple);
        received_any_ = read > 0 || parser.got_some();
        if (rec) co_return map_io_error(rec);
        co_return error_code{};
    };
    healthy_ = false;
    error_code ec = secure_ ? co_await run(*secure_) : co_await run(*plain_);
    if (ec) co_return ec;
    healthy_ = true;
    answered_ = clock::now();

    if (secure_ && sessions_ && !remembered_) {
        sessions_->remember(secure_->native_handle());  // TLS 1.3 tickets come with the first answer
        remembered_ = true;
    }
    auto& msg = parser.get();
    response.status = msg.result_int();
    if (response.status < 200 || response.status > 299) {  // what only an api_error needs
        response.reason = std::string(msg.reason());
        if (auto ct = msg.find(http::field::content_type); ct != msg.end()) response.content_type = std::string(ct->value());
        response.headers.clear();
        for (const auto& f : msg) response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    keep_alive_ = msg.keep_alive() && !parser.need_eof();
    if (auto ce = msg.find(http::field::content_encoding); ce != msg.end() && beast::iequals(ce->value(), "gzip")) {
        if (auto gec = gunzip(msg.body(), response.body, opts.max_response_body)) co_return gec;
    } else {
        response.body = std::move(msg.body());
    }
    co_return error_code{};
}

bool connection::usable() {
    auto& sock = tcp().socket();
    if (!sock.is_open() || buffer_.size() != 0) return false;
    // Answered within the last 100 ms: not worth a syscall per call on a busy client. A server
    // that closed it that soon without saying `Connection: close` is caught by the
    // stale-connection retry (reads, lists, deletes); keep-alive timeouts are seconds, and a
    // connection idle that long is still asked.
    if (clock::now() - answered_ < std::chrono::milliseconds(100)) return true;
    char byte;
    ssize_t n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace stencila::hub::detail
