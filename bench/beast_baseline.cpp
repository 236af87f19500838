// beast_baseline: the floor for Beast. A hand-written coroutine loop per connection over
// `asio::ssl::stream<tcp::socket>` (or a bare socket): no pool, no strand, no timers, no retry,
// one request object per connection reused; answers parsed as the library parses them
// (token_json.hpp). One thread, like our client.
//
//   beast_baseline read      --url U [--ca F] --tokens FILE --calls N --inflight 32 [--emulator-pid P]
//   beast_baseline reconnect --url U --ca F --tokens FILE --calls N [--resume]
//       a new TCP connection and TLS handshake per call, the context kept; with --resume the
//       previous connection's session is offered (SSL_set_session)
//   beast_baseline cold      --url U --ca F --tokens FILE --calls N   (a new ssl::context too)
#include "common.hpp"
#include "token_json.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

std::int64_t sink = 0;
using tls_stream = asio::ssl::stream<tcp::socket>;

std::unique_ptr<asio::ssl::context> make_context(const std::string& ca_file) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->load_verify_file(ca_file);
    ctx->set_verify_mode(asio::ssl::verify_peer);
    return ctx;
}

// Connects and, for TLS, handshakes (verifying the certificate for the IP address), offering
// `session` when given.
asio::awaitable<void> open(tcp::socket& sock, const tcp::endpoint& ep) {
    co_await sock.async_connect(ep, asio::use_awaitable);
    sock.set_option(tcp::no_delay(true));
}
asio::awaitable<void> open(tls_stream& s, const tcp::endpoint& ep, const std::string& host, SSL_SESSION* session = nullptr) {
    co_await open(s.next_layer(), ep);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.native_handle()), host.c_str());
    if (session) SSL_set_session(s.native_handle(), session);
    co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
}

http::request<http::empty_body> make_request(const bench::endpoint& e) {
    http::request<http::empty_body> req{http::verb::get, "/", 11};
    req.set(http::field::host, e.host_header());
    req.set(http::field::user_agent, "beast-baseline");
    req.set(http::field::accept, "application/json");
    return req;
}

// One exchange on an open stream.
template <class Stream>
asio::awaitable<void> read_one(Stream& s, beast::flat_buffer& buf, http::request<http::empty_body>& req,
                               const bench::endpoint& e, const std::string& token) {
    req.target(e.prefix + "/tokens/" + token + "/");
    co_await http::async_write(s, req, asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(s, buf, res, asio::use_awaitable);
    if (res.result_int() != 200) throw std::runtime_error("read: status " + std::to_string(res.result_int()));
    sink += bench::parse_token(res.body()).user;
}

template <class Stream>
asio::awaitable<void> read_loop(Stream& s, const bench::endpoint& e, const std::vector<std::string>& tokens,
                                std::size_t& next, std::size_t calls) {
    beast::flat_buffer buf;
    auto req = make_request(e);
    for (std::size_t i; (i = next++) < calls;) co_await read_one(s, buf, req, e, tokens[i % tokens.size()]);
}

// `inflight` persistent connections, each its own loop; `calls` reads in all.
template <class Stream>
asio::awaitable<void> read_many(std::vector<std::unique_ptr<Stream>>& streams, const bench::endpoint& e,
                                const std::vector<std::string>& tokens, std::size_t calls) {
    auto ex = co_await asio::this_coro::executor;
    std::size_t next = 0, done = 0;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    std::exception_ptr failure;
    for (auto& s : streams)
        asio::co_spawn(ex, read_loop(*s, e, tokens, next, calls), [&](std::exception_ptr x) {
            if (x && !failure) failure = x;
            if (++done == streams.size()) all_done.expires_at(asio::steady_timer::time_point::min());
        });
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (failure) std::rethrow_exception(failure);
}

template <class F>
void run(asio::io_context& io, F body) {
    std::exception_ptr failure;
    asio::co_spawn(io, body(), [&](std::exception_ptr x) { failure = x; });
    io.run();
    if (failure) std::rethrow_exception(failure);
}

// W1: the floor for `inflight` reads at once over persistent connections.
int cmd_read(const bench::flags& f) {
    auto e = bench::endpoint::parse(f.need("url"));
    auto tokens = bench::read_lines(f.need("tokens"), 100'000);
    auto calls = static_cast<std::size_t>(f.num("calls", 20'000));
    auto inflight = static_cast<std::size_t>(f.num("inflight", 32));
    bench::measure m(f.num("emulator-pid", 0));
    asio::io_context io{1};
    tcp::endpoint ep{asio::ip::make_address(e.host), static_cast<unsigned short>(std::stoi(e.port))};
    auto timed = [&](auto& streams) -> asio::awaitable<void> {
        co_await read_many(streams, e, tokens, inflight * 4);  // warm-up, as for the others
        m.start();
        co_await read_many(streams, e, tokens, calls);
        m.stop();
    };
    if (e.https) {
        auto ctx = make_context(f.need("ca"));
        std::vector<std::unique_ptr<tls_stream>> streams;
        run(io, [&]() -> asio::awaitable<void> {
            for (std::size_t i = 0; i < inflight; ++i) {
                streams.push_back(std::make_unique<tls_stream>(io, *ctx));
                co_await open(*streams.back(), ep, e.host);
            }
            co_await timed(streams);
        });
    } else {
        std::vector<std::unique_ptr<tcp::socket>> streams;
        run(io, [&]() -> asio::awaitable<void> {
            for (std::size_t i = 0; i < inflight; ++i) {
                streams.push_back(std::make_unique<tcp::socket>(io));
                co_await open(*streams.back(), ep);
            }
            co_await timed(streams);
        });
    }
    bench::result r("W1");
    r.add("impl", "beast").add("proto", e.https ? "https" : "http");
    bench::add_cpu(r, m, calls);
    r.add("conns", static_cast<std::uint64_t>(inflight));
    r.print();
    return 0;
}

// W4: a connection per call. `new_context`: the CA is loaded again each time (as a new client
// does); `resume`: the previous connection's TLS session is offered.
int cmd_connect_each(const bench::flags& f, bool new_context) {
    auto e = bench::endpoint::parse(f.need("url"));
    auto ca = f.need("ca");
    auto tokens = bench::read_lines(f.need("tokens"), 1000);
    auto calls = static_cast<std::size_t>(f.num("calls", 200));
    bool resume = !new_context && f.str("resume") == "1";
    std::vector<double> ms;
    std::uint64_t resumed = 0;
    bench::measure m(f.num("emulator-pid", 0));
    asio::io_context io{1};
    tcp::endpoint ep{asio::ip::make_address(e.host), static_cast<unsigned short>(std::stoi(e.port))};
    auto shared_ctx = make_context(ca);
    SSL_SESSION* session = nullptr;
    run(io, [&]() -> asio::awaitable<void> {
        auto once = [&](std::size_t i) -> asio::awaitable<void> {
            auto ctx = new_context ? make_context(ca) : nullptr;
            tls_stream s(io, ctx ? *ctx : *shared_ctx);
            co_await open(s, ep, e.host, resume ? session : nullptr);
            if (SSL_session_reused(s.native_handle())) ++resumed;
            beast::flat_buffer buf;
            auto req = make_request(e);
            co_await read_one(s, buf, req, e, tokens[i % tokens.size()]);
            if (resume) {
                if (session) SSL_SESSION_free(session);
                session = SSL_get1_session(s.native_handle());  // TLS 1.3: the ticket came with the answer
            }
            // Closed without close_notify, OpenSSL would mark the session not resumable
            // (ssl_clear_bad_session); say the shutdown happened, as a polite close would.
            SSL_set_shutdown(s.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        };
        co_await once(0);  // warm-up
        m.start();
        for (std::size_t i = 0; i < calls; ++i) {
            auto t0 = bench::clock::now();
            co_await once(i);
            ms.push_back(bench::seconds_since(t0) * 1e3);
        }
        m.stop();
    });
    if (session) SSL_SESSION_free(session);
    bench::result r("W4");
    r.add("impl", "beast").add("kind", new_context ? "new_client" : "reconnect").add("resumption", resume ? "yes" : "no");
    r.add("calls", static_cast<std::uint64_t>(calls)).add("median_ms", bench::median(ms));
    r.add("cpu_us_per_call", m.cpu * 1e6 / static_cast<double>(calls), 1).add("resumed", resumed);
    r.print();
    return 0;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 2) throw std::runtime_error("usage: beast_baseline read|reconnect|cold --flags...");
    std::string cmd = argv[1];
    bench::flags f(argc, argv, 2);
    if (cmd == "read") return cmd_read(f);
    if (cmd == "reconnect") return cmd_connect_each(f, false);
    if (cmd == "cold") return cmd_connect_each(f, true);
    throw std::runtime_error("unknown subcommand " + cmd);
} catch (const std::exception& e) {
    std::cerr << "beast_baseline: " << e.what() << "\n";
    return 1;
}
