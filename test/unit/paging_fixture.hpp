// A fake Hub transport for the paging walk and remove_many tests: it answers list requests
// from a vector of tokens as the Hub does (count/next/previous/results, `next` an absolute URL
// on the client's own origin), answers out of order, and can be told to fail a page, change its
// count, or point `next` elsewhere. No sockets.
#pragma once

#include "samples.hpp"
#include "api/injection.hpp"
#include "io/transport.hpp"
#include "sansio/url.hpp"
#include "error_matchers.hpp"

#include <stencila/hub/client.hpp>
#include <stencila/hub/error.hpp>
#include <stencila/hub/paging.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <chrono>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>


namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using boost::system::system_error;

namespace {

using samples::origin;
const std::string list_path = "/api/tokens/";

[[maybe_unused]] std::string id_of(std::int64_t i) {
    std::string s = std::to_string(i);
    return "t" + std::string(7 - std::min<std::size_t>(7, s.size()), '0') + s;
}

[[maybe_unused]] std::optional<std::int64_t> query_param(std::string_view query, std::string_view name) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto end = query.find('&', pos);
        if (end == std::string_view::npos) end = query.size();
        auto pair = query.substr(pos, end - pos);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
            std::int64_t v = 0;
            auto digits = pair.substr(name.size() + 1);
            auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
            return v;
        }
        pos = end + 1;
    }
    return std::nullopt;
}

// A Hub holding `total` tokens of one user, ids t0000000, t0000001, ...
class fake_hub final : public detail::transport {
public:
    explicit fake_hub(std::int64_t total) : total(total) {}

    std::int64_t total;
    std::string next_origin = origin;                    ///< where `next` links point
    std::map<std::int64_t, system_error> fail_at_offset;  ///< list pages answered with a failure
    std::int64_t count_shift_after_first = 0;            ///< `count` differs from the second page on
    std::map<std::string, unsigned> delete_status;       ///< token -> status of its DELETE (default 204)
    std::set<std::string> delete_throws;                 ///< tokens whose DELETE fails in transport
    bool answer_inline = false;                          ///< complete every `exchange` without suspending
    std::set<std::size_t> inline_answers;                ///< the n-th requests (from 1) answered so
    std::vector<detail::http_request> requests;

    asio::awaitable<void> exchange(const detail::http_request& request, detail::http_response& out) override {
        requests.push_back(request);
        std::size_t nth = requests.size();
        auto ex = co_await asio::this_coro::executor;
        // Suspend at least once, as a real transport does, and a varying number of times, so later
        // requests may overtake earlier ones. `answer_inline` answers without suspending at all.
        if (!answer_inline && !inline_answers.count(nth))
            for (std::size_t i = 0; i < 1 + (7 - nth % 7) % 4; ++i) co_await asio::post(ex, asio::use_awaitable);
        if (request.method == detail::http_method::delete_) out = remove(request);
        else out = list(request, nth);
    }

    [[nodiscard]] hub::pool_stats stats() const override { return {}; }

    std::vector<std::string> list_targets() const {
        std::vector<std::string> out;
        for (const auto& r : requests) out.push_back(r.target);
        return out;
    }

private:
    static detail::http_response answer(unsigned status, std::string body) {
        detail::http_response r;
        r.status = status;
        r.reason = status == 200 ? "OK" : status == 204 ? "No Content" : status == 404 ? "Not Found" : "Error";
        if (!body.empty()) {
            r.content_type = "application/json";
            r.body = std::move(body);
        }
        if (status >= 300) r.headers.emplace_back("Content-Type", "application/json");
        return r;
    }

    detail::http_response list(const detail::http_request& request, std::size_t nth) {
        std::string_view target = request.target;
        auto q = target.find('?');
        if (request.method != detail::http_method::get || target.substr(0, q) != list_path)
            return answer(400, R"({"message":"unexpected request"})");
        std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        std::int64_t limit = query_param(query, "limit").value_or(50);
        std::int64_t offset = query_param(query, "offset").value_or(0);
        if (limit <= 0) limit = 50;
        if (offset < 0) offset = 0;
        if (auto f = fail_at_offset.find(offset); f != fail_at_offset.end()) throw f->second;

        std::int64_t count = total + (nth > 1 ? count_shift_after_first : 0);
        std::string body = R"({"count":)" + std::to_string(count) + R"(,"next":)";
        if (offset + limit < count)
            body += '"' + next_origin + list_path + "?limit=" + std::to_string(limit) +
                    "&offset=" + std::to_string(offset + limit) + '"';
        else
            body += "null";
        body += R"(,"previous":)";
        if (offset > 0) {
            body += '"' + origin + list_path + "?limit=" + std::to_string(limit);
            if (offset - limit > 0) body += "&offset=" + std::to_string(offset - limit);
            body += '"';
        } else {
            body += "null";
        }
        body += R"(,"results":[)";
        for (std::int64_t i = offset; i < std::min(offset + limit, total); ++i) {
            if (i > offset) body += ',';
            body += R"({"user":7,"id":")" + id_of(i) +
                    R"(","created":"2026-11-27T22:03:37.713379Z","expiry":"2026-12-04T22:03:37.717850Z"})";
        }
        body += "]}";
        return answer(200, std::move(body));
    }

    detail::http_response remove(const detail::http_request& request) {
        std::string token = request.target.substr(list_path.size());
        if (!token.empty() && token.back() == '/') token.pop_back();
        if (delete_throws.count(token))
            throw system_error(make_error_code(asio::error::connection_reset), "fake: reset");
        auto it = delete_status.find(token);
        unsigned status = it == delete_status.end() ? 204 : it->second;
        if (status == 204) return answer(204, "");
        if (status == 404) return answer(404, R"({"message":"Not found."})");
        return answer(status, R"({"message":"Server Error"})");
    }
};

[[maybe_unused]] hub::options test_options() {
    hub::options o;
    o.base_url = origin + "/api";
    o.api_key = "api-key-value-0123456789";
    return o;
}

[[maybe_unused]] std::vector<std::string> ids_from(std::int64_t first, std::int64_t end) {
    std::vector<std::string> out;
    for (std::int64_t i = first; i < end; ++i) out.push_back(id_of(i));
    return out;
}

[[maybe_unused]] std::string target(std::int64_t limit, std::int64_t offset) {
    return list_path + "?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
}

// What a walk gave before it ended, and how it ended.
struct walk_result {
    std::vector<std::string> ids;
    std::exception_ptr error;
    std::int64_t offset = 0;
    bool changed = false;
};

[[maybe_unused]] asio::awaitable<walk_result> drain(hub::token_range range) {
    walk_result out;
    try {
        while (auto t = co_await range.next()) out.ids.push_back(t->id);
    } catch (...) {
        out.error = std::current_exception();
    }
    out.offset = range.offset();
    out.changed = range.listing_changed();
    co_return out;
}

[[maybe_unused]] asio::awaitable<std::vector<std::size_t>> page_sizes(hub::page_range range) {
    std::vector<std::size_t> sizes;
    while (auto p = co_await range.next()) sizes.push_back(p->results.size());
    co_return sizes;
}

[[maybe_unused]] asio::awaitable<std::vector<hub::remove_result>> remove_all(hub::tokens_api api, std::vector<hub::secret> tokens,
                                                            std::size_t concurrency) {
    co_return co_await api.remove_many(std::move(tokens), concurrency);
}

[[maybe_unused]] system_error error_of(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const system_error& x) {
        return x;
    } catch (const std::exception& x) {
        BOOST_FAIL("not a system_error: " << x.what());
    }
    throw std::logic_error("unreachable");
}

struct paging_fixture {
    asio::io_context io;
    std::shared_ptr<fake_hub> http = std::make_shared<fake_hub>(0);
    hub::options opts = test_options();

    hub::tokens_api api_over(std::shared_ptr<fake_hub> h, hub::options o) {
        return detail::injection::client_over(io.get_executor(), std::move(o), h).tokens();
    }

    hub::tokens_api api() { return api_over(http, opts); }

    template <class T>
    T run(asio::awaitable<T> op) {
        auto f = asio::co_spawn(io, std::move(op), asio::use_future);
        io.restart();
        io.run_for(std::chrono::seconds(60));  // a guard: a walk that never ends fails, not hangs
        BOOST_REQUIRE_MESSAGE(f.wait_for(std::chrono::seconds(0)) == std::future_status::ready,
                              "the operation did not finish");
        return f.get();
    }

    walk_result walk(std::int64_t total, hub::paging p) {
        http->total = total;
        auto range = api().all(p);
        return run(drain(std::move(range)));
    }
};

[[maybe_unused]] hub::paging follow(std::int64_t page_size) {
    hub::paging p;
    p.page_size = page_size;
    p.concurrency = 1;
    return p;
}

[[maybe_unused]] hub::paging concurrent(std::int64_t page_size, std::size_t concurrency = 4) {
    hub::paging p;
    p.page_size = page_size;
    p.concurrency = concurrency;
    p.prefetch = 2;
    return p;
}

}  // namespace
