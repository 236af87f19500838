// A hostile listing: a script that answers `GET /api/tokens/?limit=&offset=` with pages a test
// plans, so a server can cap pages, serve short ones, lie in `count`, or give `next` links that
// do not follow on, the way real (or broken) DRF deployments do.
#pragma once

#include "hostile_server.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace hostile {

/// One page as the server decides to serve it: items `first .. first + n - 1` of `token_json`.
struct page_plan {
    std::int64_t count = 0;
    std::int64_t first = 0;
    std::int64_t n = 0;
    std::optional<std::string> next{};  ///< an absolute link, or null
};

/// What a list request asked for, as DRF reads it (a missing or invalid limit is 50, offset 0).
struct page_request {
    std::int64_t limit = 50;
    std::int64_t offset = 0;
    std::string origin;          ///< "http://" + the request's Host, as DRF builds its links
    const request* raw = nullptr;
};

using page_planner = std::function<page_plan(const page_request&)>;

/// Answers list requests as `plan` says (keep-alive, Content-Length); anything else gets a 404.
script listing(page_planner plan, bool tls = false);

/// DRF's LimitOffsetPagination over `held` items that says `count` items exist: the items
/// `[offset, offset + limit)` that are held, `next` when `offset + limit < count`. `max_limit`
/// caps the limit, and the `next` link then carries the capped limit, as DRF's `max_limit` does
/// (0 = no cap).
page_plan drf_page(const page_request& r, std::int64_t count, std::int64_t held, std::int64_t max_limit = 0);

}  // namespace hostile
