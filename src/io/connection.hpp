// One HTTP/1.1 connection: a Beast stream over TCP, with or without TLS, and its read buffer.
// With `pool_options::thread_safe` every operation completes on the connection's own strand
// (Beast's stream timeouts need one on a multi-threaded io_context) and the awaiting coroutine
// resumes there; without, everything runs on the awaiting coroutine's executor.
// Failures are error codes mapped to `hub::error` where one fits, naming the phase (connect, TLS
// handshake, write, read).
#pragma once

#include "sansio/http_message.hpp"
#include "sansio/io_result.hpp"
#include "sansio/proxy.hpp"
#include "sansio/url.hpp"

#include <stencila/hub/options.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace stencila::hub::detail {

/// What every connection of one client shares. Immutable after construction.
struct connection_settings {
    const options* opts = nullptr;
    const base_url* base = nullptr;
    boost::asio::ssl::context* tls = nullptr;  ///< null for http
    std::string fixed_fields;                  ///< "Host: ...\r\nUser-Agent: ...\r\nAccept: ...\r\n"
    std::optional<proxy_route> proxy;          ///< tunnel through this proxy
};

/// A TLS session to resume on the next connection (shared by a client's connections).
class session_cache {
public:
    session_cache() = default;
    session_cache(const session_cache&) = delete;
    session_cache& operator=(const session_cache&) = delete;
    ~session_cache();
    /// Offers the cached session to `ssl` before its handshake.
    void offer(SSL* ssl);
    /// Keeps `ssl`'s session, once it is resumable, unless it merely resumed the cached one.
    void remember(SSL* ssl);

private:
    std::mutex mutex_;
    SSL_SESSION* session_ = nullptr;
};

class connection {
public:
    using clock = std::chrono::steady_clock;

    /// `executor` should be a strand (`on_strand`) when the io_context has several threads.
    connection(boost::asio::any_io_executor executor, bool on_strand, const connection_settings& settings,
               session_cache* sessions);
    ~connection();

    /// Resolves, connects and (for https) handshakes. Run on `executor()`. The whole of it,
    /// resolution included, ends at `deadline` or at the connect timeout, and on cancellation.
    boost::asio::awaitable<io_result> open(clock::time_point deadline);

    /// Writes `request` (with `Authorization: <authorization>` when it is authorized: the header
    /// is the call's, never the connection's) and reads the response into `response`. Run on
    /// `executor()`.
    boost::asio::awaitable<io_result> exchange(const http_request& request, std::string_view authorization,
                                               http_response& response, clock::time_point deadline);

    /// Open, and the peer has neither closed it nor sent bytes nobody asked for (a non-blocking
    /// peek at the socket).
    [[nodiscard]] bool usable();
    /// The last response allows another request on this connection.
    [[nodiscard]] bool keep_alive() const noexcept { return keep_alive_; }
    /// Some byte of a response arrived during the last exchange.
    [[nodiscard]] bool received_any() const noexcept { return received_any_; }
    /// The TLS handshake resumed a cached session.
    [[nodiscard]] bool resumed() const noexcept { return resumed_; }
    /// Some byte of the last request was written.
    [[nodiscard]] bool sent_any() const noexcept { return sent_any_; }

    [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

private:
    using completion_token = decltype(boost::asio::as_tuple(boost::asio::bind_executor(
        std::declval<boost::asio::any_io_executor>(), boost::asio::use_awaitable)));
    // How operations complete: on the strand if the connection has one, else on `caller`.
    [[nodiscard]] completion_token completion(boost::asio::any_io_executor caller) const;
    boost::beast::tcp_stream& tcp() noexcept;
    boost::system::error_code map_handshake_error(boost::system::error_code ec);
    boost::asio::awaitable<boost::system::error_code> open_tunnel(clock::time_point deadline);
    using endpoints = boost::asio::ip::tcp::resolver::results_type;
    boost::asio::awaitable<std::pair<boost::system::error_code, endpoints>> resolve(const origin& where,
                                                                                    clock::time_point deadline);
    template <class Stream>
    boost::asio::awaitable<io_result> run_exchange(Stream& stream, const http_request& request,
                                                   std::string_view authorization, http_response& response);

    const connection_settings& settings_;
    boost::asio::any_io_executor executor_;
    session_cache* sessions_;
    std::optional<boost::beast::tcp_stream> plain_;
    std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
    boost::beast::flat_buffer buffer_;
    std::string head_;  // the request head being written, reused
    unsigned proxy_status_ = 0;  // the proxy's answer to CONNECT when it refused
    bool resumed_ = false;
    bool healthy_ = false;     // the last exchange completed
    bool remembered_ = false;  // this connection's TLS session went to the cache
    bool keep_alive_ = false;
    bool received_any_ = false;
    bool sent_any_ = false;
    const bool on_strand_;
};

}  // namespace stencila::hub::detail
