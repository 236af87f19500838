#include "io/connection.hpp"
#include "sansio/codec.hpp"

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

constexpr std::size_t read_size = 16 * 1024;  // one TLS record's worth at a time

// A deadline of `time_point::max()` means none.
void arm(beast::tcp_stream& s, connection::clock::time_point deadline) {
    if (deadline == connection::clock::time_point::max()) s.expires_never();
    else s.expires_at(deadline);
}


// The socket's read and write failures, mapped to the library's codes where one says more. Beast's
// HTTP parser is not on this path (the codec's `response_reader` reads the bytes and names what is
// malformed or too large itself), so none of its `http::error` codes can come here.
error_code map_io_error(error_code ec) {
    if (ec == beast::error::timeout) return error::request_timeout;
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) return error::connection_closed;
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

// Asio's resolver runs getaddrinfo on a thread of its own, which nothing can interrupt. So the
// wait for it, not the lookup, is what ends at the deadline or on cancellation; a lookup still
// running then finishes in the background and its answer is dropped. IP literals need no lookup.
asio::awaitable<std::pair<error_code, connection::endpoints>> connection::resolve(const origin& where,
                                                                                  clock::time_point deadline) {
    auto service = std::to_string(where.port);
    if (where.host_is_ip) {
        error_code ec;
        auto address = asio::ip::make_address(where.host, ec);
        if (ec) co_return std::pair{ec, endpoints{}};
        co_return std::pair{error_code{}, endpoints::create(asio::ip::tcp::endpoint(address, where.port), where.host, service)};
    }
    struct lookup {
        explicit lookup(const asio::any_io_executor& ex) : done(ex) {}
        asio::steady_timer done;
        std::optional<error_code> error;
        endpoints results;
    };
    auto l = std::make_shared<lookup>(executor_);
    l->done.expires_at(deadline);
    asio::ip::tcp::resolver resolver(executor_);
    resolver.async_resolve(where.host, service, asio::bind_executor(executor_, [l](error_code ec, endpoints r) {
                               l->error = ec;
                               l->results = std::move(r);
                               l->done.cancel();
                           }));
    auto [waited] = co_await l->done.async_wait(completion(co_await asio::this_coro::executor));
    if (l->error) co_return std::pair{*l->error, std::move(l->results)};
    co_return std::pair{waited ? error_code(asio::error::operation_aborted) : error_code(error::connect_timeout), endpoints{}};
}

asio::awaitable<io_result> connection::open(clock::time_point deadline) {
    auto use_tuple = completion(co_await asio::this_coro::executor);
    const auto& opts = *settings_.opts;
    const auto& where = settings_.base->where;

    auto connect_deadline = std::min(deadline, clock::now() + opts.timeouts.connect);
    const auto& first_hop = settings_.proxy ? settings_.proxy->where : where;
    auto [rec, endpoints] = co_await resolve(first_hop, connect_deadline);
    if (rec) co_return io_result{rec, io_phase::resolving};

    arm(tcp(), connect_deadline);
    auto [cec, ep] = co_await tcp().async_connect(endpoints, use_tuple);
    if (cec == beast::error::timeout) co_return io_result{error::connect_timeout, io_phase::connecting};
    if (cec) co_return io_result{cec, io_phase::connecting};
    error_code ignored;
    tcp().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    if (settings_.proxy)
        if (auto tec = co_await open_tunnel(connect_deadline)) co_return io_result{tec, io_phase::tunnel, proxy_status_};
    if (!secure_) co_return io_result{};

    SSL* ssl = secure_->native_handle();
    if (opts.tls.verify) {
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        int ok = where.host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, where.host.c_str())
                                  : X509_VERIFY_PARAM_set1_host(param, where.host.c_str(), where.host.size());
        if (ok != 1) co_return io_result{error::tls_handshake_failed, io_phase::tls};
    } else {
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    }
    if (!where.host_is_ip && SSL_set_tlsext_host_name(ssl, where.host.c_str()) != 1)
        co_return io_result{error::tls_handshake_failed, io_phase::tls};

    if (sessions_) sessions_->offer(ssl);
    arm(tcp(), std::min(deadline, clock::now() + opts.timeouts.tls_handshake));
    auto [hec] = co_await secure_->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec == beast::error::timeout) co_return io_result{error::tls_handshake_timeout, io_phase::tls};
    if (hec) co_return io_result{map_handshake_error(hec), io_phase::tls};
    resumed_ = SSL_session_reused(ssl) == 1;
    co_return io_result{};
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

// Moves bytes between the socket and the codec: the request's head and body out, then reads
// until the response reader has a whole final answer. A clean end of stream (for TLS: after the
// peer's close_notify) may end a close-delimited body; a TLS stream cut without close_notify is
// `stream_truncated`, an error, so a truncated body is never taken for a whole one.
template <class Stream>
asio::awaitable<io_result> connection::run_exchange(Stream& stream, const http_request& request,
                                                    std::string_view authorization, http_response& response) {
    const auto& opts = *settings_.opts;
    auto use_tuple = completion(co_await asio::this_coro::executor);
    write_request_head(head_, request, settings_.fixed_fields, authorization);
    const std::array<asio::const_buffer, 2> out{asio::buffer(head_), asio::buffer(request.body)};
    auto [wec, written] = co_await asio::async_write(stream, out, use_tuple);
    sent_any_ = written > 0;
    if (wec) co_return io_result{map_io_error(wec), io_phase::sending};

    response_reader reader({opts.max_response_body, opts.max_response_header});
    auto phase = [&] { return received_any_ ? io_phase::reading : io_phase::waiting; };
    bool ended = false;  // the peer closed its side cleanly
    error_code ec;
    for (;;) {
        if (buffer_.size() > 0) {
            buffer_.consume(reader.feed(buffer_.data(), ec));
            if (ec) co_return io_result{ec, io_phase::reading};
            if (reader.done()) break;
        }
        if (ended) {
            reader.feed_eof(ec);
            if (ec) co_return io_result{ec, phase()};
            break;
        }
        auto [rec, n] = co_await stream.async_read_some(buffer_.prepare(read_size), use_tuple);
        buffer_.commit(n);
        received_any_ = received_any_ || n > 0;
        if (rec == asio::error::eof) ended = true;
        else if (rec) co_return io_result{map_io_error(rec), phase()};
    }
    response = reader.take(ec);
    if (ec) co_return io_result{ec, io_phase::reading};
    keep_alive_ = reader.keep_alive() && !ended;
    co_return io_result{};
}

asio::awaitable<io_result> connection::exchange(const http_request& request, std::string_view authorization,
                                                http_response& response, clock::time_point deadline) {
    keep_alive_ = false;
    received_any_ = false;
    sent_any_ = false;
    healthy_ = false;
    arm(tcp(), deadline);
    auto result = secure_ ? co_await run_exchange(*secure_, request, authorization, response)
                          : co_await run_exchange(*plain_, request, authorization, response);
    if (result) co_return result;
    healthy_ = true;
    if (secure_ && sessions_ && !remembered_) {
        sessions_->remember(secure_->native_handle());  // TLS 1.3 tickets come with the first answer
        remembered_ = true;
    }
    co_return io_result{};
}

bool connection::usable() {
    auto& sock = tcp().socket();
    if (!sock.is_open() || buffer_.size() != 0) return false;
    // Asked every time, however recent the last answer: bytes that arrived since (a late 408, a
    // second answer nobody asked for) would otherwise be read as the next call's answer.
    char byte;
    ssize_t n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace stencila::hub::detail
