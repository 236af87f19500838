#include "hostile_server.hpp"

#include "tls.hpp"  // the emulator's certificate maker (emulator/src), linked from stencila::hub_emulator

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <type_traits>

namespace hostile {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

struct credentials {
    std::string ca, cert, key;
};

const credentials& server_credentials() {
    static const credentials c = [] {
        namespace emu = stencila::hub::emulator::detail;
        auto ca = emu::make_ca("hostile test CA");
        auto leaf = emu::make_leaf(ca, "127.0.0.1", true);
        return credentials{ca.cert, leaf.cert, leaf.key};
    }();
    return c;
}

// Parses the head read so far: request line and fields.
void parse_head(std::string_view head, request& r) {
    auto line_end = head.find("\r\n");
    auto line = head.substr(0, line_end);
    auto sp1 = line.find(' ');
    auto sp2 = line.find(' ', sp1 == std::string_view::npos ? sp1 : sp1 + 1);
    r.method = std::string(line.substr(0, sp1));
    if (sp1 != std::string_view::npos) r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    std::size_t at = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
        auto end = head.find("\r\n", at);
        if (end == std::string_view::npos || end == at) break;
        auto field = head.substr(at, end - at);
        if (auto colon = field.find(':'); colon != std::string_view::npos)
            r.headers.emplace_back(std::string(field.substr(0, colon)), std::string(trim(field.substr(colon + 1))));
        at = end + 2;
    }
}

}  // namespace

std::optional<std::string> request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

std::optional<std::string> request::query(std::string_view name) const {
    auto q = target.find('?');
    if (q == std::string::npos) return std::nullopt;
    std::string_view rest = std::string_view(target).substr(q + 1);
    std::optional<std::string> found;
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) found = std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return found;  // the last one wins, as in Django
}

struct server::state {
    state(script s, server_options o) : respond(std::move(s)), opts(o) {}

    script respond;
    server_options opts;
    std::optional<asio::ssl::context> tls;
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::vector<request> seen;
    std::size_t connections = 0;
    std::size_t answers = 0;
    // Declared after what the connections use: destroyed first, with the coroutine frames (and
    // sockets) it still holds.
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::uint16_t port = 0;
    std::thread thread;

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(tcp::socket socket, std::size_t connection);
    template <class Stream>
    asio::awaitable<void> converse(Stream& stream, std::size_t connection);
    template <class Stream>
    asio::awaitable<std::optional<request>> read_request(Stream& stream, std::string& buffer);
    template <class Stream>
    asio::awaitable<bool> write_answer(Stream& stream, answer& a);
    template <class Stream>
    asio::awaitable<void> finish(Stream& stream, const answer& a);
    void answered() {
        std::lock_guard lock(mutex);
        ++answers;
        changed.notify_all();
    }
};

template <class Stream>
tcp::socket& lowest(Stream& s) {
    if constexpr (std::is_same_v<Stream, tcp::socket>) return s;
    else return s.next_layer();
}

asio::awaitable<void> server::state::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec) co_return;
        std::size_t n;
        {
            std::lock_guard lock(mutex);
            n = ++connections;
        }
        asio::co_spawn(io, serve(std::move(socket), n), asio::detached);
    }
}

asio::awaitable<void> server::state::serve(tcp::socket socket, std::size_t connection) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!tls) co_return co_await converse(socket, connection);
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
    if (hec) co_return;
    co_await converse(stream, connection);
}

template <class Stream>
asio::awaitable<void> server::state::converse(Stream& stream, std::size_t connection) {
    std::string buffer;
    for (std::size_t k = 1;; ++k) {
        auto r = co_await read_request(stream, buffer);
        if (!r) co_return;
        r->connection = connection;
        r->on_connection = k;
        {
            std::lock_guard lock(mutex);
            r->index = seen.size() + 1;
            seen.push_back(*r);
        }
        answer a = respond(*r);
        bool written = co_await write_answer(stream, a);
        answered();
        if (!written) co_return;
        if (a.then == ending::keep_open) continue;
        co_await finish(stream, a);
        co_return;
    }
}

template <class Stream>
asio::awaitable<std::optional<request>> server::state::read_request(Stream& stream, std::string& buffer) {
    auto [ec, n] = co_await asio::async_read_until(stream, asio::dynamic_buffer(buffer), "\r\n\r\n", use_tuple);
    if (ec) co_return std::nullopt;
    request r;
    std::string head = buffer.substr(0, n);
    buffer.erase(0, n);
    parse_head(head, r);
    std::size_t length = 0;
    if (auto cl = r.header("Content-Length")) std::from_chars(cl->data(), cl->data() + cl->size(), length);
    if (buffer.size() < length) {
        auto [bec, got] = co_await asio::async_read(stream, asio::dynamic_buffer(buffer),
                                                    asio::transfer_at_least(length - buffer.size()), use_tuple);
        if (bec && buffer.size() < length) co_return std::nullopt;
    }
    r.body = buffer.substr(0, length);
    buffer.erase(0, length);
    r.raw = head + r.body;
    r.at = std::chrono::steady_clock::now();
    co_return r;
}

template <class Stream>
asio::awaitable<bool> server::state::write_answer(Stream& stream, answer& a) {
    bool first = true;
    auto write = [&](const std::string& bytes) -> asio::awaitable<bool> {
        if (!first && a.pause.count() > 0) {
            asio::steady_timer timer(io, a.pause);
            co_await timer.async_wait(use_tuple);
        }
        first = false;
        auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
        co_return !ec;
    };
    for (const auto& piece : a.pieces)
        if (!co_await write(piece)) co_return false;
    if (a.more)
        while (auto piece = a.more())
            if (!co_await write(*piece)) co_return false;
    co_return true;
}

template <class Stream>
asio::awaitable<void> server::state::finish(Stream& stream, const answer& a) {
    error_code ignored;
    auto& socket = lowest(stream);
    switch (a.then) {
        case ending::keep_open: co_return;
        case ending::close:
            if constexpr (!std::is_same_v<Stream, tcp::socket>) {
                if (a.close_notify) {
                    // close_notify goes out first; the wait for the client's own is bounded.
                    asio::steady_timer guard(io, std::chrono::seconds(2));
                    guard.async_wait([&socket](error_code ec) {
                        error_code e;
                        if (!ec) socket.close(e);
                    });
                    co_await stream.async_shutdown(use_tuple);
                    guard.cancel();
                }
            }
            socket.shutdown(tcp::socket::shutdown_both, ignored);
            socket.close(ignored);
            co_return;
        case ending::reset:
            socket.set_option(asio::socket_base::linger(true, 0), ignored);
            socket.close(ignored);
            co_return;
        case ending::stall: {
            asio::steady_timer forever(io, asio::steady_timer::time_point::max());
            co_await forever.async_wait(use_tuple);  // until the server stops
            co_return;
        }
    }
}

server::server(script respond, server_options options)
    : state_(std::make_shared<state>(std::move(respond), options)) {
    auto& s = *state_;
    if (options.tls) {
        const auto& c = server_credentials();
        s.tls.emplace(asio::ssl::context::tls_server);
        s.tls->use_certificate_chain(asio::buffer(c.cert));
        s.tls->use_private_key(asio::buffer(c.key), asio::ssl::context::pem);
    }
    tcp::endpoint at(asio::ip::make_address("127.0.0.1"), 0);
    s.acceptor.open(at.protocol());
    s.acceptor.set_option(asio::socket_base::reuse_address(true));
    s.acceptor.bind(at);
    s.acceptor.listen();
    s.port = s.acceptor.local_endpoint().port();
    asio::co_spawn(s.io, s.accept_loop(), asio::detached);
    s.thread = std::thread([&s] { s.io.run(); });
}

server::~server() {
    state_->io.stop();
    state_->thread.join();
}

std::string server::origin() const {
    return std::string(state_->opts.tls ? "https" : "http") + "://" + host_port();
}
std::string server::base_url() const { return origin() + "/api"; }
std::string server::host_port() const { return "127.0.0.1:" + std::to_string(state_->port); }
std::uint16_t server::port() const { return state_->port; }
const std::string& server::ca_pem() { return server_credentials().ca; }

std::size_t server::connections() const {
    std::lock_guard lock(state_->mutex);
    return state_->connections;
}

std::size_t server::request_count() const {
    std::lock_guard lock(state_->mutex);
    return state_->seen.size();
}

std::vector<request> server::requests() const {
    std::lock_guard lock(state_->mutex);
    return state_->seen;
}

bool server::wait_for_answers(std::size_t n, milliseconds timeout) const {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return state_->answers >= n; });
}

}  // namespace hostile
