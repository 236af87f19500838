// token_verifier's shell over a fake source of answers, for what the emulator cannot show: a
// token whose `expiry` comes before the TTL (every read on the Hub pushes it 7 days ahead), and
// a Hub call that sees its cancellation.
#include "api/injection.hpp"
#include "api/verifier_shell.hpp"
#include "verifier_fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <deque>
#include <map>

using namespace test;
using namespace std::chrono_literals;
namespace detail = stencila::hub::detail;

namespace {

// Answers like the Hub, from a table: each token's details with an expiry `lifetime` from the
// moment of the read; counts the reads of each token. A token named "gate..." is never
// answered: its read waits until it is cancelled, and notes that it was. One named "slow..."
// (tokens are `shaped` from these names: the names' hex starts them)
// is valid, answered after 1 to 4 ms.
struct fake_hub : std::enable_shared_from_this<fake_hub> {
    std::mutex m;
    std::map<std::string, std::chrono::milliseconds> lifetime;
    std::map<std::string, int> reads;
    bool gate_cancelled = false;
    std::atomic<unsigned> slow_reads{0};

    detail::token_source source() {
        return {[self = shared_from_this()](hub::secret t) { return read(self, std::move(t)); },
                [](hub::secret) -> asio::awaitable<void> { co_return; }};
    }

    static asio::awaitable<std::optional<hub::token>> read(std::shared_ptr<fake_hub> self, hub::secret t) {
        const auto& value = t.reveal();
        std::optional<std::chrono::milliseconds> life;
        {
            std::lock_guard lock(self->m);
            ++self->reads[value];
            if (auto it = self->lifetime.find(value); it != self->lifetime.end()) life = it->second;
        }
        if (value.starts_with(hex_of("gate"))) {
            asio::steady_timer never(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
            auto [ec] = co_await never.async_wait(asio::as_tuple(asio::use_awaitable));
            std::lock_guard lock(self->m);
            self->gate_cancelled = ec == asio::error::operation_aborted;
            throw boost::system::system_error(ec);
        }
        if (value.starts_with(hex_of("slow"))) {
            asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(1 + self->slow_reads++ % 4));
            auto [ec] = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec) throw boost::system::system_error(ec);
            life = 1h;
        }
        if (!life) co_return std::nullopt;
        auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
        hub::token details;
        details.user = 1;
        details.id = value.substr(0, 8);
        details.created = now;
        details.expiry = now + *life;
        co_return details;
    }

    bool saw_cancellation() {
        std::lock_guard lock(m);
        return gate_cancelled;
    }
    int reads_of(const std::string& t) {
        std::lock_guard lock(m);
        return reads[t];
    }
};

// A verifier over the fake: its client is never called (nothing listens at its address).
hub::token_verifier make_verifier(asio::io_context& io, const std::shared_ptr<fake_hub>& h, hub::verifier_options o) {
    hub::options opts;
    opts.base_url = "http://127.0.0.1:9/api";
    return detail::injection::verifier_over(hub::client{io.get_executor(), opts}, o, h->source());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(verifier_over_a_fake_source)

BOOST_AUTO_TEST_CASE(a_token_expiring_before_the_ttl_is_asked_for_again_at_its_expiry) {
    asio::io_context io;
    auto h = std::make_shared<fake_hub>();
    const std::string soon = shaped("soon"), later = shaped("later");
    h->lifetime[soon] = 500ms;
    h->lifetime[later] = 7 * 24h;
    auto v = make_verifier(io, h, {.ttl = 600s});
    auto first = verify_all(io, v, {soon, later});
    BOOST_TEST(first[0].has_value());
    BOOST_TEST(first[1].has_value());
    std::this_thread::sleep_for(1200ms);  // past `soon`'s expiry, far within the TTL
    verify_all(io, v, {soon, later});
    BOOST_TEST(h->reads_of(soon) == 2);
    BOOST_TEST(h->reads_of(later) == 1);
}

// Waiters that leave with each kind of per-operation cancellation (callbacks: no coroutine
// filters the kinds out), the call cancelled when the last one has gone.
BOOST_AUTO_TEST_CASE(the_hub_call_sees_its_cancellation_when_every_waiter_has_gone) {
    asio::io_context io;
    auto h = std::make_shared<fake_hub>();
    auto v = make_verifier(io, h, {});
    const std::string gate = shaped("gate");
    std::vector<asio::cancellation_signal> signals(3);
    std::vector<boost::system::error_code> codes(3);
    for (std::size_t i = 0; i < 3; ++i)
        v.verify(gate, asio::bind_cancellation_slot(signals[i].slot(), [&codes, i](boost::system::error_code ec,
                                                                                  std::optional<hub::verified_token>) {
            codes[i] = ec;
        }));
    when(io, [&] { return v.stats().waiting == 3; }, [&] {
        signals[1].emit(asio::cancellation_type::partial);
        signals[0].emit(asio::cancellation_type::total);
        BOOST_TEST(v.stats().in_flight == 1u);  // one waiter left: the call goes on
        signals[2].emit(asio::cancellation_type::terminal);
        when(io, [&] { return h->saw_cancellation(); }, [] {});
    });
    io.run();
    for (auto& ec : codes) BOOST_TEST((ec == asio::error::operation_aborted));
    BOOST_TEST(h->saw_cancellation());
    BOOST_TEST(h->reads_of(gate) == 1);
    BOOST_TEST(v.stats().cancelled_calls == 1u);
    BOOST_TEST(v.stats().abandoned == 3u);
    BOOST_TEST(v.stats().hub_errors == 0u);  // a cancelled call is no Hub error
}

// Callers on strands of their own, on four threads, half of them cancelled at moments spread
// over the calls' lifetimes, and every caller of 4 of the 40 tokens at once (so that their calls
// are abandoned and cancelled): each completes exactly once, answered or aborted, and the
// counters agree. (Run under ThreadSanitizer too.)
BOOST_AUTO_TEST_CASE(callers_cancelled_while_answers_land_on_many_threads_each_complete_once) {
    asio::io_context io;
    auto h = std::make_shared<fake_hub>();
    auto v = make_verifier(io, h, {.max_entries = 0});  // nothing cached: every wave meets calls in flight
    struct caller {
        explicit caller(asio::io_context& io) : strand(asio::make_strand(io)), timer(strand) {}
        asio::strand<asio::io_context::executor_type> strand;
        asio::steady_timer timer;
        asio::cancellation_signal signal;
        int completions = 0;
        bool answered = false, aborted = false;
    };
    constexpr int n = 4000;
    std::deque<caller> callers;
    for (int i = 0; i < n; ++i) {
        auto& c = callers.emplace_back(io);
        auto token = shaped("slow-" + std::to_string(i % 40));
        asio::post(c.strand, [&c, &v, token, i] {
            v.verify(token, asio::bind_cancellation_slot(
                                c.signal.slot(), asio::bind_executor(c.strand, [&c](boost::system::error_code ec,
                                                                                    std::optional<hub::verified_token> t) {
                                    ++c.completions;
                                    c.answered = !ec && t.has_value();
                                    c.aborted = ec == asio::error::operation_aborted;
                                })));
            if (i % 40 < 4) return c.signal.emit(asio::cancellation_type::terminal);  // at once: its call is abandoned
            if (i % 2 == 0) return;
            c.timer.expires_after(std::chrono::microseconds(i % 3000));
            c.timer.async_wait([&c](boost::system::error_code) { c.signal.emit(asio::cancellation_type::terminal); });
        });
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) threads.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : threads) t.join();

    std::uint64_t answered = 0, aborted = 0;
    for (const auto& c : callers) {
        BOOST_TEST_REQUIRE(c.completions == 1);
        BOOST_TEST_REQUIRE((c.answered || c.aborted));
        answered += c.answered;
        aborted += c.aborted;
    }
    BOOST_TEST_MESSAGE(answered << " answered, " << aborted << " cancelled");
    auto st = v.stats();
    BOOST_TEST(st.abandoned == aborted);
    BOOST_TEST(st.misses == static_cast<std::uint64_t>(n));
    BOOST_TEST(st.waiting == 0u);
    BOOST_TEST(st.in_flight == 0u);
    BOOST_TEST(st.hub_errors == 0u);
    BOOST_TEST(st.cancelled_calls > 0u);
}

BOOST_AUTO_TEST_CASE(negative_durations_are_refused) {
    asio::io_context io;
    auto h = std::make_shared<fake_hub>();
    try {
        make_verifier(io, h, {.ttl = -1ms});
        BOOST_FAIL("a negative ttl was accepted");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == hub::error::invalid_argument));
    }
}

BOOST_AUTO_TEST_SUITE_END()
