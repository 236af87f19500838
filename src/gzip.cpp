#include "detail/gzip.hpp"

#include <stencila/hub/error.hpp>

#include <zlib.h>

namespace stencila::hub::detail {

boost::system::error_code gunzip(std::string_view in, std::string& out, std::size_t limit) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return error::malformed_response;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    out.clear();
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (out.size() >= limit) break;
        std::size_t before = out.size();
        std::size_t chunk = std::min<std::size_t>(std::max<std::size_t>(in.size() * 4, 16384), limit - before);
        out.resize(before + chunk);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
        z.avail_out = static_cast<uInt>(chunk);
        rc = inflate(&z, Z_NO_FLUSH);
        out.resize(before + chunk - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended before the stream did
        if (rc == Z_BUF_ERROR) rc = Z_OK;
    }
    inflateEnd(&z);
    if (rc == Z_STREAM_END) return {};
    if (out.size() >= limit) return error::body_too_large;
    return error::malformed_response;
}

}  // namespace stencila::hub::detail
