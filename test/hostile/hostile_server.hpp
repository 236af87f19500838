// A raw-socket HTTP server that misbehaves on request, the way real servers, proxies and networks
// do. It shares none of the client's code and none of the emulator's: it reads a request's bytes
// (head, then `Content-Length` bytes of body), asks a script what to do, and does exactly that:
// writes these bytes, possibly in pieces with pauses, then keeps the connection open for the next
// request, closes it, resets it (RST) or stalls. Plain TCP or TLS (a throwaway CA and a
// certificate for 127.0.0.1).
//
// It counts connections and requests and keeps every request's raw bytes, so tests can assert
// what the client sent, and that nothing was sent at all.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hostile {

using std::chrono::milliseconds;

/// One request as the server read it.
struct request {
    std::size_t connection = 0;     ///< 1, 2, ... in the order connections were accepted
    std::size_t index = 0;          ///< 1, 2, ... over the server's life
    std::size_t on_connection = 0;  ///< 1, 2, ... on its connection
    std::string raw;                ///< head and body, byte for byte
    std::string method;
    std::string target;             ///< as on the request line: path and query
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::steady_clock::time_point at{};  ///< when it had been read

    /// The first header of that name (case-insensitive).
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
    /// The value of query parameter `name` in the target, if given.
    [[nodiscard]] std::optional<std::string> query(std::string_view name) const;
};

/// What the server does once an answer's bytes are written.
enum class ending {
    keep_open,  ///< read the next request on this connection
    close,      ///< close (over TLS: after close_notify unless `answer::close_notify` is false)
    reset,      ///< SO_LINGER 0, then close: the client sees a reset
    stall,      ///< neither read nor write again; the socket stays open until the server stops
};

/// The bytes to write for one request, and what follows them.
struct answer {
    std::vector<std::string> pieces{};  ///< written in order, each with its own write
    milliseconds pause{0};              ///< before every piece but the first
    ending then = ending::keep_open;
    bool close_notify = true;           ///< TLS and `ending::close`: send close_notify first
    /// Called after the last piece: more bytes to write (e.g. an endless body), or nothing to
    /// stop. Each call's bytes follow `pause` after the previous ones.
    std::function<std::optional<std::string>()> more{};
};

/// Decides the answer to each request. Runs on the server's thread.
using script = std::function<answer(const request&)>;

struct server_options {
    bool tls = false;
};

class server {
public:
    explicit server(script respond, server_options options = {});
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// "http://127.0.0.1:PORT/api" or "https://..."
    [[nodiscard]] std::string base_url() const;
    /// "http://127.0.0.1:PORT"
    [[nodiscard]] std::string origin() const;
    /// "127.0.0.1:PORT", as the client's messages name the host.
    [[nodiscard]] std::string host_port() const;
    [[nodiscard]] std::uint16_t port() const;
    /// The CA that signed the server's certificate (TLS), for the client to trust.
    [[nodiscard]] static const std::string& ca_pem();

    [[nodiscard]] std::size_t connections() const;
    [[nodiscard]] std::size_t request_count() const;
    [[nodiscard]] std::vector<request> requests() const;
    /// Waits until `n` answers have been written in full (all pieces); false on timeout.
    bool wait_for_answers(std::size_t n, milliseconds timeout) const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace hostile
