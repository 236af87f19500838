#include "listing.hpp"

#include "responses.hpp"

#include <algorithm>
#include <charconv>

namespace hostile {

namespace {

std::optional<std::int64_t> integer(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
    return v;
}

}  // namespace

script listing(page_planner plan, bool tls) {
    return [plan = std::move(plan), tls](const request& r) {
        if (r.method != "GET" || !(r.target.starts_with("/api/tokens/?") || r.target == "/api/tokens/"))
            return send(with_length(404, R"({"message":"Not found."})"));
        page_request p;
        auto limit = integer(r.query("limit"));
        auto offset = integer(r.query("offset"));
        p.limit = limit && *limit > 0 ? *limit : 50;
        p.offset = offset && *offset > 0 ? *offset : 0;
        p.origin = std::string(tls ? "https://" : "http://") + r.header("Host").value_or("");
        p.raw = &r;
        auto page = plan(p);
        return send(with_length(200, page_json(page.count, page.next, page.first, page.n)));
    };
}

page_plan drf_page(const page_request& r, std::int64_t count, std::int64_t held, std::int64_t max_limit) {
    std::int64_t limit = max_limit > 0 ? std::min(r.limit, max_limit) : r.limit;
    page_plan p;
    p.count = count;
    p.first = r.offset;
    p.n = std::max<std::int64_t>(0, std::min(r.offset + limit, held) - r.offset);
    if (r.offset + limit < count) p.next = listing_link(r.origin, limit, r.offset + limit);
    return p;
}

}  // namespace hostile
