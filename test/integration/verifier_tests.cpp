// token_verifier against the in-process emulator, whose request counter is the oracle of how
// many Hub calls were made: coalescing, the caches, refresh after the TTL, errors, stale answers,
// cancellation, threads, the completion-token forms, invalidation and the log.
#include "fixture.hpp"
#include "verifier_fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <mutex>
#include <regex>
#include <thread>

using namespace test;
using namespace std::chrono_literals;

namespace {

struct verifier_fixture : hub_fixture {
    explicit verifier_fixture(emu::server_options so = {}) : hub_fixture(std::move(so)) {
        valid = server.seed_tokens(username, 100);
        bogus = bogus_tokens(100, 1);
        for (std::size_t i = 0; i < 10'000; ++i) mix.push_back(i % 2 ? bogus[(i / 2) % 100] : valid[(i / 2) % 100]);
    }

    [[nodiscard]] std::uint64_t hub_requests() const { return server.stats().requests; }

    // Every answer of `verify_all(mix)` is right: the valid tokens with their owner and id.
    void check(const answers& got, bool stale = false) const {
        BOOST_TEST_REQUIRE(got.size() == mix.size());
        for (std::size_t i = 0; i < mix.size(); ++i) {
            bool is_valid = i % 2 == 0;
            BOOST_TEST_REQUIRE(got[i].has_value() == is_valid, "answer " << i);
            if (!is_valid) continue;
            BOOST_TEST_REQUIRE(got[i]->user == user_id);
            BOOST_TEST_REQUIRE(got[i]->id == mix[i].substr(0, 8));
            BOOST_TEST_REQUIRE(got[i]->stale == stale);
        }
    }

    std::vector<std::string> valid, bogus, mix;
};

emu::server_options with_faults() {
    emu::server_options so;
    so.faults = true;
    return so;
}

hub::options without_retries(hub::options o) {
    o.retry.max_attempts = 1;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(verifier)

BOOST_AUTO_TEST_CASE(ten_thousand_concurrent_verifies_of_200_tokens_make_200_hub_reads_then_none) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c, {.ttl = 600s, .negative_ttl = 600s}};
    auto before = f.hub_requests();
    f.check(verify_all(f.io, v, f.mix));
    BOOST_TEST(f.hub_requests() - before == 200u);
    auto st = v.stats();
    BOOST_TEST(st.hub_calls == 200u);
    BOOST_TEST(st.misses == 10'000u);
    BOOST_TEST(st.coalesced == 9'800u);
    BOOST_TEST(st.entries == 200u);
    BOOST_TEST(st.waiting == 0u);
    BOOST_TEST(st.in_flight == 0u);

    f.check(verify_all(f.io, v, f.mix));  // within both TTLs
    BOOST_TEST(f.hub_requests() - before == 200u);
    BOOST_TEST(v.stats().hits == 5'000u);
    BOOST_TEST(v.stats().negative_hits == 5'000u);
}

BOOST_AUTO_TEST_CASE(answers_are_asked_for_again_after_their_ttl) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c, {.ttl = 200ms, .negative_ttl = 200ms}};
    auto before = f.hub_requests();
    f.check(verify_all(f.io, v, f.mix));
    BOOST_TEST(f.hub_requests() - before == 200u);
    std::this_thread::sleep_for(1s);  // well past both TTLs
    f.check(verify_all(f.io, v, f.mix));
    BOOST_TEST(f.hub_requests() - before == 400u);
}

BOOST_AUTO_TEST_CASE(an_empty_token_is_an_argument_error_before_any_io) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c};
    auto before = f.hub_requests();
    BOOST_TEST((code_of(f, v.verify("")) == hub::error::empty_token));
    BOOST_TEST(f.hub_requests() == before);
}

BOOST_AUTO_TEST_CASE(a_5xx_is_an_error_not_an_invalid_token_and_is_not_cached) {
    verifier_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    hub::token_verifier v{c};
    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .status = 503});
    try {
        f.run(v.verify(f.valid[0]));
        BOOST_FAIL("a 503 was taken for an answer");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 503u);
    }
    BOOST_TEST(v.stats().hub_errors == 1u);
    BOOST_TEST(v.stats().entries == 0u);
    auto before = f.hub_requests();
    BOOST_TEST(f.run(v.verify(f.valid[0])).has_value());
    BOOST_TEST(f.hub_requests() - before == 1u);
}

BOOST_AUTO_TEST_CASE(a_stalled_hub_is_a_timeout_error_not_an_invalid_token) {
    verifier_fixture f{with_faults()};
    auto opts = without_retries(f.options());
    opts.timeouts.request = 300ms;
    hub::client c{f.io.get_executor(), opts};
    hub::token_verifier v{c};
    f.server.inject({.what = emu::fault::kind::stall, .method = "GET"});
    BOOST_TEST((code_of(f, v.verify(f.bogus[0])) == hub::error::request_timeout));
    BOOST_TEST(v.stats().entries == 0u);
    BOOST_TEST(!f.run(v.verify(f.bogus[0])).has_value());  // then the Hub's real answer
}

BOOST_AUTO_TEST_CASE(stale_if_error_serves_the_last_valid_answer_flagged_stale_while_the_hub_fails) {
    verifier_fixture f{with_faults()};
    auto opts = without_retries(f.options());
    opts.timeouts.request = 300ms;
    hub::client c{f.io.get_executor(), opts};
    hub::token_verifier v{c, {.ttl = 100ms, .stale_if_error = 600s}};
    BOOST_TEST(!f.run(v.verify(f.valid[0]))->stale);
    std::this_thread::sleep_for(300ms);  // past the TTL

    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .status = 503});
    auto stale = f.run(v.verify(f.valid[0]));
    BOOST_TEST_REQUIRE(stale.has_value());
    BOOST_TEST(stale->stale);
    BOOST_TEST(stale->user == f.user_id);
    f.server.inject({.what = emu::fault::kind::stall, .method = "GET"});
    BOOST_TEST(f.run(v.verify(f.valid[0]))->stale);  // a timeout too
    BOOST_TEST(v.stats().stale_served == 2u);

    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .status = 503});
    BOOST_TEST((code_of(f, v.verify(f.valid[1])).value() == 503));  // nothing to stand in
    auto fresh = f.run(v.verify(f.valid[0]));
    BOOST_TEST(!fresh->stale);
    std::this_thread::sleep_for(300ms);  // past the TTL again

    // A 429 ("Expected available in 60 seconds."): the Hub will not answer this service, so the
    // last valid answer stands in too; and no Hub call starts for the stated 60 s.
    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .status = 429});
    BOOST_TEST(f.run(v.verify(f.valid[0]))->stale);
    auto calls = v.stats().hub_calls;
    BOOST_TEST((code_of(f, v.verify(f.valid[1])) == hub::error::hub_throttled));  // nothing to stand in
    BOOST_TEST(f.run(v.verify(f.valid[0]))->stale);
    BOOST_TEST(v.stats().hub_calls == calls);
    BOOST_TEST(v.stats().throttled == 2u);
}

BOOST_AUTO_TEST_CASE(after_a_429_misses_fail_at_once_with_hub_throttled_saying_until_when) {
    verifier_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    hub::token_verifier v{c, {}};
    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .status = 429, .retry_after = "120"});
    BOOST_TEST((code_of(f, v.verify(f.valid[0])).value() == 429));  // the 429 itself, to its callers
    try {
        f.run(v.verify(f.bogus[0]));
        BOOST_FAIL("a miss went through a shut gate");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::hub_throttled));
        const std::string what = e.what();
        BOOST_TEST_MESSAGE(what);
        // As README.md shows it.
        static const std::regex form{"verify: the Hub throttled this service \\(429\\): no Hub call until "
                                     "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, in 1(19|20) s: .*"};
        BOOST_TEST(std::regex_match(what, form), what);
        BOOST_TEST(what.find(f.bogus[0]) == std::string::npos);
    }
    auto st = v.stats();
    BOOST_TEST(st.hub_calls == 1u);
    BOOST_TEST(st.throttled == 1u);
    BOOST_TEST(st.waiting == 0u);
}

BOOST_AUTO_TEST_CASE(a_ceiling_per_minute_refuses_misses_beyond_it_and_never_hits) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c, {.max_hub_calls_per_minute = 2}};
    BOOST_TEST(f.run(v.verify(f.valid[0])).has_value());
    BOOST_TEST(!f.run(v.verify(f.bogus[0])).has_value());
    try {
        f.run(v.verify(f.valid[1]));
        BOOST_FAIL("a miss went over the ceiling");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::hub_throttled));
        static const std::regex form{"verify: verifier_options::max_hub_calls_per_minute \\(2\\) reached: no Hub call "
                                     "until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, in (59|60) s: .*"};
        BOOST_TEST(std::regex_match(std::string(e.what()), form), e.what());
    }
    BOOST_TEST(f.run(v.verify(f.valid[0])).has_value());  // a hit
    auto st = v.stats();
    BOOST_TEST(st.hub_calls == 2u);
    BOOST_TEST(st.over_ceiling == 1u);
    BOOST_TEST(st.hits == 1u);
}

BOOST_AUTO_TEST_CASE(a_value_not_shaped_like_a_hub_token_is_invalid_without_a_hub_call_or_an_entry) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c, {}};
    auto before = f.hub_requests();
    int handled = 0;
    for (const std::string bad : {"not-a-token", "3F0C9A1B4D5E6F708192A3B4C5D6E7F80123456789ABCDEF0123456789ABCDEF"}) {
        BOOST_TEST(!f.run(v.verify(bad)).has_value());
        v.verify(bad, [&](boost::system::error_code ec, std::optional<hub::verified_token> t) {
            BOOST_TEST(!ec);
            BOOST_TEST(!t.has_value());
            ++handled;
        });
    }
    f.io.restart();
    f.io.run();
    BOOST_TEST(handled == 2);
    auto st = v.stats();
    BOOST_TEST(st.malformed == 4u);
    BOOST_TEST(f.hub_requests() == before);
    BOOST_TEST(st.hub_calls == 0u);
    BOOST_TEST(st.entries == 0u);
    BOOST_TEST(st.misses == 0u);
}

BOOST_AUTO_TEST_CASE(cancelling_one_waiter_leaves_the_hub_call_to_the_others) {
    verifier_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c};
    f.server.inject({.what = emu::fault::kind::latency, .method = "GET", .delay = 1s});
    waiters w(f.io, v, f.valid[0], 3);
    // Seen on the io_context's only thread: no answer can land between the look and the cancel.
    when(f.io, [&] { return v.stats().waiting == 3; }, [&] { w.cancel(0); });
    f.io.restart();
    f.io.run();
    BOOST_TEST((w.code(0) == asio::error::operation_aborted));
    for (int i : {1, 2}) {
        BOOST_TEST_REQUIRE(w.answer(i).has_value());
        BOOST_TEST(w.answer(i)->user == f.user_id);
    }
    BOOST_TEST(v.stats().abandoned == 1u);
    BOOST_TEST(v.stats().cancelled_calls == 0u);
    BOOST_TEST(c.stats().discarded == 0u);
    BOOST_TEST(f.run(v.verify(f.valid[0])).has_value());  // and it was cached
    BOOST_TEST(v.stats().hub_calls == 1u);
}

BOOST_AUTO_TEST_CASE(cancelling_every_waiter_cancels_the_hub_call_and_closes_its_connection) {
    verifier_fixture f{with_faults()};
    auto opts = f.options();
    opts.timeouts.request = 600s;  // so that only the cancellation can end the stalled call
    hub::client c{f.io.get_executor(), opts};
    hub::token_verifier v{c};
    f.server.inject({.what = emu::fault::kind::stall, .method = "GET"});
    auto before = f.hub_requests();
    waiters w(f.io, v, f.valid[0], 3);
    when(f.io, [&] { return v.stats().waiting == 3 && f.hub_requests() == before + 1; }, [&] {
        for (int i = 0; i < 3; ++i) w.cancel(i);
        when(f.io, [&] { return c.stats().discarded == 1; }, [] {});
    });
    f.io.restart();
    f.io.run();
    for (int i = 0; i < 3; ++i) BOOST_TEST((w.code(i) == asio::error::operation_aborted));
    BOOST_TEST(v.stats().cancelled_calls == 1u);
    BOOST_TEST(v.stats().in_flight == 0u);
    BOOST_TEST(c.stats().discarded == 1u);
    until([&] { return f.server.stats().connections_open == 0; });  // the emulator saw it close
    BOOST_TEST(f.run(v.verify(f.valid[0])).has_value());             // a new caller, a new call
    BOOST_TEST(v.stats().hub_calls == 2u);
}

BOOST_AUTO_TEST_CASE(one_verifier_serves_many_threads) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c, {.ttl = 600s, .negative_ttl = 600s}};
    auto before = f.hub_requests();
    for (int round = 0; round < 2; ++round) f.check(verify_all(f.io, v, f.mix, 4));
    BOOST_TEST(f.hub_requests() - before == 200u);
    auto st = v.stats();
    BOOST_TEST(st.hits + st.negative_hits + st.misses == 20'000u);
    BOOST_TEST(st.hub_calls == 200u);
}

BOOST_AUTO_TEST_CASE(completion_tokens_give_a_404_as_no_error_and_failures_as_codes) {
    verifier_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    hub::token_verifier v{c};

    f.run(v.verify(f.valid[0]));  // cached now
    std::optional<hub::verified_token> by_callback;
    boost::system::error_code callback_ec = asio::error::would_block;
    v.verify(f.valid[0], [&](boost::system::error_code ec, std::optional<hub::verified_token> t) {
        callback_ec = ec;
        by_callback = std::move(t);
    });
    BOOST_TEST((callback_ec == asio::error::would_block));  // not inside the call, even from the cache
    f.io.restart();
    f.io.run();
    BOOST_TEST(!callback_ec);
    BOOST_TEST_REQUIRE(by_callback.has_value());
    BOOST_TEST(by_callback->user == f.user_id);

    auto future = v.verify(f.bogus[0], asio::use_future);
    f.io.restart();
    f.io.run();
    BOOST_TEST(!future.get().has_value());

    f.run([&]() -> asio::awaitable<void> {
        hub::diagnostics diag;
        auto [ec, t] = co_await v.verify(f.bogus[1], diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(!ec);
        BOOST_TEST(!t.has_value());
        f.server.inject({.what = emu::fault::kind::status, .method = "GET", .status = 503});
        auto [ec2, t2] = co_await v.verify(f.valid[1], diag, asio::as_tuple(asio::use_awaitable));
        BOOST_TEST((ec2.category() == hub::http_category()));
        BOOST_TEST(ec2.value() == 503);
        BOOST_TEST_REQUIRE(diag.http_error.has_value());
        BOOST_TEST(diag.http_error->status() == 503u);
        auto [ec3] = co_await v.remove(f.valid[2], asio::as_tuple(asio::use_awaitable));
        BOOST_TEST(!ec3);
    }());
}

BOOST_AUTO_TEST_CASE(an_answer_from_the_cache_is_awaited_without_suspending) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c};
    bool other_ran = false;  // posted first: it would run before a verify that suspended
    f.run([&]() -> asio::awaitable<void> {
        BOOST_TEST((co_await v.verify(f.valid[0])).has_value());  // cached now
        BOOST_TEST(!(co_await v.verify(f.bogus[0])).has_value());
        asio::post(co_await asio::this_coro::executor, [&] { other_ran = true; });
        BOOST_TEST((co_await v.verify(f.valid[0])).has_value());
        BOOST_TEST(!(co_await v.verify(f.bogus[0])).has_value());
        BOOST_TEST(!other_ran);
        BOOST_TEST(v.stats().hits == 1u);
        BOOST_TEST(v.stats().negative_hits == 1u);
    }());
    BOOST_TEST(other_ran);  // it ran once the coroutine was done
}

BOOST_AUTO_TEST_CASE(use_awaitable_alone_is_the_default_form_throwing_api_error_with_the_hubs_status) {
    verifier_fixture f{with_faults()};
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    hub::token_verifier v{c};
    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .status = 503});
    f.run([&]() -> asio::awaitable<void> {
        try {
            co_await v.verify(f.valid[0], asio::use_awaitable);
            BOOST_FAIL("a 503 must be thrown");
        } catch (const hub::api_error& e) {
            BOOST_TEST(e.status() == 503u);
            BOOST_TEST((e.code().category() == hub::http_category()));  // a system_error like any other
        }
        auto t = co_await v.verify(f.valid[0], asio::use_awaitable);  // the 503 was not cached
        BOOST_TEST(t.has_value());
    }());
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_token_at_the_hub_and_forgets_it) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c};
    BOOST_TEST(f.run(v.verify(f.valid[0])).has_value());
    f.run(v.remove(f.valid[0]));
    BOOST_TEST(!f.run(v.verify(f.valid[0])).has_value());
    BOOST_TEST(v.stats().forgotten == 1u);
    BOOST_TEST(v.stats().hub_calls == 2u);
    BOOST_TEST(f.server.token_count() == 99u);
    BOOST_TEST((code_of(f, v.remove(f.valid[0])).value() == 404));  // gone already: as tokens_api says
    BOOST_TEST(v.stats().entries == 0u);                             // and forgotten all the same
}

BOOST_AUTO_TEST_CASE(forget_makes_the_next_verify_ask_the_hub) {
    verifier_fixture f;
    hub::client c{f.io.get_executor(), f.options()};
    hub::token_verifier v{c};
    f.run(v.verify(f.valid[0]));
    f.run(v.verify(f.valid[0]));
    auto before = f.hub_requests();
    v.forget(f.valid[0]);
    BOOST_TEST(f.run(v.verify(f.valid[0])).has_value());
    BOOST_TEST(f.hub_requests() - before == 1u);
}

BOOST_AUTO_TEST_CASE(log_lines_name_tokens_by_id_and_never_hold_a_token_value) {
    verifier_fixture f{with_faults()};
    std::mutex m;
    std::vector<std::string> lines;
    auto opts = without_retries(f.options());
    opts.min_log_level = hub::log_level::debug;
    opts.logger = [&](hub::log_level, std::string_view line) {
        std::lock_guard lock(m);
        lines.emplace_back(line);
    };
    hub::client c{f.io.get_executor(), opts};
    hub::token_verifier v{c, {.ttl = 100ms, .stale_if_error = 600s}};
    f.run(v.verify(f.valid[0]));
    f.run(v.verify(f.bogus[0]));
    std::this_thread::sleep_for(300ms);
    f.server.inject({.what = emu::fault::kind::status, .method = "GET", .times = 2, .status = 503});
    f.run(v.verify(f.valid[0]));  // stale
    code_of(f, v.verify(f.valid[1]));
    f.run(v.remove(f.valid[2]));

    auto has = [&](const std::string& text) {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l == text; });
    };
    auto id = [](const std::string& t) { return t.substr(0, 8); };
    BOOST_TEST(has("verifier: asking the Hub about token " + id(f.valid[0])));
    BOOST_TEST(has("verifier: token " + id(f.valid[0]) + " is valid (user " + std::to_string(f.user_id) + ")"));
    BOOST_TEST(has("verifier: token " + id(f.bogus[0]) + " is unknown or expired (404)"));
    BOOST_TEST(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
        return l.starts_with("verifier: token " + id(f.valid[0]) + " served stale: ");
    }));
    BOOST_TEST(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
        return l.starts_with("verifier: checking token " + id(f.valid[1]) + " failed: ");
    }));
    for (const auto& l : lines)
        for (const auto& t : {f.valid[0], f.valid[1], f.valid[2], f.bogus[0]})
            BOOST_TEST(l.find(t.substr(8)) == std::string::npos, "a token's secret part in: " << l);
}

BOOST_AUTO_TEST_SUITE_END()

// A service key: the verifier's reads send `Authorization: Token <key>`, so the Hub counts them
// against the key's user (here 100/hour) and not anonymously against this address (here 2/hour);
// without one they send none. The key appears in no log line and no message.
BOOST_AUTO_TEST_SUITE(verifier_service_key)

BOOST_AUTO_TEST_CASE(reads_send_the_service_key_only_when_given_and_it_is_never_logged) {
    emu::server_options so;
    so.throttle.anon = {2, std::chrono::seconds(3600)};
    so.throttle.user = {100, std::chrono::seconds(3600)};
    verifier_fixture f{so};
    const std::string key = f.valid[99];  // the user's own API token, as a service account's
    std::mutex m;
    std::string logged;
    auto opts = without_retries(f.options());
    opts.min_log_level = hub::log_level::debug;
    opts.logger = [&](hub::log_level, std::string_view line) {
        std::lock_guard lock(m);
        logged.append(line).append("\n");
    };
    opts.api_key = hub::secret{key};  // the client's key: read still sends none by default
    hub::client c{f.io.get_executor(), opts};

    hub::token_verifier anonymous{c, {}};
    BOOST_TEST(f.run(anonymous.verify(f.valid[0])).has_value());
    BOOST_TEST(!f.run(anonymous.verify(f.bogus[0])).has_value());
    BOOST_TEST((code_of(f, anonymous.verify(f.valid[1])).value() == 429));  // the address's budget is spent

    hub::token_verifier keyed{c, {}, hub::secret{key}};
    for (std::size_t i = 1; i <= 5; ++i) {
        BOOST_TEST(f.run(keyed.verify(f.valid[i])).has_value());
        BOOST_TEST(!f.run(keyed.verify(f.bogus[i])).has_value());
    }
    BOOST_TEST(keyed.stats().hub_errors == 0u);
    BOOST_TEST(keyed.stats().hub_calls == 10u);
    std::lock_guard lock(m);
    BOOST_TEST(logged.find("verifier: asking the Hub") != std::string::npos);  // the log was on
    BOOST_TEST(logged.find(key) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_wrong_service_key_is_an_error_not_invalid_and_its_message_holds_no_key) {
    verifier_fixture f;
    const std::string wrong(64, 'e');
    hub::client c{f.io.get_executor(), without_retries(f.options())};
    hub::token_verifier keyed{c, {}, hub::secret{wrong}};
    try {
        f.run(keyed.verify(f.valid[0]));
        BOOST_FAIL("a read with a wrong key was answered");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 403u);  // "Invalid token.": so the header was sent
        BOOST_TEST(std::string(e.what()).find(wrong) == std::string::npos);
    }
    hub::token_verifier anonymous{c, {}};
    BOOST_TEST(f.run(anonymous.verify(f.valid[0])).has_value());  // no key sent: answered
    try {
        hub::token_verifier empty{c, {}, hub::secret{}};
        BOOST_FAIL("an empty service key was taken");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::invalid_argument));
    }
}

BOOST_AUTO_TEST_SUITE_END()
