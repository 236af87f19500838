// The paging walk (src/paging.cpp) and remove_many over a fake Hub transport: no sockets. The
// fake answers list requests from a vector of tokens as the Hub does (count/next/previous/
// results, `next` an absolute URL on the client's own origin), answers out of order, and can be
// told to fail a page, change its count, or point `next` elsewhere.
#include "detail/client_state.hpp"
#include "detail/transport.hpp"
#include "detail/url.hpp"
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

const std::string origin = "https://hub.example.org";
const std::string list_path = "/api/tokens/";

std::string id_of(std::int64_t i) {
    std::string s = std::to_string(i);
    return "t" + std::string(7 - std::min<std::size_t>(7, s.size()), '0') + s;
}

std::optional<std::int64_t> query_param(std::string_view query, std::string_view name) {
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

    asio::awaitable<detail::http_response> exchange(detail::http_request request) override {
        requests.push_back(request);
        std::size_t nth = requests.size();
        auto ex = co_await asio::this_coro::executor;
        // Suspend at least once, as a real transport does, and a varying number of times, so later
        // requests may overtake earlier ones. `answer_inline` answers without suspending at all.
        if (!answer_inline && !inline_answers.count(nth))
            for (std::size_t i = 0; i < 1 + (7 - nth % 7) % 4; ++i) co_await asio::post(ex, asio::use_awaitable);
        if (request.method == detail::http_method::delete_) co_return remove(request);
        co_return list(request, nth);
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

hub::options test_options() {
    hub::options o;
    o.base_url = origin + "/api";
    o.api_key = "api-key-value-0123456789";
    return o;
}

std::vector<std::string> ids_from(std::int64_t first, std::int64_t end) {
    std::vector<std::string> out;
    for (std::int64_t i = first; i < end; ++i) out.push_back(id_of(i));
    return out;
}

std::string target(std::int64_t limit, std::int64_t offset) {
    return list_path + "?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
}

// What a walk gave before it ended, and how it ended.
struct walk_result {
    std::vector<std::string> ids;
    std::exception_ptr error;
    std::int64_t offset = 0;
    bool changed = false;
};

asio::awaitable<walk_result> drain(hub::token_range range) {
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

asio::awaitable<std::vector<std::size_t>> page_sizes(hub::page_range range) {
    std::vector<std::size_t> sizes;
    while (auto p = co_await range.next()) sizes.push_back(p->results.size());
    co_return sizes;
}

asio::awaitable<std::vector<hub::remove_result>> remove_all(hub::tokens_api api, std::vector<hub::secret> tokens,
                                                            std::size_t concurrency) {
    co_return co_await api.remove_many(std::move(tokens), concurrency);
}

system_error error_of(std::exception_ptr e) {
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
        auto base = detail::parse_base_url(o.base_url);
        auto state = std::make_shared<detail::client_state>(io.get_executor(), std::move(o), std::move(base), std::move(h));
        return detail::access::tokens(std::move(state));
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

hub::paging follow(std::int64_t page_size) {
    hub::paging p;
    p.page_size = page_size;
    p.concurrency = 1;
    return p;
}

hub::paging concurrent(std::int64_t page_size, std::size_t concurrency = 4) {
    hub::paging p;
    p.page_size = page_size;
    p.concurrency = concurrency;
    p.prefetch = 2;
    return p;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(paging, paging_fixture)

BOOST_AUTO_TEST_CASE(follow_walk_yields_every_id_in_order) {
    for (std::int64_t total : {0, 1, 49, 50, 51, 1000}) {
        for (std::int64_t size : {1, 7, 50}) {
            if (total == 1000 && size == 1) continue;  // 1000 round trips add nothing over 51
            BOOST_TEST_CONTEXT("total " << total << ", page size " << size) {
                http = std::make_shared<fake_hub>(total);
                auto r = walk(total, follow(size));
                if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
                BOOST_TEST(r.ids == ids_from(0, total), boost::test_tools::per_element());
                BOOST_TEST(r.offset == total);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(concurrent_walk_yields_every_id_in_order) {
    for (std::int64_t total : {0, 1, 49, 50, 51, 1000}) {
        for (std::int64_t size : {1, 7, 50}) {
            for (std::size_t c : {2u, 4u}) {
                BOOST_TEST_CONTEXT("total " << total << ", page size " << size << ", concurrency " << c) {
                    http = std::make_shared<fake_hub>(total);
                    auto r = walk(total, concurrent(size, c));
                    if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
                    BOOST_TEST(r.ids == ids_from(0, total), boost::test_tools::per_element());
                    BOOST_TEST(r.offset == total);
                }
            }
        }
    }
}

// The transport interface does not promise to suspend: a scripted fake, a cache or an answer at
// hand may complete `exchange` at once, so the fetch lands while the walk is still scheduling it.

// Here the third page (fetched ahead, while the consumer works on the second) lands at once.
BOOST_AUTO_TEST_CASE(follow_walk_goes_on_when_a_prefetched_page_lands_without_suspending) {
    http = std::make_shared<fake_hub>(51);
    http->inline_answers = {3};
    auto r = walk(51, follow(7));
    if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
    BOOST_TEST(r.ids == ids_from(0, 51), boost::test_tools::per_element());
    BOOST_TEST(http->requests.size() == 8u);
}

// Here the first page lands at once, while the consumer is in next() waiting for it. The walk's
// deadline only bounds the test when the walk would otherwise wait for ever.
BOOST_AUTO_TEST_CASE(walk_yields_a_page_that_landed_without_suspending_while_next_waited) {
    for (auto p : {follow(7), concurrent(7, 3)}) {
        BOOST_TEST_CONTEXT("concurrency " << p.concurrency) {
            http = std::make_shared<fake_hub>(51);
            http->answer_inline = true;
            p.deadline = std::chrono::seconds(2);
            auto r = walk(51, p);
            if (r.error) BOOST_TEST(false, "walk failed: " << error_of(r.error).what());
            BOOST_TEST(r.ids == ids_from(0, 51), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(follow_walk_sends_authorized_gets_for_each_page_once) {
    http = std::make_shared<fake_hub>(51);
    auto r = walk(51, follow(7));
    BOOST_REQUIRE(!r.error);
    std::vector<std::string> expected;
    for (std::int64_t o = 0; o < 51; o += 7) expected.push_back(target(7, o));
    BOOST_TEST(http->list_targets() == expected, boost::test_tools::per_element());
    for (const auto& req : http->requests) {
        BOOST_TEST((req.method == detail::http_method::get));
        BOOST_TEST(req.authorize);
        BOOST_TEST(req.body.empty());
    }
}

BOOST_AUTO_TEST_CASE(concurrent_walk_sends_authorized_gets_for_each_offset_once) {
    http = std::make_shared<fake_hub>(100);
    auto r = walk(100, concurrent(7, 4));
    BOOST_REQUIRE(!r.error);
    auto targets = http->list_targets();
    BOOST_REQUIRE(!targets.empty());
    BOOST_TEST(targets.front() == target(7, 0));  // the first page comes alone: it tells `count`
    std::sort(targets.begin(), targets.end());
    std::vector<std::string> expected;
    for (std::int64_t o = 0; o < 100; o += 7) expected.push_back(target(7, o));
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(targets == expected, boost::test_tools::per_element());
    for (const auto& req : http->requests) {
        BOOST_TEST((req.method == detail::http_method::get));
        BOOST_TEST(req.authorize);
    }
}

BOOST_AUTO_TEST_CASE(nothing_is_sent_before_the_first_next) {
    http = std::make_shared<fake_hub>(10);
    auto range = api().all(follow(5));
    io.restart();
    io.run();
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(walk_starts_at_the_offset_and_stops_at_max_items) {
    for (auto p : {follow(7), concurrent(7, 3)}) {
        BOOST_TEST_CONTEXT("concurrency " << p.concurrency) {
            http = std::make_shared<fake_hub>(100);
            p.offset = 10;
            p.max_items = 25;
            auto r = walk(100, p);
            BOOST_REQUIRE(!r.error);
            BOOST_TEST(r.ids == ids_from(10, 35), boost::test_tools::per_element());
            BOOST_TEST(r.offset == 35);
            auto targets = http->list_targets();
            BOOST_REQUIRE(!targets.empty());
            BOOST_TEST(targets.front() == target(7, 10));
            std::sort(targets.begin(), targets.end());
            std::vector<std::string> expected{target(7, 10), target(7, 17), target(7, 24), target(7, 31)};
            std::sort(expected.begin(), expected.end());
            BOOST_TEST(targets == expected, boost::test_tools::per_element());  // no page past max_items
        }
    }
}

BOOST_AUTO_TEST_CASE(walk_with_max_items_past_the_total_yields_the_rest) {
    for (auto p : {follow(50), concurrent(50)}) {
        http = std::make_shared<fake_hub>(60);
        p.offset = 45;
        p.max_items = 1000;
        auto r = walk(60, p);
        BOOST_REQUIRE(!r.error);
        BOOST_TEST(r.ids == ids_from(45, 60), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(walk_with_max_items_zero_yields_nothing) {
    for (auto p : {follow(10), concurrent(10)}) {
        http = std::make_shared<fake_hub>(30);
        p.max_items = 0;
        auto r = walk(30, p);
        BOOST_REQUIRE(!r.error);
        BOOST_TEST(r.ids.empty());
    }
}

BOOST_AUTO_TEST_CASE(walk_from_an_offset_at_or_past_the_end_yields_nothing) {
    for (std::int64_t offset : {20, 25}) {
        for (auto p : {follow(10), concurrent(10)}) {
            BOOST_TEST_CONTEXT("offset " << offset << ", concurrency " << p.concurrency) {
                http = std::make_shared<fake_hub>(20);
                p.offset = offset;
                auto r = walk(20, p);
                BOOST_REQUIRE(!r.error);
                BOOST_TEST(r.ids.empty());
                BOOST_TEST(http->requests.size() == 1u);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(page_range_yields_pages_of_the_page_size_and_a_short_last_one) {
    for (auto p : {follow(7), concurrent(7)}) {
        http = std::make_shared<fake_hub>(30);
        auto sizes = run(page_sizes(api().pages(p)));
        BOOST_TEST(sizes == (std::vector<std::size_t>{7, 7, 7, 7, 2}), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(next_link_to_another_origin_is_not_followed_and_fails_the_walk_after_the_first_page) {
    http = std::make_shared<fake_hub>(30);
    http->next_origin = "https://evil.example";
    auto r = walk(30, follow(10));
    BOOST_TEST(r.ids == ids_from(0, 10), boost::test_tools::per_element());
    BOOST_REQUIRE(r.error);
    BOOST_TEST((error_of(r.error).code() == make_error_code(hub::error::cross_origin_link)));
    // Only the first page was asked for: nothing went to the link's target.
    BOOST_TEST(http->list_targets() == (std::vector<std::string>{target(10, 0)}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(next_link_to_the_same_host_on_another_scheme_or_port_is_not_followed) {
    for (std::string other : {"http://hub.example.org", "https://hub.example.org:8443", "https://hub.example.org.evil.example"}) {
        BOOST_TEST_CONTEXT("next at " << other) {
            http = std::make_shared<fake_hub>(30);
            http->next_origin = other;
            auto r = walk(30, follow(10));
            BOOST_TEST(r.ids == ids_from(0, 10), boost::test_tools::per_element());
            BOOST_REQUIRE(r.error);
            BOOST_TEST((error_of(r.error).code() == make_error_code(hub::error::cross_origin_link)));
            BOOST_TEST(http->requests.size() == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(transport_error_for_a_page_arrives_after_the_items_of_the_pages_before) {
    for (auto p : {follow(10), concurrent(10, 4)}) {
        for (std::int64_t k : {0, 1, 3}) {
            BOOST_TEST_CONTEXT("failing page " << k << ", concurrency " << p.concurrency) {
                http = std::make_shared<fake_hub>(95);
                http->fail_at_offset.emplace(k * 10, system_error(make_error_code(asio::error::connection_reset)));
                auto r = walk(95, p);
                BOOST_TEST(r.ids == ids_from(0, k * 10), boost::test_tools::per_element());
                BOOST_REQUIRE(r.error);
                BOOST_TEST((error_of(r.error).code() == make_error_code(asio::error::connection_reset)));
                BOOST_TEST(r.offset == k * 10);  // a new walk would resume at the failed page
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(api_error_for_a_page_arrives_after_the_items_of_the_pages_before) {
    // The fake answers 400 to a target it does not know; a `next` link with another path gets it.
    http = std::make_shared<fake_hub>(30);
    http->next_origin = origin + "/elsewhere";
    hub::paging p = follow(10);
    http->total = 30;
    auto run_it = [&]() -> asio::awaitable<std::pair<std::vector<std::string>, std::optional<unsigned>>> {
        auto range = api().all(p);
        std::vector<std::string> ids;
        std::optional<unsigned> status;
        try {
            while (auto t = co_await range.next()) ids.push_back(t->id);
        } catch (const hub::api_error& e) {
            status = e.status();
        }
        co_return std::make_pair(ids, status);
    };
    auto [ids, status] = run(run_it());
    BOOST_TEST(ids == ids_from(0, 10), boost::test_tools::per_element());
    BOOST_TEST((status == std::optional<unsigned>(400)));
}

BOOST_AUTO_TEST_CASE(listing_change_is_reported_and_the_walk_goes_on) {
    for (auto p : {follow(10), concurrent(10)}) {
        http = std::make_shared<fake_hub>(30);
        http->count_shift_after_first = 1;
        p.listing_changed = hub::paging::on_change::report;
        auto r = walk(30, p);
        BOOST_TEST(!r.error);
        BOOST_TEST(r.ids == ids_from(0, 30), boost::test_tools::per_element());
        BOOST_TEST(r.changed);
    }
}

BOOST_AUTO_TEST_CASE(listing_change_fails_the_walk_at_the_changed_page) {
    for (auto p : {follow(10), concurrent(10)}) {
        http = std::make_shared<fake_hub>(30);
        http->count_shift_after_first = -1;
        p.listing_changed = hub::paging::on_change::fail;
        auto r = walk(30, p);
        BOOST_TEST(r.ids == ids_from(0, 10), boost::test_tools::per_element());
        BOOST_REQUIRE(r.error);
        BOOST_TEST((error_of(r.error).code() == make_error_code(hub::error::listing_changed)));
        BOOST_TEST(r.changed);
    }
}

BOOST_AUTO_TEST_CASE(listing_change_is_ignored_by_default) {
    http = std::make_shared<fake_hub>(30);
    http->count_shift_after_first = 5;
    auto r = walk(30, follow(10));
    BOOST_TEST(!r.error);
    BOOST_TEST(r.ids == ids_from(0, 30), boost::test_tools::per_element());
    BOOST_TEST(!r.changed);
}

BOOST_AUTO_TEST_CASE(unchanged_listing_is_not_reported) {
    http = std::make_shared<fake_hub>(30);
    auto p = follow(10);
    p.listing_changed = hub::paging::on_change::report;
    auto r = walk(30, p);
    BOOST_TEST(!r.error);
    BOOST_TEST(!r.changed);
}

BOOST_AUTO_TEST_CASE(pages_with_bad_arguments_throw_invalid_argument_at_once) {
    auto a = api();
    hub::paging zero_size;
    zero_size.page_size = 0;
    BOOST_CHECK_EXCEPTION((void)a.pages(zero_size), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_CHECK_EXCEPTION((void)a.all(zero_size), system_error, unit::has_code(hub::error::invalid_argument));
    hub::paging negative_size;
    negative_size.page_size = -5;
    BOOST_CHECK_EXCEPTION((void)a.pages(negative_size), system_error, unit::has_code(hub::error::invalid_argument));
    hub::paging negative_offset;
    negative_offset.offset = -1;
    BOOST_CHECK_EXCEPTION((void)a.pages(negative_offset), system_error, unit::has_code(hub::error::invalid_argument));
    hub::paging no_concurrency;
    no_concurrency.concurrency = 0;
    BOOST_CHECK_EXCEPTION((void)a.pages(no_concurrency), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(pages_without_api_key_throw_invalid_argument_at_once) {
    auto o = test_options();
    o.api_key = hub::secret{};
    auto a = api_over(http, o);
    BOOST_CHECK_EXCEPTION((void)a.pages({}), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_CHECK_EXCEPTION((void)a.all({}), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_TEST(http->requests.empty());
}

// remove_many

BOOST_AUTO_TEST_CASE(remove_many_gives_one_result_per_token_in_input_order) {
    for (std::size_t concurrency : {1u, 3u, 8u}) {
        BOOST_TEST_CONTEXT("concurrency " << concurrency) {
            http = std::make_shared<fake_hub>(0);
            http->delete_status = {{"gone", 404}, {"broken", 500}, {"also-gone", 404}};
            std::vector<hub::secret> tokens{"a", "gone", "broken", "b", "also-gone", "c"};
            auto results = run(remove_all(api(), tokens, concurrency));
            using o = hub::remove_result::outcome;
            BOOST_REQUIRE_EQUAL(results.size(), tokens.size());
            const o expected[] = {o::removed, o::not_found, o::failed, o::removed, o::not_found, o::removed};
            for (std::size_t i = 0; i < results.size(); ++i) {
                BOOST_TEST_CONTEXT("token " << i) {
                    BOOST_TEST((results[i].what == expected[i]));
                    BOOST_TEST(static_cast<bool>(results[i].error) == (expected[i] == o::failed));
                }
            }
            // the failure's error is the Hub's answer
            try {
                std::rethrow_exception(results[2].error);
            } catch (const hub::api_error& e) {
                BOOST_TEST(e.status() == 500u);
            } catch (...) {
                BOOST_TEST(false, "not an api_error");
            }
            // every token was tried, once, with a DELETE to its own path and no Authorization
            BOOST_TEST(http->requests.size() == tokens.size());
            std::multiset<std::string> targets;
            for (const auto& r : http->requests) {
                BOOST_TEST((r.method == detail::http_method::delete_));
                BOOST_TEST(!r.authorize);
                targets.insert(r.target);
            }
            std::multiset<std::string> expected_targets;
            for (const auto& t : tokens) expected_targets.insert(list_path + t.reveal() + "/");
            BOOST_TEST((targets == expected_targets));
        }
    }
}

BOOST_AUTO_TEST_CASE(remove_many_transport_failure_of_one_token_does_not_stop_the_others) {
    http->delete_throws = {"first"};
    std::vector<hub::secret> tokens{"first", "second", "third"};
    auto results = run(remove_all(api(), tokens, 1));
    using o = hub::remove_result::outcome;
    BOOST_REQUIRE_EQUAL(results.size(), 3u);
    BOOST_TEST((results[0].what == o::failed));
    BOOST_REQUIRE(results[0].error);
    BOOST_TEST((error_of(results[0].error).code() == make_error_code(asio::error::connection_reset)));
    BOOST_TEST((results[1].what == o::removed));
    BOOST_TEST((results[2].what == o::removed));
    BOOST_TEST(http->requests.size() == 3u);
}

BOOST_AUTO_TEST_CASE(remove_many_empty_token_fails_alone_without_a_request) {
    std::vector<hub::secret> tokens{"a", "", "b"};
    auto results = run(remove_all(api(), tokens, 2));
    using o = hub::remove_result::outcome;
    BOOST_REQUIRE_EQUAL(results.size(), 3u);
    BOOST_TEST((results[0].what == o::removed));
    BOOST_TEST((results[1].what == o::failed));
    BOOST_REQUIRE(results[1].error);
    BOOST_TEST((error_of(results[1].error).code() == make_error_code(hub::error::empty_token)));
    BOOST_TEST((results[2].what == o::removed));
    BOOST_TEST(http->requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(remove_many_of_nothing_gives_nothing) {
    auto results = run(remove_all(api(), {}, 4));
    BOOST_TEST(results.empty());
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(remove_many_with_zero_concurrency_is_invalid_argument) {
    auto a = api();
    BOOST_CHECK_EXCEPTION(run(remove_all(a, {"a"}, 0)), system_error, unit::has_code(hub::error::invalid_argument));
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_SUITE_END()
