// hub_bench: our client (stencila::hub) under the workloads of issue #6, against a running
// hub-emulator. One subcommand per workload; each prints one RESULT line (see common.hpp).
//
//   hub_bench read      --url U [--ca F] --tokens FILE --calls N --inflight 32 --pool 32 [--emulator-pid P]
//                       [--completion token]   (each read through `read(token, as_tuple(deferred))`)
//   hub_bench walk      --url U [--ca F] --tokens FILE --page-size P --concurrency C --prefetch F
//   hub_bench scale     --url U [--ca F] --tokens FILE --calls 10000 --pool 32
//   hub_bench cold      --url U [--ca F] --tokens FILE --calls N      (a new client per call)
//   hub_bench reconnect --url U [--ca F] --tokens FILE --calls N      (an emulator with --max-requests 1)
//   hub_bench verify    --url U [--ca F] --tokens FILE --burst 10000 --distinct 100 --calls N
//                       (token_verifier: a cold burst, then cached verifies against Hub reads)
//
// Every subcommand also takes --thread-safe 0|1 (options.pool.thread_safe, default 1) and
// --resumption 0|1 (options.tls.session_resumption, default 1).
//
// The client runs on one thread (one io_context); the emulator is another process, so
// getrusage(RUSAGE_SELF) over the timed part is the client's CPU alone.
#include "common.hpp"

#include <stencila/hub/hub.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

namespace asio = boost::asio;
namespace hub = stencila::hub;

namespace {

struct setup {
    hub::options opts;
    std::vector<std::string> tokens;
    long emulator_pid = 0;
};

setup make_setup(const bench::flags& f, std::size_t max_tokens) {
    setup s;
    s.opts.base_url = f.need("url");
    if (auto ca = f.str("ca"); !ca.empty()) s.opts.tls.ca_pem = bench::read_file(ca);
    s.opts.pool.max_connections = static_cast<std::size_t>(f.num("pool", 32));
    s.opts.pool.thread_safe = f.num("thread-safe", 1) != 0;
    s.opts.tls.session_resumption = f.num("resumption", 1) != 0;
    s.tokens = bench::read_lines(f.need("tokens"), max_tokens);
    s.emulator_pid = f.num("emulator-pid", 0);
    return s;
}

/// Runs `body` as the only coroutine of a fresh io_context; rethrows its exception.
template <class F>
void run(F body) {
    asio::io_context io{1};
    std::exception_ptr failure;
    asio::co_spawn(io, body(), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
}

std::int64_t sink = 0;  // keeps the results observable

bool through_token = false;  // --completion token: reads through the completion-token form

// Reads tokens[next % size] until `calls` reads have been started in all.
asio::awaitable<void> read_worker(hub::tokens_api api, const std::vector<std::string>& tokens, std::size_t& next,
                                  std::size_t calls) {
    for (std::size_t i; (i = next++) < calls;) {
        hub::secret s{tokens[i % tokens.size()]};
        if (through_token) {
            auto [ec, t] = co_await api.read(std::move(s), asio::as_tuple(asio::deferred));
            if (ec) throw boost::system::system_error(ec);
            sink += t.user;
        } else {
            auto t = co_await api.read(std::move(s));
            sink += t.user;
        }
    }
}

// `inflight` workers at once, `calls` reads in all.
asio::awaitable<void> read_many(hub::tokens_api api, const std::vector<std::string>& tokens, std::size_t calls,
                                std::size_t inflight) {
    auto ex = co_await asio::this_coro::executor;
    std::size_t next = 0, done = 0;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    std::exception_ptr failure;
    for (std::size_t w = 0; w < inflight; ++w)
        asio::co_spawn(ex, read_worker(api, tokens, next, calls), [&](std::exception_ptr e) {
            if (e && !failure) failure = e;
            if (++done == inflight) all_done.expires_at(asio::steady_timer::time_point::min());
        });
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (failure) std::rethrow_exception(failure);
}

// W1: `calls` reads with `inflight` in flight over a pool.
int cmd_read(const bench::flags& f) {
    auto s = make_setup(f, 100'000);
    auto calls = static_cast<std::size_t>(f.num("calls", 20'000));
    auto inflight = static_cast<std::size_t>(f.num("inflight", 32));
    through_token = f.str("completion") == "token";
    bench::measure m(s.emulator_pid);
    hub::pool_stats stats;
    run([&]() -> asio::awaitable<void> {
        hub::client client{co_await asio::this_coro::executor, s.opts};
        co_await read_many(client.tokens(), s.tokens, inflight * 4, inflight);  // warm-up: opens the pool
        m.start();
        co_await read_many(client.tokens(), s.tokens, calls, inflight);
        m.stop();
        stats = client.stats();
    });
    bench::result r("W1");
    r.add("impl", "hub").add("proto", s.opts.base_url.rfind("https", 0) == 0 ? "https" : "http");
    r.add("thread_safe", s.opts.pool.thread_safe ? 1L : 0L);
    if (through_token) r.add("completion", "token");
    bench::add_cpu(r, m, calls);
    r.add("conns", stats.opened).add("reused", stats.reused).add("retried", stats.retried);
    r.print();
    return 0;
}

// W2: one walk over every token of the key's owner. Run one per process: ru_maxrss is the
// walk's peak.
int cmd_walk(const bench::flags& f) {
    auto s = make_setup(f, 1);
    s.opts.api_key = s.tokens.front();
    hub::paging p;
    p.page_size = f.num("page-size", 100);
    p.concurrency = static_cast<std::size_t>(f.num("concurrency", 1));
    p.prefetch = static_cast<std::size_t>(f.num("prefetch", 1));
    bench::measure m(s.emulator_pid);
    std::uint64_t n = 0;
    long rss_before = 0;
    hub::pool_stats stats;
    run([&]() -> asio::awaitable<void> {
        hub::client client{co_await asio::this_coro::executor, s.opts};
        rss_before = bench::rss_kib();
        m.start();
        auto all = client.tokens().all(p);
        while (auto t = co_await all.next()) {
            ++n;
            sink += t->user;
        }
        m.stop();
        stats = client.stats();
    });
    bench::result r("W2");
    r.add("impl", "hub").add("page_size", p.page_size).add("concurrency", static_cast<long>(p.concurrency));
    r.add("prefetch", static_cast<long>(p.prefetch)).add("tokens", n).add("secs", m.secs).add("cpu_s", m.cpu);
    r.add("emu_cpu_share", m.secs > 0 ? m.emulator_cpu / m.secs : 0.0, 2);
    r.add("rss_before_kib", rss_before).add("peak_rss_kib", bench::peak_rss_kib()).add("conns", stats.opened);
    r.print();
    return 0;
}

// W3: `calls` reads started at once (a coroutine each); the pool lets 32 through at a time.
int cmd_scale(const bench::flags& f) {
    auto s = make_setup(f, 100'000);
    auto calls = static_cast<std::size_t>(f.num("calls", 10'000));
    long rss_base = 0, rss_peak = 0;
    std::int64_t heap_base = 0, heap_peak = 0;
    bench::measure m(s.emulator_pid);
    hub::pool_stats stats;
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        hub::client client{ex, s.opts};
        auto api = client.tokens();
        co_await read_many(api, s.tokens, s.opts.pool.max_connections * 4, s.opts.pool.max_connections);
        rss_base = bench::rss_kib();
        heap_base = bench::live_bytes.load();
        bench::peak_live_bytes.store(heap_base);
        m.start();
        std::size_t done = 0;
        asio::steady_timer sampler(ex);
        for (std::size_t i = 0; i < calls; ++i) {
            hub::secret token{s.tokens[i % s.tokens.size()]};
            asio::co_spawn(ex, api.read(std::move(token)), [&](std::exception_ptr e, hub::token t) {
                if (e) std::rethrow_exception(e);
                sink += t.user;
                if (++done == calls) sampler.cancel();
            });
        }
        while (done < calls) {  // samples RSS while the calls are in flight
            rss_peak = std::max(rss_peak, bench::rss_kib());
            sampler.expires_after(std::chrono::milliseconds(1));
            co_await sampler.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        m.stop();
        heap_peak = bench::peak_live_bytes.load();
        stats = client.stats();
    });
    bench::result r("W3");
    r.add("impl", "hub").add("calls", static_cast<std::uint64_t>(calls)).add("secs", m.secs);
    r.add("rss_base_kib", rss_base).add("rss_peak_kib", rss_peak).add("peak_rss_kib", bench::peak_rss_kib());
    r.add("rss_per_call_b", static_cast<double>(rss_peak - rss_base) * 1024 / static_cast<double>(calls), 0);
    r.add("heap_per_call_b", static_cast<double>(heap_peak - heap_base) / static_cast<double>(calls), 0);
    r.add("conns", stats.opened).add("allocs_per_call", static_cast<double>(m.allocs) / static_cast<double>(calls), 1);
    r.print();
    return 0;
}

// W4: the first call of a new client (resolve, connect, TLS handshake, one read), or, with
// `reuse_client`, a read on the same client whose previous connection the server closed.
int cmd_cold(const bench::flags& f, bool reuse_client) {
    auto s = make_setup(f, 1000);
    s.opts.pool.max_connections = 1;
    auto calls = static_cast<std::size_t>(f.num("calls", 200));
    std::vector<double> ms;
    bench::measure m(s.emulator_pid);
    hub::pool_stats stats;
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        hub::client shared{ex, s.opts};
        if (reuse_client) co_await shared.tokens().read(s.tokens.front());  // warm: the context exists
        m.start();
        for (std::size_t i = 0; i < calls; ++i) {
            hub::secret token{s.tokens[i % s.tokens.size()]};
            auto t0 = bench::clock::now();
            if (reuse_client) {
                sink += (co_await shared.tokens().read(std::move(token))).user;
            } else {
                hub::client client{ex, s.opts};
                sink += (co_await client.tokens().read(std::move(token))).user;
            }
            ms.push_back(bench::seconds_since(t0) * 1e3);
        }
        m.stop();
        stats = shared.stats();
    });
    bench::result r("W4");
    // A new client has no session to offer, so its first handshake is always a full one.
    bool resumption = reuse_client && s.opts.tls.session_resumption;
    r.add("impl", "hub").add("kind", reuse_client ? "reconnect" : "new_client").add("resumption", resumption ? "yes" : "no");
    r.add("calls", static_cast<std::uint64_t>(calls)).add("median_ms", bench::median(ms));
    r.add("cpu_us_per_call", m.cpu * 1e6 / static_cast<double>(calls), 1);
    // stats cover the warm-up read too: opened = calls + 1, and resumed counts the reconnects
    // whose handshake resumed the previous session (the warm-up's own handshake cannot).
    if (reuse_client) r.add("conns", stats.opened).add("resumed", stats.resumed);
    r.print();
    return 0;
}


// W5: token_verifier. A cold burst of `burst` verifies started at once over `distinct` valid
// and `distinct` bogus tokens (Hub calls counted twice: by the verifier and by the client's own
// counters); then `calls` verifies answered from the cache, one at a time, against `calls / 10`
// Hub reads of the same tokens, 32 in flight as in W1 (the baseline, in the same run).
int cmd_verify(const bench::flags& f) {
    auto distinct = static_cast<std::size_t>(f.num("distinct", 100));
    auto s = make_setup(f, distinct);
    if (s.tokens.size() < distinct) throw std::runtime_error("verify: the tokens file has fewer than --distinct tokens");
    auto burst = static_cast<std::size_t>(f.num("burst", 10'000));
    auto calls = static_cast<std::size_t>(f.num("calls", 100'000));
    std::vector<std::string> presented = s.tokens;
    for (std::size_t i = 0; i < distinct; ++i) {
        auto n = std::to_string(i);  // shaped like a Hub token (64 hex digits), or the verifier would not ask
        presented.push_back(std::string(64 - n.size(), 'b') + n);
    }
    bench::measure cold(s.emulator_pid), cached(s.emulator_pid), reads(s.emulator_pid);
    hub::verifier_stats vs;
    hub::call_stats burst_calls;
    std::size_t right = 0;
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        hub::client client{ex, s.opts};
        hub::token_verifier verifier{client};
        cold.start();
        std::size_t done = 0;
        asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
        for (std::size_t i = 0; i < burst; ++i) {
            auto k = i % presented.size();
            verifier.verify(hub::secret{presented[k]}, [&, valid = k < distinct](boost::system::error_code ec,
                                                                                std::optional<hub::verified_token> v) {
                if (ec) throw boost::system::system_error(ec);
                if (v.has_value() == valid) ++right;
                if (++done == burst) all_done.expires_at(asio::steady_timer::time_point::min());
            });
        }
        co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
        cold.stop();
        burst_calls = client.call_stats();
        cached.start();
        for (std::size_t i = 0; i < calls; ++i) {
            auto v = co_await verifier.verify(hub::secret{s.tokens[i % distinct]});
            sink += v->user;
        }
        cached.stop();
        vs = verifier.stats();
        reads.start();  // W1's shape: 32 in flight over the pool the burst warmed
        co_await read_many(client.tokens(), s.tokens, calls / 10, 32);
        reads.stop();
    });
    auto cached_us = cached.cpu * 1e6 / static_cast<double>(calls);
    auto read_us = reads.cpu * 1e6 / static_cast<double>(calls / 10);
    bench::result r("W5");
    r.add("impl", "hub").add("burst", static_cast<std::uint64_t>(burst)).add("distinct", static_cast<std::uint64_t>(2 * distinct));
    r.add("burst_secs", cold.secs).add("hub_calls", vs.hub_calls).add("requests_sent", burst_calls.requests_sent);
    r.add("answers_right", static_cast<std::uint64_t>(right));
    r.add("cached_calls", static_cast<std::uint64_t>(calls)).add("cached_cpu_us_per_call", cached_us, 3);
    r.add("cached_allocs_per_call", static_cast<double>(cached.allocs) / static_cast<double>(calls), 1);
    r.add("read_cpu_us_per_call", read_us, 2).add("cached_over_read", cached_us / read_us, 4);
    r.add("hits", vs.hits).add("misses", vs.misses).add("coalesced", vs.coalesced);
    r.print();
    return 0;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 2) throw std::runtime_error("usage: hub_bench read|walk|scale|cold|reconnect|verify --flags...");
    std::string cmd = argv[1];
    bench::flags f(argc, argv, 2);
    if (cmd == "read") return cmd_read(f);
    if (cmd == "walk") return cmd_walk(f);
    if (cmd == "scale") return cmd_scale(f);
    if (cmd == "cold") return cmd_cold(f, false);
    if (cmd == "reconnect") return cmd_cold(f, true);
    if (cmd == "verify") return cmd_verify(f);
    throw std::runtime_error("unknown subcommand " + cmd);
} catch (const std::exception& e) {
    std::cerr << "hub_bench: " << e.what() << "\n";
    return 1;
}
