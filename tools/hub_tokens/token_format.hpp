// How hub-tokens prints tokens: an aligned table, a details block, or JSON. Token values (the
// secrets) never pass through here; `token` holds only the public id.
#pragma once

#include <stencila/hub/models.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hub_tokens {

/// `2022-02-01T20:42:43Z`: UTC to the second, as a table wants it.
[[nodiscard]] std::string table_time(stencila::hub::timestamp t);

/// Columns ID, USER, CREATED, EXPIRY, left-aligned and padded to the widest cell, one token a line.
[[nodiscard]] std::string format_table(const std::vector<stencila::hub::token>& tokens);

/// `id`, `user`, `created` and `expiry`, one per line, for `read`.
[[nodiscard]] std::string format_details(const stencila::hub::token& t);

/// {"id","user","created","expiry"}, the date-times in the Hub's format, `expiry` null if none.
[[nodiscard]] boost::json::value to_json(const stencila::hub::token& t);

/// {"count","offset","results":[...]} for `list --json`.
[[nodiscard]] boost::json::value to_json(std::int64_t count, std::int64_t offset,
                                         const std::vector<stencila::hub::token>& tokens);

}  // namespace hub_tokens
