// DRF 3.12.4 LimitOffsetPagination as the Hub configures it (PAGE_SIZE 50, no max_limit),
// including how `next` / `previous` links are rebuilt. Pure string arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stencila::hub::emulator::detail {

inline constexpr std::uint64_t default_page_size = 50;

/// Python `int(value)` for a query value: surrounding whitespace, a sign, digits and single
/// underscores between digits. Saturates at 10^18.
std::optional<std::int64_t> python_int(std::string_view s);

/// `urllib.parse.parse_qsl(query, keep_blank_values=True)`: `&`-separated, `+` is a space.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

/// `urllib.parse.quote_plus`.
void append_quote_plus(std::string& out, std::string_view s);

/// Percent-decoding (not `+`); malformed escapes are kept as they are.
void percent_decode(std::string_view in, std::string& out);

struct page_request {
    std::uint64_t limit = default_page_size;
    std::uint64_t offset = 0;
};

/// The effective limit and offset: the last value of each parameter wins; invalid or
/// non-positive limits become 50; invalid or negative offsets become 0.
page_request parse_page_request(const std::vector<std::pair<std::string, std::string>>& query);

/// Writes the JSON value of `next` (a quoted URL or `null`). `base` is `scheme://host/path`.
void append_next_link(std::string& out, std::string_view base,
                      const std::vector<std::pair<std::string, std::string>>& query,
                      const page_request& page, std::uint64_t count);
/// Writes the JSON value of `previous`.
void append_previous_link(std::string& out, std::string_view base,
                          const std::vector<std::pair<std::string, std::string>>& query,
                          const page_request& page);

}  // namespace stencila::hub::emulator::detail
