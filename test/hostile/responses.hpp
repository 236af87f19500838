// Bytes for the hostile server to send: status lines, heads, the three ways of framing a body
// (Content-Length, chunked, close-delimited), gzip, and the Hub's JSON shapes.
#pragma once

#include "hostile_server.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hostile {

using header_list = std::vector<std::pair<std::string, std::string>>;

inline const header_list json_type{{"Content-Type", "application/json"}};

/// "OK", "Not Found"... for the statuses the tests use.
[[nodiscard]] std::string reason_of(unsigned status);
/// The status line and the header fields, ending with the empty line.
[[nodiscard]] std::string head(unsigned status, const header_list& headers, std::string_view version = "HTTP/1.1");
/// A whole answer framed by `Content-Length`.
[[nodiscard]] std::string with_length(unsigned status, std::string_view body, header_list headers = json_type);
/// A whole answer framed by chunked coding: chunks of `chunk_size` bytes, each with a chunk
/// extension (one quoted), then trailer fields after the last chunk.
[[nodiscard]] std::string chunked(unsigned status, std::string_view body, std::size_t chunk_size = 7,
                                  header_list headers = json_type);
/// A head without any length: the body ends when the connection closes (end with ending::close).
[[nodiscard]] std::string close_delimited(unsigned status, std::string_view body, header_list headers = json_type);
/// The gzip (RFC 1952) encoding of `data`.
[[nodiscard]] std::string gzip(std::string_view data);
/// `text` cut into pieces of `size` bytes.
[[nodiscard]] std::vector<std::string> split_every(std::string_view text, std::size_t size);

/// An answer of these bytes, then `then`.
[[nodiscard]] answer send(std::string bytes, ending then = ending::keep_open);
/// A script that answers every request the same way.
[[nodiscard]] script always(answer a);

// The Hub's JSON, as DRF renders it (compact, keys in the Hub's order).

/// A token as `read` and `list` give it: user 1, id "%08d" of `n`, created at a time derived from
/// `n` (so every item of a listing is distinct), expiry 7 days later.
[[nodiscard]] std::string token_json(std::int64_t n);
/// The id `token_json(n)` carries.
[[nodiscard]] std::string token_id(std::int64_t n);
/// A created token: `token_json(n)`'s fields plus the secret value and the user's names.
[[nodiscard]] std::string created_json(std::int64_t n, std::string_view token_value);
/// A page: `count`, `next`, `previous` and the items `first .. first + n - 1`.
[[nodiscard]] std::string page_json(std::int64_t count, const std::optional<std::string>& next, std::int64_t first,
                                    std::int64_t n);
/// An absolute link to the listing: "<origin>/api/tokens/?limit=L&offset=O" (DRF's order).
[[nodiscard]] std::string listing_link(std::string_view origin, std::int64_t limit, std::int64_t offset);

}  // namespace hostile
