// Paging walks against hostile listings, every way a user can walk: the library's `all()` and
// `pages()`, following `next` links (concurrency 1) or by offset (concurrency 4), and
// `hub-tokens list --all` as a table and as JSON. Each walk gets a fresh server, so a script
// that changes with the request count sees one walk only; the walks run at once.
#pragma once

#include "fixture.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hostile_test {

enum class walk_mode { all_following, all_concurrent, pages_following, pages_concurrent };

const char* name_of(walk_mode m);

/// A library walk: the ids yielded, in order, and how it ended.
struct walk_outcome {
    walk_mode mode{};
    std::vector<std::string> ids;
    outcome result;
    std::size_t requests = 0;   ///< requests the server read
};

/// A `hub-tokens list --all` run: the ids printed, in order, and the count it printed (--json).
struct listing_outcome {
    std::string form;           ///< "table" or "json"
    std::optional<test::child_result> run;  ///< nothing in builds without the tool
    std::vector<std::string> ids;
    std::optional<std::int64_t> count;
    bool unfinished_json = false;  ///< --json output that parses only once closed with `]}` (a failed walk)
    bool table_heading = false;    ///< the table's first line is its heading
};

struct every_walk {
    std::vector<walk_outcome> by_client;  ///< one per walk_mode
    std::vector<listing_outcome> cli;    ///< table, then json
};

/// Walks a fresh server running `s` every way at once. `p` gives page_size and offset (the mode
/// sets concurrency); hub-tokens gets them as --page-size and --offset.
every_walk walk_every_way(const hostile::script& s, hub::paging p, const secrets& keys, bool with_cli = true,
                          milliseconds guard = 20s);

/// `hub-tokens list --all [args] [--json]` against a fresh server running `s`.
listing_outcome list_all(const hostile::script& s, bool json, std::vector<std::string> args, const secrets& keys,
                         milliseconds guard = 20s);

/// Ids of items [first, end).
std::vector<std::string> ids_of(std::int64_t first, std::int64_t end);

/// The invariant: the walk yielded items [start, start + k) in order for some k, and either
/// k == end - start without an error, or it ended with an error.
void expect_no_loss_no_repeat(const walk_outcome& w, std::int64_t start, std::int64_t end);
/// The items yielded are [start, start + k) for some k: nothing out of order, repeated or unknown.
void expect_in_order(const walk_outcome& w, std::int64_t start);
/// All of [start, end), in order, no error.
void expect_complete(const walk_outcome& w, std::int64_t start, std::int64_t end);
/// Exactly [start, start + k), then error `e`.
void expect_error_after(const walk_outcome& w, std::int64_t start, std::int64_t k, error_code e);

/// hub-tokens: exit 0 with every row of [start, end) in order (and `count` == end for JSON), or
/// exit 5 with the rows of [start, start + k) printed before the failure (an unfinished JSON
/// object); never exit 0 with fewer rows than `count`.
void expect_cli_no_loss_no_repeat(const listing_outcome& l, std::int64_t start, std::int64_t end);
/// hub-tokens: exit 0 with every row of [start, end).
void expect_cli_complete(const listing_outcome& l, std::int64_t start, std::int64_t end);
/// hub-tokens: exit `status`, one line on stderr, and on stdout nothing or the rows of
/// [start, start + k) printed before the failure (an unfinished JSON object).
void expect_cli_failure(const listing_outcome& l, int status, std::int64_t start = 0);

/// No secret in any walk's outcome or hub-tokens output.
void expect_no_secret(const secrets& keys, const every_walk& w);

}  // namespace hostile_test
