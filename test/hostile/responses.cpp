#include "responses.hpp"

#include <zlib.h>

#include <cstdio>
#include <stdexcept>

namespace hostile {

std::string reason_of(unsigned status) {
    switch (status) {
        case 100: return "Continue";
        case 101: return "Switching Protocols";
        case 102: return "Processing";
        case 103: return "Early Hints";
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 408: return "Request Timeout";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        default: return "Whatever";
    }
}

std::string head(unsigned status, const header_list& headers, std::string_view version) {
    std::string out(version);
    out += " " + std::to_string(status) + " " + reason_of(status) + "\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    return out + "\r\n";
}

std::string with_length(unsigned status, std::string_view body, header_list headers) {
    headers.emplace_back("Content-Length", std::to_string(body.size()));
    return head(status, headers) + std::string(body);
}

std::string chunked(unsigned status, std::string_view body, std::size_t chunk_size, header_list headers) {
    headers.emplace_back("Transfer-Encoding", "chunked");
    headers.emplace_back("Trailer", "X-Checksum");
    std::string out = head(status, headers);
    char size[32];
    for (std::size_t i = 0, n = 0; i < body.size(); i += chunk_size, ++n) {
        auto piece = body.substr(i, chunk_size);
        std::snprintf(size, sizeof size, "%zx", piece.size());
        out += size;
        // RFC 9112 §7.1.1: chunk extensions, a token and a quoted string, which a client ignores.
        out += n % 2 == 0 ? ";name=value" : ";quoted=\"a;b=c\"";
        out += "\r\n";
        out += piece;
        out += "\r\n";
    }
    return out + "0;last\r\nX-Checksum: ignored\r\nX-Other: also ignored\r\n\r\n";
}

std::string close_delimited(unsigned status, std::string_view body, header_list headers) {
    return head(status, headers) + std::string(body);
}

std::string gzip(std::string_view data) {
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    return out;
}

std::vector<std::string> split_every(std::string_view text, std::size_t size) {
    std::vector<std::string> pieces;
    for (std::size_t i = 0; i < text.size(); i += size) pieces.emplace_back(text.substr(i, size));
    return pieces;
}

answer send(std::string bytes, ending then) {
    answer a;
    a.pieces.push_back(std::move(bytes));
    a.then = then;
    return a;
}

script always(answer a) {
    return [a = std::move(a)](const request&) { return a; };
}

namespace {

// 2022-02-01T20:42:43Z plus up to 600 minutes and `n` microseconds: distinct and always valid.
std::string time_of(std::int64_t n, int plus_days) {
    std::int64_t minutes = 42 + n % 600;  // the microseconds keep items apart
    std::int64_t hour = 20 + minutes / 60;
    int day = 1 + plus_days + static_cast<int>(hour / 24);
    char text[64];
    std::snprintf(text, sizeof text, "2022-%02d-%02dT%02lld:%02lld:43.%06lldZ", day > 28 ? 3 : 2,
                  day > 28 ? day - 28 : day, static_cast<long long>(hour % 24), static_cast<long long>(minutes % 60),
                  static_cast<long long>(n % 1000000));
    return text;
}

}  // namespace

std::string token_id(std::int64_t n) {
    char id[16];
    std::snprintf(id, sizeof id, "%08lld", static_cast<long long>(n));
    return id;
}

std::string token_json(std::int64_t n) {
    return R"({"user":1,"id":")" + token_id(n) + R"(","created":")" + time_of(n, 0) + R"(","expiry":")" +
           time_of(n, 7) + R"("})";
}

std::string created_json(std::int64_t n, std::string_view token_value) {
    return R"({"token":")" + std::string(token_value) + R"(","id":")" + token_id(n) + R"(","created":")" +
           time_of(n, 0) + R"(","expiry":")" + time_of(n, 7) + R"(","user":1,"username":"sam","firstName":"","lastName":""})";
}

std::string page_json(std::int64_t count, const std::optional<std::string>& next, std::int64_t first, std::int64_t n) {
    std::string out = R"({"count":)" + std::to_string(count) + R"(,"next":)" + (next ? "\"" + *next + "\"" : "null") +
                      R"(,"previous":null,"results":[)";
    for (std::int64_t i = 0; i < n; ++i) {
        if (i > 0) out += ',';
        out += token_json(first + i);
    }
    return out + "]}";
}

std::string listing_link(std::string_view origin, std::int64_t limit, std::int64_t offset) {
    return std::string(origin) + "/api/tokens/?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
}

}  // namespace hostile
