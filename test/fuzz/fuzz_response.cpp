// bytes -> response_reader, the client's only reader of what a server sends. The first byte
// picks how the rest is cut into reads (1 to 64 bytes each, or all at once); the rest is fed as a
// connection would, then the end of the stream. Whatever arrives, the reader:
// - never crashes, never uses more bytes than it was given, never takes a step without progress
//   unless it has finished or failed;
// - fails only with the codes it documents;
// - gives the same outcome (error, or status, body and keep-alive) whether the bytes come in one
//   read or cut up (framing must not depend on how TCP split the stream);
// - never gives a body over its limit, inflated or not.
#include "sansio/codec.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace hub = stencila::hub;
namespace detail = hub::detail;
using boost::system::error_code;

namespace {

struct outcome {
    error_code ec;
    unsigned status = 0;
    std::string body;
    bool keep_alive = false;
    bool operator==(const outcome&) const = default;
};

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_response: %s\n", what);
    std::abort();
}

bool documented(const error_code& ec) {
    return ec == hub::error::malformed_response || ec == hub::error::body_too_large ||
           ec == hub::error::header_too_large || ec == hub::error::connection_closed;
}

outcome read(const std::uint8_t* data, std::size_t size, std::size_t cut) {
    constexpr detail::response_limits limits{.max_body = 4096, .max_header = 1024};
    detail::response_reader r(limits);
    outcome o;
    std::string pending;  // bytes given but not yet used: given again, with more after them
    std::size_t at = 0;
    while (!r.done() && !o.ec && (at < size || !pending.empty())) {
        std::size_t n = cut == 0 ? size - at : std::min(cut, size - at);
        pending.append(reinterpret_cast<const char*>(data + at), n);
        at += n;
        auto used = r.feed(boost::asio::buffer(pending), o.ec);
        if (used > pending.size()) fail("used more bytes than it was given");
        pending.erase(0, used);
        if (used == 0 && n == 0 && !r.done() && !o.ec) break;  // everything given, more needed
    }
    if (!r.done() && !o.ec) r.feed_eof(o.ec);
    if (o.ec) {
        if (!documented(o.ec)) fail("an undocumented error code");
        return o;
    }
    if (!r.done()) fail("neither done nor failed after the end of the stream");
    o.keep_alive = r.keep_alive();
    auto response = r.take(o.ec);
    if (o.ec) {
        if (!documented(o.ec)) fail("an undocumented error code from take");
        return o;
    }
    if (response.body.size() > limits.max_body) fail("a body over the limit");
    if (response.status < 200 && response.status != 0) fail("an interim status as the final answer");
    o.status = response.status;
    o.body = std::move(response.body);
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t cut = data[0] % 65;  // 0: all at once
    auto whole = read(data + 1, size - 1, 0);
    auto pieces = read(data + 1, size - 1, cut);
    // A reader that stops early for want of room keeps the first error: both must agree on
    // whether it failed, and on the answer when it did not.
    if (static_cast<bool>(whole.ec) != static_cast<bool>(pieces.ec)) {
        std::fprintf(stderr, "whole: %s (status %u); in reads of %zu: %s (status %u)\n", whole.ec.message().c_str(),
                     whole.status, cut, pieces.ec.message().c_str(), pieces.status);
        fail("cutting the stream changed success");
    }
    if (!whole.ec && !(whole == pieces)) fail("cutting the stream changed the answer");
    return 0;
}
