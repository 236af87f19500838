// What the verifier's memory costs, measured: bytes per cached entry and per waiting caller
// (every operator new of this process is counted), and a peak RSS that stays flat however many
// distinct tokens pass through a bounded verifier (each such test resets the peak when it
// starts). A program of its own: it replaces operator new. A million Hub calls would take far
// too long against the emulator: these run over a fake source, or over the verifier's cache
// itself (each test says which).
#define BOOST_TEST_MODULE verifier_memory_tests
#include "../sanitized.hpp"
#include "sansio/verifier_fsm.hpp"
#include "api/injection.hpp"
#include "api/verifier_shell.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;
using namespace std::chrono_literals;

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer holds freed memory in a quarantine (256 MB) to catch uses after free: the
// peak RSS would grow with it, whatever the verifier does. A small one keeps the check honest.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=4"; }
#endif

namespace {
std::atomic<std::int64_t> live_bytes{0};
}  // namespace

// Every allocation through operator new, counted by the size the allocator really gave.
void* operator new(std::size_t n) {
    void* p = std::malloc(n ? n : 1);
    if (!p) throw std::bad_alloc();
    live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
    return p;
}
void operator delete(void* p) noexcept {
    if (!p) return;
    live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
// The other forms too: under AddressSanitizer, those not defined here would be its own, and
// memory from one freed by another is a mismatch. (The aligned forms stay the library's.)
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    void* p = std::malloc(n ? n : 1);
    if (p) live_bytes.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
    return p;
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { operator delete(p); }

namespace {

// A line of /proc/self/status, in kB ("VmHWM", "VmRSS").
long status_kb(const std::string& key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    BOOST_FAIL("no " << key << " in /proc/self/status");
    return 0;
}

// Lowers the peak (VmHWM) to the RSS of now, so that what an earlier test held does not hide
// what this one does (Linux: "5" to /proc/self/clear_refs).
void reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.close();
    BOOST_TEST_REQUIRE(!out.fail(), "cannot reset the peak RSS through /proc/self/clear_refs");
    BOOST_TEST_REQUIRE(status_kb("VmHWM") <= status_kb("VmRSS") + 2048);  // RSS moves a little meanwhile
}

std::string bogus(std::size_t i) {
    char t[72];  // shaped like a Hub token, or the verifier would not ask
    std::snprintf(t, sizeof t, "b0%062zx", i);
    return t;
}

asio::awaitable<std::optional<hub::token>> answer_404(hub::secret) { co_return std::nullopt; }

// Never answers: waits until cancelled.
asio::awaitable<std::optional<hub::token>> never_answer(hub::secret) {
    asio::steady_timer never(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    co_await never.async_wait(asio::use_awaitable);
    co_return std::nullopt;
}

// Verifies tokens `from` to `to` through `v`, `batch` at a time, with plain callbacks.
void verify_range(asio::io_context& io, const hub::token_verifier& v, std::size_t from, std::size_t to,
                  std::size_t batch = 1000) {
    std::size_t wrong = 0;
    for (std::size_t start = from; start < to; start += batch) {
        for (std::size_t i = start; i < std::min(to, start + batch); ++i)
            v.verify(bogus(i), [&](boost::system::error_code ec, std::optional<hub::verified_token> t) {
                if (ec || t) ++wrong;
            });
        io.restart();
        io.run();
    }
    BOOST_TEST_REQUIRE(wrong == 0u);
}

// A verifier over `source`: its client is never called (nothing listens at its address).
hub::token_verifier over(asio::io_context& io, const detail::token_source& source, hub::verifier_options o) {
    hub::options opts;
    opts.base_url = "http://127.0.0.1:9/api";
    return detail::injection::verifier_over(hub::client{io.get_executor(), opts}, o, source);
}

}  // namespace

// As a process sees it: the peak RSS it gains while 100,000 entries are filled in (the peak is
// reset first), and the heap bytes the entries hold.
BOOST_AUTO_TEST_CASE(a_cached_entry_takes_about_140_bytes_of_heap_and_160_of_peak_rss_with_its_share_of_the_index) {
    constexpr std::size_t n = 100'000;
    auto before = live_bytes.load();
    malloc_trim(0);
    reset_peak_rss();
    auto rss_before = status_kb("VmHWM");
    {
        detail::verifier_fsm cache({.max_entries = n}, 1);
        auto now = detail::verifier_fsm::time_point{} + 1h;
        auto wall = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
        for (std::size_t i = 0; i < n; ++i) {
            auto d = detail::digest_of(bogus(i));
            auto a = cache.arrive(d, now, i);
            hub::token t{.user = 1, .id = bogus(i).substr(6, 8), .created = wall, .expiry = wall + 24h};
            cache.settle(d, a.flight, detail::hub_answer::valid(t), now, wall);
        }
        BOOST_TEST_REQUIRE(cache.stats().entries == n);
        auto per_entry = static_cast<double>(live_bytes.load() - before) / n;
        auto peak_per_entry = static_cast<double>(status_kb("VmHWM") - rss_before) * 1024 / n;
        BOOST_TEST_MESSAGE("bytes per cached entry, measured: " << per_entry << " on the heap, " << peak_per_entry
                                                                << " of peak RSS (the cache's own count: "
                                                                << static_cast<double>(cache.memory_bytes()) / n << ")");
        // As documented in verifier.hpp, verifier_fsm.hpp and README.md: about 140 bytes held
        // (measured 138.6), and a peak RSS about 160 bytes an entry higher (measured 161: 100,000
        // entries in 16.1 MB; the allocator's share is the difference), with a margin.
        BOOST_TEST(per_entry >= 130.0);
        BOOST_TEST(per_entry <= 150.0);
#if STENCILA_HUB_TEST_SANITIZED
        // The sanitizer's shadow memory and redzones (286 bytes an entry measured under ASan)
        // are not the verifier's: the heap bytes above are checked, the RSS in the plain builds.
#else
        BOOST_TEST(peak_per_entry <= 175.0);
#endif
    }
    BOOST_TEST(live_bytes.load() - before < 4096);  // all given back
}

// A million Hub answers through the shell take minutes under AddressSanitizer, so the million
// distinct bogus tokens go through the cache the verifier decides with (digest, arrival, a 404,
// eviction: all that is kept per token), and the shell gets a test of its own below.
BOOST_AUTO_TEST_CASE(a_million_distinct_bogus_tokens_keep_a_bounded_cache_and_the_peak_rss_flat) {
    detail::verifier_fsm cache({.max_entries = 10'000}, 1);
    auto now = detail::verifier_fsm::time_point{} + 1h;
    auto wall = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    auto pass = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            auto d = detail::digest_of(bogus(i));
            auto a = cache.arrive(d, now, i);
            BOOST_TEST_REQUIRE((a.what == detail::verifier_fsm::arrival::kind::call));
            cache.settle(d, a.flight, detail::hub_answer::not_found(), now, wall);
        }
    };
    reset_peak_rss();
    pass(0, 100'000);
    auto peak_100k = status_kb("VmHWM");
    auto heap_100k = live_bytes.load();
    auto held_100k = cache.memory_bytes();
    pass(100'000, 1'000'000);
    auto peak_1m = status_kb("VmHWM");
    BOOST_TEST_MESSAGE("peak RSS after 100,000 tokens: " << peak_100k << " kB, after 1,000,000: " << peak_1m << " kB");
    BOOST_TEST(peak_1m <= peak_100k * 11 / 10);
    BOOST_TEST(live_bytes.load() == heap_100k);
    BOOST_TEST(cache.memory_bytes() == held_100k);
    BOOST_TEST(cache.stats().entries == 10'000u);
    BOOST_TEST(cache.stats().evictions == 990'000u);
}

// The whole verifier (waiters, single flight, a strand and a coroutine per Hub call, the
// completions) over a fake source that answers 404 at once: what each call allocates is given
// back, so the memory stays flat too.
BOOST_AUTO_TEST_CASE(a_bounded_verifier_keeps_its_memory_flat_through_its_shell) {
    asio::io_context io;
    detail::token_source fake{[](hub::secret t) { return answer_404(std::move(t)); },
                              [](hub::secret) -> asio::awaitable<void> { co_return; }};
    auto v = over(io, fake, {.max_entries = 1'000});

    reset_peak_rss();
    verify_range(io, v, 0, 10'000);
    auto peak_10k = status_kb("VmHWM");
    auto heap_10k = live_bytes.load();
    verify_range(io, v, 10'000, 100'000);
    auto peak_100k = status_kb("VmHWM");
    BOOST_TEST_MESSAGE("peak RSS after 10,000 tokens: " << peak_10k << " kB, after 100,000: " << peak_100k << " kB");
    BOOST_TEST(peak_100k <= peak_10k * 11 / 10);
    BOOST_TEST(live_bytes.load() <= heap_10k + 16 * 1024);

    auto st = v.stats();
    BOOST_TEST(st.hub_calls == 100'000u);
    BOOST_TEST(st.entries == 1'000u);
    BOOST_TEST(st.evictions == 99'000u);
    BOOST_TEST(st.waiting == 0u);
}

// The budget issue's case, through the whole verifier with its default size (100,000 entries):
// 20 callers verified, then a flood of 200,000 distinct bogus tokens shaped like the Hub's (each
// reaches the Hub: 404), then the 20 again within their ttl. They are answered from the cache, no
// Hub call (it was 20 calls: CLOCK took live entries while expired 404s stayed), and the flood's
// peak RSS stays within the documented figure for a full cache. The ttls are set so that the
// case does not depend on the machine's speed: the callers' answers outlive any flood (1 h; with
// the default 30 s a flood slower than that on a loaded machine expired them, and the test
// failed), and every 404 has expired by the time the next bogus token comes (1 ms), which is
// the state the fix is about.
BOOST_AUTO_TEST_CASE(a_flood_of_200000_bogus_tokens_costs_the_live_callers_no_hub_call_within_the_documented_memory) {
    asio::io_context io;
    std::vector<std::string> callers;
    for (std::size_t i = 0; i < 20; ++i) {
        char t[72];
        std::snprintf(t, sizeof t, "ca%062zx", i);
        callers.emplace_back(t);
    }
    std::size_t caller_calls = 0, calls = 0;
    auto wall = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    detail::token_source fake{
        [&](hub::secret t) -> asio::awaitable<std::optional<hub::token>> {
            ++calls;
            if (t.reveal().starts_with("ca")) {
                ++caller_calls;
                co_return hub::token{.user = 7, .id = t.reveal().substr(0, 8), .created = wall, .expiry = wall + 24h};
            }
            co_return std::nullopt;
        },
        [](hub::secret) -> asio::awaitable<void> { co_return; }};
    auto v = over(io, fake, {.ttl = 1h, .negative_ttl = 1ms});
    auto verify_all = [&](const std::vector<std::string>& tokens, bool valid) {
        std::size_t wrong = 0;
        for (const auto& t : tokens)
            v.verify(t, [&, valid](boost::system::error_code ec, std::optional<hub::verified_token> got) {
                if (ec || got.has_value() != valid) ++wrong;
            });
        io.restart();
        io.run();
        BOOST_TEST_REQUIRE(wrong == 0u);
    };
    verify_all(callers, true);
    BOOST_TEST_REQUIRE(caller_calls == 20u);

    malloc_trim(0);
    reset_peak_rss();
    auto rss_before = status_kb("VmHWM");
    for (std::size_t start = 0; start < 200'000; start += 1'000) {
        std::vector<std::string> flood;
        for (std::size_t i = start; i < start + 1'000; ++i) flood.push_back(bogus(i));
        verify_all(flood, false);
    }
    auto grown_kb = status_kb("VmHWM") - rss_before;
    BOOST_TEST_REQUIRE(calls == 200'020u);

    verify_all(callers, true);  // within the hour of their first answers
    BOOST_TEST(caller_calls == 20u, "the live callers cost " << caller_calls - 20 << " Hub calls again");
    BOOST_TEST(v.stats().entries <= 100'000u);
    BOOST_TEST_MESSAGE("peak RSS grown by the flood of 200,000 tokens: " << grown_kb << " kB");
#if STENCILA_HUB_TEST_SANITIZED
    BOOST_TEST_MESSAGE("peak RSS bound not checked under a sanitizer (its own memory grows with the work)");
#else
    // Documented (verifier.hpp, README): about 160 bytes of peak RSS an entry, 16.1 MB for the
    // default 100,000; checked with the same margin as the cache's own test (175 bytes an entry).
    BOOST_TEST(grown_kb * 1024 <= 100'000 * 175, grown_kb << " kB");
#endif
}

BOOST_AUTO_TEST_CASE(a_caller_waiting_for_a_hub_call_holds_under_200_bytes) {
    constexpr std::size_t n = 10'000;
    asio::io_context io;
    detail::token_source fake{[](hub::secret t) { return never_answer(std::move(t)); },
                              [](hub::secret) -> asio::awaitable<void> { co_return; }};
    auto v = over(io, fake, {});
    std::vector<asio::cancellation_signal> signals(n + 1);
    std::size_t aborted = 0;
    auto count = [&](boost::system::error_code ec, std::optional<hub::verified_token>) {
        if (ec == asio::error::operation_aborted) ++aborted;
    };
    v.verify("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", asio::bind_cancellation_slot(signals[n].slot(), count));
    io.poll();  // the call is in flight, its frames allocated
    io.restart();
    auto before = live_bytes.load();
    for (std::size_t i = 0; i < n; ++i)
        v.verify("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", asio::bind_cancellation_slot(signals[i].slot(), count));
    BOOST_TEST_REQUIRE(v.stats().waiting == n + 1);
    auto per_waiter = static_cast<double>(live_bytes.load() - before) / n;
    BOOST_TEST_MESSAGE("bytes per waiting caller, measured: " << per_waiter);
    BOOST_TEST(per_waiter <= 200.0);  // as documented in verifier.hpp and README.md: under 200 bytes
    for (auto& s : signals) s.emit(asio::cancellation_type::terminal);
    io.run();  // the call too is cancelled with the last of them
    BOOST_TEST(aborted == n + 1);
    BOOST_TEST(v.stats().coalesced == n);
    BOOST_TEST(v.stats().cancelled_calls == 1u);
}
