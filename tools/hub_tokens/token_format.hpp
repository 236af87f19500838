// How hub-tokens prints tokens: an aligned table, a details block, or JSON. Token values (the
// secrets) never pass through here; `token` holds only the public id.
#pragma once

#include <stencila/hub/models.hpp>

#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace hub_tokens {

/// `2022-02-01T20:42:43Z`: UTC to the second, as a table wants it.
[[nodiscard]] std::string table_time(stencila::hub::timestamp t);

/// Columns ID, USER, CREATED, EXPIRY, left-aligned and padded to the widest cell, one token a line.
[[nodiscard]] std::string format_table(const std::vector<stencila::hub::token>& tokens);

/// The table's columns, fixed once, so rows can be printed as they come (`list --all`): each column
/// is as wide as its header and the widest cell of the tokens it was made from (the first page).
/// A later cell wider than that (a longer id or user number) pushes the rest of its own row right.
class table_layout {
public:
    explicit table_layout(const std::vector<stencila::hub::token>& sample);
    [[nodiscard]] std::string header() const;
    [[nodiscard]] std::string row(const stencila::hub::token& t) const;

private:
    using cells = std::array<std::string, 4>;
    [[nodiscard]] static cells cells_of(const stencila::hub::token& t);
    [[nodiscard]] std::string line(const cells& c) const;
    std::array<std::size_t, 4> width_{};
};

/// `id`, `user`, `created` and `expiry`, one per line, for `read`.
[[nodiscard]] std::string format_details(const stencila::hub::token& t);

/// {"id","user","created","expiry"}, the date-times in the Hub's format, `expiry` null if none.
[[nodiscard]] boost::json::value to_json(const stencila::hub::token& t);

/// `v` as one line of JSON that a terminal shows as it is: Boost.JSON escapes the C0 controls
/// (ESC, line breaks...) already; DEL and the C1 controls (U+0080-U+009F, which some terminals
/// act on) are escaped here too, as `\u007f`, `\u0085`... The same JSON value either way.
[[nodiscard]] std::string json_text(const boost::json::value& v);

/// {"count","offset","results":[...]} for `list --json`.
[[nodiscard]] boost::json::value to_json(std::int64_t count, std::int64_t offset,
                                         const std::vector<stencila::hub::token>& tokens);

/// `list --all --json`, written as the walk goes, in memory that does not grow with the listing:
/// `{"offset":N,"results":[` at the first token (or at the end), each token, then
/// `],"count":N}`. `count` comes last because it is the walk's final total, known only then.
/// An object left unfinished (the walk failed) is not valid JSON, so a parser cannot take it for
/// a whole listing.
class json_listing_writer {
public:
    json_listing_writer(std::ostream& out, std::int64_t offset) : out_(out), offset_(offset) {}
    void add(const stencila::hub::token& t);
    void finish(std::int64_t count);

private:
    void open();
    std::ostream& out_;
    std::int64_t offset_;
    bool opened_ = false;
    bool first_ = true;
};

}  // namespace hub_tokens
