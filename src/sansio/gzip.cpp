#include "sansio/gzip.hpp"

#include <stencila/hub/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstdint>

namespace stencila::hub::detail {

boost::system::error_code gunzip(std::string_view in, std::string& out, std::size_t limit) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return error::malformed_response;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    out.clear();
    // Room for one byte past the limit: a body of exactly `limit` bytes ends the stream within it,
    // a longer one shows itself by filling that byte.
    const std::size_t room = limit == SIZE_MAX ? limit : limit + 1;
    int rc = Z_OK;
    while (rc == Z_OK && out.size() < room) {
        std::size_t before = out.size();
        std::size_t chunk = std::min<std::size_t>(std::max<std::size_t>(in.size() * 4, 16384), room - before);
        out.resize(before + chunk);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
        z.avail_out = static_cast<uInt>(chunk);
        rc = inflate(&z, Z_NO_FLUSH);
        out.resize(before + chunk - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended before the stream did
        if (rc == Z_BUF_ERROR) rc = Z_OK;
        // A gzip file may hold several members one after the other (RFC 1952 §2.2): go on.
        if (rc == Z_STREAM_END && z.avail_in > 0 && inflateReset(&z) == Z_OK) rc = Z_OK;
    }
    inflateEnd(&z);
    if (out.size() > limit) {
        out.resize(limit);  // what came within the limit; the rest is not kept
        return error::body_too_large;
    }
    if (rc == Z_STREAM_END) return {};
    return error::malformed_response;
}

}  // namespace stencila::hub::detail
