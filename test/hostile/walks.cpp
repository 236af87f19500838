#include "walks.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <future>
#include <sstream>

namespace hostile_test {

const char* name_of(walk_mode m) {
    switch (m) {
        case walk_mode::all_following: return "all() following next links";
        case walk_mode::all_concurrent: return "all() with concurrency 4";
        case walk_mode::pages_following: return "pages() following next links";
        case walk_mode::pages_concurrent: return "pages() with concurrency 4";
    }
    return "?";
}

namespace {

constexpr walk_mode modes[] = {walk_mode::all_following, walk_mode::all_concurrent, walk_mode::pages_following,
                               walk_mode::pages_concurrent};

walk_outcome walk_once(const hostile::script& s, walk_mode m, hub::paging p, const secrets& keys,
                       milliseconds guard) {
    hostile::server server(s);
    walk_outcome w;
    w.mode = m;
    p.concurrency = m == walk_mode::all_concurrent || m == walk_mode::pages_concurrent ? 4 : 1;
    hub::options o;
    o.base_url = server.base_url();
    o.api_key = keys.api_key;
    o.timeouts.request = 5s;
    auto* ids = &w.ids;
    call body = [m, p, ids](hub::client& c) -> asio::awaitable<void> {
        if (m == walk_mode::all_following || m == walk_mode::all_concurrent) {
            auto range = c.tokens().all(p);
            while (auto t = co_await range.next()) ids->push_back(t->id);
        } else {
            auto range = c.tokens().pages(p);
            while (auto page = co_await range.next())
                for (const auto& t : page->results) ids->push_back(t.id);
        }
    };
    w.result = run_library(o, body, guard);
    w.requests = server.request_count();
    return w;
}

}  // namespace

listing_outcome list_all(const hostile::script& s, bool json, std::vector<std::string> args, const secrets& keys,
                         milliseconds guard) {
    hostile::server server(s);
    listing_outcome l;
    l.form = json ? "json" : "table";
    args.insert(args.begin(), {"list", "--all"});
    if (json) args.push_back("--json");
    l.run = run_hub_tokens(server.base_url(), keys.api_key, args, {}, guard);
    // On failure hub-tokens has printed what came before it (it prints as it walks): read that too.
    if (!l.run || l.run->out.empty()) return l;
    if (json) {
        boost::system::error_code ec;
        auto v = boost::json::parse(l.run->out, ec);
        if (ec && l.run->exit_code != 0) {  // an unfinished object: whole once its array and object are closed
            v = boost::json::parse(l.run->out + "]}", ec);
            l.unfinished_json = !ec;
        }
        if (ec || !v.is_object()) return l;
        if (const auto* c = v.get_object().if_contains("count"); c && c->is_int64()) l.count = c->get_int64();
        if (const auto* r = v.get_object().if_contains("results"); r && r->is_array())
            for (const auto& item : r->get_array())
                if (const auto* id = item.is_object() ? item.get_object().if_contains("id") : nullptr; id && id->is_string())
                    l.ids.emplace_back(id->get_string());
    } else {
        auto lines = lines_of(l.run->out);
        l.table_heading = lines.front().starts_with("ID");
        for (std::size_t i = 1; i < lines.size(); ++i) {  // after the ID USER CREATED EXPIRY heading
            std::istringstream row(lines[i]);
            std::string id;
            row >> id;
            l.ids.push_back(id);
        }
    }
    return l;
}

namespace {

std::string show(const std::vector<std::string>& ids) {
    std::string s = std::to_string(ids.size()) + " items:";
    for (std::size_t i = 0; i < ids.size() && i < 60; ++i) s += " " + ids[i];
    return ids.size() > 60 ? s + " ..." : s;
}

// The length of the longest prefix of `ids` that equals [start, start + k).
std::size_t in_order_prefix(const std::vector<std::string>& ids, std::int64_t start) {
    std::size_t k = 0;
    while (k < ids.size() && ids[k] == hostile::token_id(start + static_cast<std::int64_t>(k))) ++k;
    return k;
}

}  // namespace

every_walk walk_every_way(const hostile::script& s, hub::paging p, const secrets& keys, bool with_cli,
                          milliseconds guard) {
    std::vector<std::future<walk_outcome>> walks;
    for (auto m : modes) walks.push_back(std::async(std::launch::async, [&, m] { return walk_once(s, m, p, keys, guard); }));
    std::vector<std::string> cli_args{"--page-size", std::to_string(p.page_size)};
    if (p.offset != 0) cli_args.insert(cli_args.end(), {"--offset", std::to_string(p.offset)});
    std::vector<std::future<listing_outcome>> lists;
    if (with_cli)
        for (bool json : {false, true})
        lists.push_back(std::async(std::launch::async, [&, json] { return list_all(s, json, cli_args, keys, guard); }));
    every_walk all;
    for (auto& w : walks) all.by_client.push_back(w.get());
    for (auto& l : lists) all.cli.push_back(l.get());
    return all;
}

std::vector<std::string> ids_of(std::int64_t first, std::int64_t end) {
    std::vector<std::string> ids;
    for (auto i = first; i < end; ++i) ids.push_back(hostile::token_id(i));
    return ids;
}

void expect_no_loss_no_repeat(const walk_outcome& w, std::int64_t start, std::int64_t end) {
    BOOST_TEST_CONTEXT(name_of(w.mode)) {
        BOOST_TEST(!w.result.hung, "the walk hangs after " << show(w.ids));
        auto k = in_order_prefix(w.ids, start);
        BOOST_TEST(k == w.ids.size(), "yielded out of order, repeated or unknown items: " << show(w.ids));
        bool complete = static_cast<std::int64_t>(w.ids.size()) == end - start && w.result.ok();
        BOOST_TEST((complete || !w.result.ok()),
                   "ended without an error after " << show(w.ids) << " of [" << start << ", " << end << ")");
    }
}

void expect_in_order(const walk_outcome& w, std::int64_t start) {
    BOOST_TEST_CONTEXT(name_of(w.mode)) {
        BOOST_TEST(!w.result.hung, "the walk hangs after " << show(w.ids));
        BOOST_TEST(in_order_prefix(w.ids, start) == w.ids.size(), "yielded out of order, repeated or unknown items: " << show(w.ids));
    }
}

void expect_complete(const walk_outcome& w, std::int64_t start, std::int64_t end) {
    BOOST_TEST_CONTEXT(name_of(w.mode)) {
        BOOST_TEST(w.result.ok(), describe(w.result) << " after " << show(w.ids));
        BOOST_TEST((w.ids == ids_of(start, end)), "expected [" << start << ", " << end << "), got " << show(w.ids));
    }
}

void expect_error_after(const walk_outcome& w, std::int64_t start, std::int64_t k, error_code e) {
    BOOST_TEST_CONTEXT(name_of(w.mode)) {
        BOOST_TEST((w.ids == ids_of(start, start + k)),
                   "expected [" << start << ", " << start + k << ") before the error, got " << show(w.ids));
        EXPECT_CODE(w.result, e);
    }
}

namespace {

// A failed hub-tokens list --all: nothing on stdout, or the rows of [start, start + k) in order
// as far as it got, under the table's heading or in a JSON object left unfinished (so that no
// parser takes it for a whole listing).
void expect_cli_cut_short(const listing_outcome& l, std::int64_t start) {
    if (l.run->out.empty()) return;
    BOOST_TEST(in_order_prefix(l.ids, start) == l.ids.size(), "printed out of order, repeated or unknown rows: " << show(l.ids));
    if (l.form == "json") BOOST_TEST(l.unfinished_json, "not an unfinished listing: " << describe(*l.run));
    else BOOST_TEST(l.table_heading, "no heading: " << describe(*l.run));
}

}  // namespace

void expect_cli_no_loss_no_repeat(const listing_outcome& l, std::int64_t start, std::int64_t end) {
    if (!l.run) return;
    BOOST_TEST_CONTEXT("hub-tokens list --all, " << l.form) {
        BOOST_TEST(!l.run->timed_out, "hub-tokens hangs");
        if (l.run->exit_code == 0) {
            BOOST_TEST((l.ids == ids_of(start, end)), "exit 0 with " << show(l.ids) << "; expected [" << start
                                                                     << ", " << end << ")");
            if (l.form == "json") BOOST_TEST((l.count && *l.count == end), "exit 0 with count " << l.count.value_or(-1));
        } else {
            BOOST_TEST(l.run->exit_code == 5, describe(*l.run));
            expect_cli_cut_short(l, start);
        }
    }
}

void expect_cli_complete(const listing_outcome& l, std::int64_t start, std::int64_t end) {
    if (!l.run) return;
    BOOST_TEST_CONTEXT("hub-tokens list --all, " << l.form) {
        BOOST_TEST(l.run->exit_code == 0, describe(*l.run));
        BOOST_TEST((l.ids == ids_of(start, end)), "expected [" << start << ", " << end << "), got " << show(l.ids));
        if (l.form == "json") BOOST_TEST((l.count && *l.count == end), "count " << l.count.value_or(-1));
    }
}

void expect_cli_failure(const listing_outcome& l, int status, std::int64_t start) {
    if (!l.run) return;
    BOOST_TEST_CONTEXT("hub-tokens list --all, " << l.form) {
        BOOST_TEST(l.run->exit_code == status, describe(*l.run));
        BOOST_TEST(lines_of(l.run->err).size() == 1u, describe(*l.run));
        expect_cli_cut_short(l, start);
    }
}

void expect_no_secret(const secrets& keys, const every_walk& w) {
    for (const auto& l : w.by_client) expect_no_secret(keys, l.result);
    for (const auto& c : w.cli)
        if (c.run) expect_no_secret(keys, *c.run);
}

}  // namespace hostile_test
