// What the verifier's memory costs, measured: bytes per cached entry (every operator new of this
// process is counted), and a peak RSS that stays flat however many distinct tokens pass through
// a bounded verifier. A program of its own, so that no other test has raised the peak before.
//
// A million Hub calls would take far too long against the emulator, so the million distinct
// bogus tokens go through the verifier (the whole shell: waiters, single flight, strands,
// completions) over a fake source that answers 404 at once.
#define BOOST_TEST_MODULE verifier_memory_tests
#include "detail/verifier_cache.hpp"
#include "detail/verifier_state.hpp"

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

namespace {

// A line of /proc/self/status, in kB ("VmHWM", "VmRSS").
long status_kb(const std::string& key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    BOOST_FAIL("no " << key << " in /proc/self/status");
    return 0;
}

std::string bogus(std::size_t i) {
    char t[40];
    std::snprintf(t, sizeof t, "bogus-%012zu-0123456789ab", i);
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

}  // namespace

BOOST_AUTO_TEST_CASE(a_cached_entry_takes_about_130_bytes_with_its_share_of_the_index) {
    constexpr std::size_t n = 100'000;
    auto before = live_bytes.load();
    {
        detail::verifier_cache cache({.max_entries = n}, 1);
        auto now = detail::verifier_cache::time_point{} + 1h;
        auto wall = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
        for (std::size_t i = 0; i < n; ++i) {
            auto d = detail::digest_of(bogus(i));
            auto a = cache.arrive(d, now, i);
            hub::token t{.user = 1, .id = bogus(i).substr(6, 8), .created = wall, .expiry = wall + 24h};
            cache.settle(d, a.flight, detail::hub_answer::valid(t), now, wall);
        }
        BOOST_TEST_REQUIRE(cache.stats().entries == n);
        auto per_entry = static_cast<double>(live_bytes.load() - before) / n;
        BOOST_TEST_MESSAGE("bytes per cached entry, measured: " << per_entry << " (the cache's own count: "
                                                                << static_cast<double>(cache.memory_bytes()) / n << ")");
        // As documented in verifier.hpp and README.md: about 130 bytes.
        BOOST_TEST(per_entry >= 120.0);
        BOOST_TEST(per_entry <= 140.0);
    }
    BOOST_TEST(live_bytes.load() - before < 4096);  // all given back
}

BOOST_AUTO_TEST_CASE(a_million_distinct_bogus_tokens_keep_a_bounded_verifiers_memory_flat) {
    asio::io_context io;
    detail::token_source fake{[](hub::secret t) { return answer_404(std::move(t)); },
                              [](hub::secret) -> asio::awaitable<void> { co_return; }};
    auto v = detail::verifier_access::make(std::make_shared<detail::verifier_state>(
        io.get_executor(), hub::verifier_options{.max_entries = 10'000}, fake, hub::log_function{}, hub::log_level::info));

    verify_range(io, v, 0, 100'000);
    auto peak_100k = status_kb("VmHWM");
    auto heap_100k = live_bytes.load();
    verify_range(io, v, 100'000, 1'000'000);
    auto peak_1m = status_kb("VmHWM");
    auto heap_1m = live_bytes.load();
    BOOST_TEST_MESSAGE("peak RSS after 100,000 tokens: " << peak_100k << " kB, after 1,000,000: " << peak_1m
                                                         << " kB; heap " << heap_100k << " B, then " << heap_1m << " B");
    BOOST_TEST(peak_1m <= peak_100k * 11 / 10);
    BOOST_TEST(heap_1m <= heap_100k + 64 * 1024);

    auto st = v.stats();
    BOOST_TEST(st.hub_calls == 1'000'000u);
    BOOST_TEST(st.entries == 10'000u);
    BOOST_TEST(st.evictions == 990'000u);
    BOOST_TEST(st.waiting == 0u);
}

BOOST_AUTO_TEST_CASE(a_caller_waiting_for_a_hub_call_holds_under_200_bytes) {
    constexpr std::size_t n = 10'000;
    asio::io_context io;
    detail::token_source fake{[](hub::secret t) { return never_answer(std::move(t)); },
                              [](hub::secret) -> asio::awaitable<void> { co_return; }};
    auto v = detail::verifier_access::make(std::make_shared<detail::verifier_state>(
        io.get_executor(), hub::verifier_options{}, fake, hub::log_function{}, hub::log_level::info));
    std::vector<asio::cancellation_signal> signals(n);
    std::size_t aborted = 0;
    v.verify("the-one-token-0123456789", [](boost::system::error_code, std::optional<hub::verified_token>) {});
    io.run_for(std::chrono::milliseconds(50));  // the call is in flight, its frames allocated
    io.restart();
    auto before = live_bytes.load();
    for (auto& s : signals)
        v.verify("the-one-token-0123456789",
                 asio::bind_cancellation_slot(s.slot(), [&](boost::system::error_code ec, std::optional<hub::verified_token>) {
                     if (ec == asio::error::operation_aborted) ++aborted;
                 }));
    BOOST_TEST_REQUIRE(v.stats().waiting == n + 1);
    auto per_waiter = static_cast<double>(live_bytes.load() - before) / n;
    BOOST_TEST_MESSAGE("bytes per waiting caller, measured: " << per_waiter);
    BOOST_TEST(per_waiter <= 200.0);  // as documented in verifier.hpp and README.md: under 200 bytes
    for (auto& s : signals) s.emit(asio::cancellation_type::terminal);
    io.run_for(std::chrono::milliseconds(100));
    BOOST_TEST(aborted == n);
    BOOST_TEST(v.stats().coalesced == n);
}
