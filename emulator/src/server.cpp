// The emulator's network side: accept loop, TLS, HTTP/1.1 keep-alive sessions, gzip, and the
// faults that live on the wire. The Hub's rules are in hub_handler; this file only moves bytes.
#include "stencila/hub/emulator.hpp"

#include "faults.hpp"
#include "hub_handler.hpp"
#include "store.hpp"
#include "tls.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <zlib.h>

#include <atomic>
#include <ctime>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace stencila::hub::emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::string_view hub_50x_page =
    "<!DOCTYPE html>\n<html>\n    <head>\n        <title>Error : Stencila</title>\n        <meta charset=\"utf-8\">\n"
    "        <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n    </head>\n    <body>\n"
    "        <h1>Sorry, something went wrong</h1>\n        <p>Stencila Hub is temporarily unavailable. "
    "Please try again in a few minutes.</p>\n    </body>\n</html>\n";

constexpr std::string_view bad_request_page =
    "<html>\n  <head>\n    <title>Bad Request</title>\n  </head>\n  <body>\n    <h1><p>Bad Request</p></h1>\n"
    "    Invalid request\n  </body>\n</html>\n";

/// `Date: ...\r\n`, formatted once per second per thread.
std::string_view date_header() {
    thread_local std::time_t last = 0;
    thread_local char buf[64];
    thread_local std::size_t len = 0;
    std::time_t now = std::time(nullptr);
    if (now != last) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        len = std::strftime(buf, sizeof buf, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
        last = now;
    }
    return {buf, len};
}

/// Headers beyond the framing ones.
struct head_extras {
    bool hub_headers = false;       ///< the Hub's Django middleware headers
    std::string_view set_cookie{};  ///< with hub_headers: a Set-Cookie value, if not empty
    std::string_view retry_after{};
};

/// The status line and headers, in the order gunicorn sends the Hub's: Content-Type, Allow,
/// X-Frame-Options, Content-Length, Vary, X-Content-Type-Options, Referrer-Policy, Set-Cookie.
void append_head(std::string& out, unsigned version, unsigned status, bool keep_alive,
                 std::string_view content_type, std::string_view allow, std::size_t length, bool gzip_chunked,
                 const head_extras& x = {}) {
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    detail::append_uint(out, status);
    out.push_back(' ');
    out += detail::reason_phrase(status);
    out += "\r\nServer: hub-emulator\r\n";
    out += date_header();
    out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    if (!content_type.empty()) { out += "Content-Type: "; out += content_type; out += "\r\n"; }
    if (!allow.empty()) { out += "Allow: "; out += allow; out += "\r\n"; }
    if (x.hub_headers) out += "X-Frame-Options: DENY\r\n";
    if (gzip_chunked) out += "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n";
    else { out += "Content-Length: "; detail::append_uint(out, length); out += "\r\n"; }
    if (x.hub_headers) {
        out += "Vary: Cookie, Origin\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: same-origin\r\n";
        if (!x.set_cookie.empty()) { out += "Set-Cookie: "; out += x.set_cookie; out += "\r\n"; }
    }
    if (!x.retry_after.empty()) { out += "Retry-After: "; out += x.retry_after; out += "\r\n"; }
    out += "\r\n";
}

constexpr std::string_view stats_path = "/_emulator/stats";

/// gzip (as nginx's `gzip on`) into `out`, framed as a single chunk plus the last chunk.
void append_gzip_chunked(std::string& out, std::string_view body) {
    z_stream z{};
    deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string packed(deflateBound(&z, body.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(packed.data());
    z.avail_out = static_cast<uInt>(packed.size());
    deflate(&z, Z_FINISH);
    packed.resize(z.total_out);
    deflateEnd(&z);
    char hex[20];
    int n = std::snprintf(hex, sizeof hex, "%zx\r\n", packed.size());
    out.append(hex, static_cast<std::size_t>(n));
    out += packed;
    out += "\r\n0\r\n\r\n";
}

bool contains_token(std::string_view header, std::string_view token) {
    return header.find(token) != std::string_view::npos;
}

}  // namespace

struct server::impl {
    impl(bool manual_clock, bool updated_last) : store(manual_clock, updated_last) {}
    server_options opt;
    detail::store store;
    detail::fault_queue faults;
    detail::counters counters;
    std::optional<detail::hub_handler> handler;
    detail::pem_pair ca;  // empty when a certificate was given
    std::optional<asio::ssl::context> ssl;
    std::optional<asio::io_context> ioc;
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    std::atomic<std::uint64_t> accepted{0}, requests{0}, open{0};
    std::mutex stop_mutex;
    bool stopped = false;

    struct open_guard {
        impl& s;
        explicit open_guard(impl& i) : s(i) { ++s.open; }
        ~open_guard() { --s.open; }
    };

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> connection(tcp::socket socket);
    template <class Stream>
    asio::awaitable<void> serve(Stream& stream);
    template <class Stream>
    asio::awaitable<bool> apply_fault(Stream& stream, const fault& f, unsigned version, std::string& out,
                                      detail::hub_response& res, bool keep_alive);
    template <class Stream>
    asio::awaitable<void> break_answer(Stream& stream, const fault& f, unsigned version, std::string& out,
                                       const detail::hub_response& res);
    void build_response(std::string& out, const detail::hub_response& res, unsigned version, bool keep_alive,
                        bool gzip_ok);
    [[nodiscard]] server_stats stats_of() const;
};

asio::awaitable<void> server::impl::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(asio::make_strand(*ioc), use_tuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
            continue;  // e.g. EMFILE: keep serving the connections we have
        }
        ++accepted;
        auto ex = socket.get_executor();
        asio::co_spawn(ex, connection(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> server::impl::connection(tcp::socket socket) {
    open_guard guard(*this);
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    beast::tcp_stream stream(std::move(socket));
    if (!opt.https) {
        co_await serve(stream);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *ssl);
    beast::get_lowest_layer(tls).expires_after(10s);
    auto [ec] = co_await tls.async_handshake(asio::ssl::stream_base::server, use_tuple);
    if (ec) co_return;
    co_await serve(tls);
}

void server::impl::build_response(std::string& out, const detail::hub_response& res, unsigned version,
                                  bool keep_alive, bool gzip_ok) {
    out.clear();
    bool gzip = gzip_ok && !res.head && res.content_type == "application/json" && res.body.size() >= 10240;
    append_head(out, version, res.status, keep_alive, res.content_type, res.allow, res.body.size(), gzip,
                {.hub_headers = res.hub_headers, .set_cookie = res.set_cookie});
    if (res.head) return;
    if (gzip) append_gzip_chunked(out, res.body);
    else out += res.body;
}

template <class Stream>
asio::awaitable<void> server::impl::serve(Stream& stream) {
    auto& tcp_layer = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    detail::hub_response res;
    std::string out;
    unsigned served = 0;
    boost::system::error_code peer_ec;
    const std::string remote_addr = tcp_layer.socket().remote_endpoint(peer_ec).address().to_string();
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(8192);
        parser.body_limit(1u << 20);
        if (opt.idle_timeout.count() > 0) tcp_layer.expires_after(opt.idle_timeout);
        else tcp_layer.expires_never();
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (ec) {
            if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                ec != http::error::end_of_stream && ec != http::error::partial_message) {
                out.clear();
                unsigned status = ec == http::error::header_limit ? 414 : ec == http::error::body_limit ? 413 : 400;
                append_head(out, 11, status, false, "text/html", {}, bad_request_page.size(), false);
                out += bad_request_page;
                counters.count_response("other", detail::route::unrouted, status);
                tcp_layer.expires_after(5s);
                co_await asio::async_write(stream, asio::buffer(out), use_tuple);
            }
            break;
        }
        auto start = std::chrono::steady_clock::now();
        ++requests;
        ++served;
        const auto& req = parser.get();
        auto field = [&](http::field f) {
            auto it = req.find(f);
            return it == req.end() ? std::string_view{} : std::string_view(it->value());
        };
        auto named = [&](std::string_view name) {
            auto it = req.find(name);
            return it == req.end() ? std::string_view{} : std::string_view(it->value());
        };
        detail::hub_request hr{
            .method = req.method_string(),
            .target = req.target(),
            .host = field(http::field::host),
            .authorization = field(http::field::authorization),
            .content_type = field(http::field::content_type),
            .accept = field(http::field::accept),
            .forwarded_proto = named("X-Forwarded-Proto"),
            .method_override = named("X-HTTP-Method-Override"),
            .cookie = field(http::field::cookie),
            .forwarded_for = named("X-Forwarded-For"),
            .remote_addr = remote_addr,
            .body = req.body(),
        };
        unsigned version = req.version() == 10 ? 10 : 11;
        bool keep_alive = version == 11 && req.keep_alive();
        if (opt.max_requests_per_connection != 0 && served >= opt.max_requests_per_connection) keep_alive = false;
        bool gzip_ok = opt.gzip && contains_token(field(http::field::accept_encoding), "gzip");

        if (opt.stats_endpoint && hr.method == "GET" && hr.target.substr(0, hr.target.find('?')) == stats_path) {
            std::string body = to_json(stats_of());
            out.clear();
            append_head(out, version, 200, keep_alive, "application/json", {}, body.size(), false);
            out += body;
            auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(out), use_tuple);
            if (wec) co_return;
            if (!keep_alive) break;
            continue;
        }
        std::optional<fault> f;
        if (opt.faults) f = faults.take(hr.method, hr.target);
        if (f) counters.count_fault(f->what);
        tcp_layer.expires_after(60s);
        if (f && f->what == fault::kind::latency) {
            asio::steady_timer t(co_await asio::this_coro::executor, f->delay);
            co_await t.async_wait(use_tuple);
            f.reset();
        }
        if (f && f->what == fault::kind::close_before_response) break;  // as if it had timed out just then
        bool replaces_answer = f && (f->what == fault::kind::stall || f->what == fault::kind::status ||
                                     f->what == fault::kind::malformed_json || f->what == fault::kind::oversized_body);
        auto log = [&] {
            if (!opt.request_log) return;
            auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
            std::string line(hr.method);
            line += ' ';
            line += detail::redact_target(hr.target);
            line += ' ';
            line += std::to_string(res.status);
            line += ' ';
            line += std::to_string(us);
            line += "us";
            opt.request_log(line);
        };
        if (replaces_answer) {
            if (f->what == fault::kind::status) res.status = f->status;
            else if (f->what != fault::kind::stall) res.status = 200;
            if (f->what != fault::kind::stall) {
                std::string_view token;
                counters.count_response(hr.method, detail::classify(hr.target, res.path, token), res.status);
                log();
            }
            if (!co_await apply_fault(stream, *f, version, out, res, keep_alive)) co_return;
        } else {
            handler->handle(hr, res);
            counters.count_response(hr.method, res.where, res.status);
            if (!f) {
                build_response(out, res, version, keep_alive, gzip_ok);
                log();
                auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(out), use_tuple);
                if (wec) co_return;
            } else {
                log();
                co_await break_answer(stream, *f, version, out, res);
                co_return;
            }
        }
        if (!keep_alive) break;
    }
    // Orderly close: TLS close_notify (bounded), then FIN.
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        tcp_layer.expires_after(1s);
        co_await stream.async_shutdown(use_tuple);
    }
    boost::system::error_code ignored;
    tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_layer.close();
}

template <class Stream>
asio::awaitable<bool> server::impl::apply_fault(Stream& stream, const fault& f, unsigned version, std::string& out,
                                                detail::hub_response& res, bool keep_alive) {
    auto& tcp_layer = beast::get_lowest_layer(stream);
    out.clear();
    switch (f.what) {
    case fault::kind::stall: {
        // Never answer; notice the peer going away so the session ends with it.
        char sink[256];
        for (;;) {
            tcp_layer.expires_never();
            auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
            if (ec) co_return false;
        }
    }
    case fault::kind::status: {
        head_extras extra{.retry_after = f.retry_after};
        res.status = f.status;
        if (f.html) {
            append_head(out, version, f.status, keep_alive, "text/html", {}, hub_50x_page.size(), false, extra);
            out += hub_50x_page;
        } else {
            std::string body = "{\"message\":";
            std::string msg;
            switch (f.status) {
            case 429: {
                std::string secs = !f.retry_after.empty() && std::isdigit(static_cast<unsigned char>(f.retry_after[0])) ? f.retry_after : "60";
                msg = "Request was throttled. Expected available in " + secs + (secs == "1" ? " second." : " seconds.");
                break;
            }
            case 500: msg = "A server error occurred."; break;
            case 502: msg = "Bad gateway."; break;
            case 504: msg = "Gateway timeout."; break;
            default: msg = "Service temporarily unavailable, try again later."; break;
            }
            detail::append_string(body, msg);
            body += "}";
            append_head(out, version, f.status, keep_alive, "application/json", {}, body.size(), false, extra);
            out += body;
        }
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out), use_tuple);
        co_return !ec;
    }
    case fault::kind::malformed_json: {
        constexpr std::string_view body = R"({"user":1,"id":"deadbeef","created":"2022-02-01T20:42:43)";
        res.status = 200;
        append_head(out, version, 200, keep_alive, "application/json", {}, body.size(), false);
        out += body;
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out), use_tuple);
        co_return !ec;
    }
    case fault::kind::oversized_body: {
        std::string body = R"({"count":0,"next":null,"previous":null,"results":[],"padding":")";
        std::size_t want = std::max<std::size_t>(f.oversized_bytes, body.size() + 2);
        body.append(want - body.size() - 2, 'x');
        body += "\"}";
        res.status = 200;
        append_head(out, version, 200, keep_alive, "application/json", {}, body.size(), false);
        out += body;
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out), use_tuple);
        co_return !ec;
    }
    default: break;
    }
    co_return true;
}

template <class Stream>
asio::awaitable<void> server::impl::break_answer(Stream& stream, const fault& f, unsigned version, std::string& out,
                                                 const detail::hub_response& res) {
    auto& tcp_layer = beast::get_lowest_layer(stream);
    boost::system::error_code ignored;
    std::size_t body = res.head ? 0 : res.body.size();
    if (f.what == fault::kind::truncated_body) {
        // Content-Length promises more than is sent, then the connection ends.
        out.clear();
        append_head(out, version, res.status, true, res.content_type, res.allow, body + 1024, false,
                    {.hub_headers = res.hub_headers, .set_cookie = res.set_cookie});
        if (!res.head) out += res.body;
    } else {
        build_response(out, res, version, true, false);  // keep-alive promised, then broken
    }
    std::size_t send = out.size();
    if (f.what == fault::kind::reset_mid_body) send = body > 0 ? out.size() - body + body / 2 : out.size() / 2;
    co_await asio::async_write(stream, asio::buffer(out.data(), send), use_tuple);
    if (f.what == fault::kind::reset_mid_body) tcp_layer.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    else tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_layer.close();
}

server::server(server_options options)
    : impl_(std::make_unique<impl>(options.manual_clock, options.listing == listing_order::updated_last)) {
    auto& s = *impl_;
    s.opt = std::move(options);
    if (s.opt.threads == 0) s.opt.threads = 1;
    s.ioc.emplace(static_cast<int>(s.opt.threads));
    auto address = asio::ip::make_address(s.opt.listen);
    if (s.opt.https) {
        s.ssl.emplace(asio::ssl::context::tls_server);
        s.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1);
        std::string cert = s.opt.cert_pem, key = s.opt.key_pem;
        if (cert.empty()) {
            s.ca = detail::make_ca("Stencila Hub emulator CA");
            auto leaf = detail::make_leaf(s.ca, "localhost", true, s.opt.expired_certificate);
            cert = leaf.cert + s.ca.cert;
            key = leaf.key;
        }
        s.ssl->use_certificate_chain(asio::buffer(cert));
        s.ssl->use_private_key(asio::buffer(key), asio::ssl::context::pem);
        if (s.opt.require_client_certificate) {
            std::string client_ca = !s.opt.client_ca_pem.empty() ? s.opt.client_ca_pem : s.ca.cert;
            if (client_ca.empty()) throw std::invalid_argument("require_client_certificate needs client_ca_pem with a given certificate");
            s.ssl->add_certificate_authority(asio::buffer(client_ca));
            s.ssl->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
        }
    }
    s.acceptor.emplace(*s.ioc);
    tcp::endpoint ep(address, s.opt.port);
    s.acceptor->open(ep.protocol());
    s.acceptor->set_option(asio::socket_base::reuse_address(true));
    s.acceptor->bind(ep);
    s.acceptor->listen(asio::socket_base::max_listen_connections);
    s.port = s.acceptor->local_endpoint().port();
    std::string host = address.is_v6() ? "[" + s.opt.listen + "]" : s.opt.listen;
    s.handler.emplace(s.store, detail::hub_settings{.https = s.opt.https,
                                                    .default_host = host + ":" + std::to_string(s.port),
                                                    .openid_test_audiences = s.opt.openid_test_audiences,
                                                    .hub_headers = s.opt.hub_headers,
                                                    .throttle = s.opt.throttle});
    asio::co_spawn(s.acceptor->get_executor(), s.accept_loop(), asio::detached);
    for (unsigned i = 0; i < s.opt.threads; ++i) s.threads.emplace_back([&s] { s.ioc->run(); });
}

server::~server() { stop(); }

void server::stop() {
    auto& s = *impl_;
    std::lock_guard lock(s.stop_mutex);
    if (s.stopped) return;
    s.stopped = true;
    s.ioc->stop();
    for (auto& t : s.threads) t.join();
    s.threads.clear();
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
    s.acceptor.reset();
    s.ioc.reset();  // destroys every session (and closes its socket) with its coroutine frame
}

std::string server::base_url() const {
    const auto& s = *impl_;
    bool v6 = asio::ip::make_address(s.opt.listen).is_v6();
    return std::string(s.opt.https ? "https://" : "http://") + (v6 ? "[" + s.opt.listen + "]" : s.opt.listen) + ":" +
           std::to_string(s.port) + "/api";
}

std::uint16_t server::port() const { return impl_->port; }
std::string server::ca_pem() const { return impl_->ca.cert; }

std::pair<std::string, std::string> server::make_client_certificate(std::string_view common_name) const {
    if (impl_->ca.key.empty()) throw std::logic_error("make_client_certificate needs the emulator's own CA");
    auto leaf = detail::make_leaf(impl_->ca, common_name, false);
    return {leaf.cert, leaf.key};
}

int server::add_user(user u) { return impl_->store.add_user(std::move(u)); }
std::vector<std::string> server::seed_tokens(std::string_view username, std::size_t n) {
    return impl_->store.seed_tokens(username, n);
}
std::string server::seed_token(std::string_view username, time_point created, std::optional<time_point> expiry) {
    auto micros = [](time_point t) {
        return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
    };
    return impl_->store.seed_token(username, micros(created), expiry ? micros(*expiry) : detail::no_expiry);
}
std::size_t server::token_count() const { return impl_->store.token_count(); }
void server::advance_clock(std::chrono::microseconds by) { impl_->store.advance_clock(by.count()); }
time_point server::now() const {
    return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds(impl_->store.now())));
}
void server::inject(fault f) {
    if (!impl_->opt.faults) throw std::logic_error("fault injection is off (server_options::faults)");
    impl_->faults.push(std::move(f));
}
void server::clear_faults() { impl_->faults.clear(); }

server_stats server::impl::stats_of() const {
    server_stats st{accepted.load(), requests.load(), open.load(), {}, {}};
    counters.fill(st);
    return st;
}

server_stats server::stats() const { return impl_->stats_of(); }

}  // namespace stencila::hub::emulator
