// Load: many more concurrent calls than connections, on two threads; nothing leaks.
#include "fixture.hpp"

#include <boost/asio/detached.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <thread>

using namespace test;

namespace {

std::size_t open_descriptors() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(load)

BOOST_AUTO_TEST_CASE(ten_thousand_concurrent_calls_on_two_threads_all_complete_and_nothing_leaks) {
    emu::server_options so;
    so.threads = 2;
    hub_fixture f{so};
    auto token = f.server.seed_tokens(username, 1).at(0);
    auto opts = f.options();
    opts.pool.max_connections = 32;
    opts.timeouts.request = std::chrono::minutes(5);  // the test must not fail because the machine is slow

    // The emulator runs in this process: its side of each connection is a descriptor too. Wait
    // (bounded) until it has seen the client's connections close.
    auto server_settled = [&] {
        for (int i = 0; i < 1000 && f.server.stats().connections_open != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return f.server.stats().connections_open == 0;
    };
    {
        hub::client warm_up{f.io.get_executor(), opts};  // the resolver's own descriptors, made once
        f.run(warm_up.tokens().read(token));
    }
    BOOST_REQUIRE(server_settled());
    std::size_t fds_before = open_descriptors();

    std::atomic<int> ok{0}, failed{0};
    {
        hub::client c{f.io.get_executor(), opts};
        for (int i = 0; i < 10'000; ++i)
            asio::co_spawn(f.io, [&]() -> asio::awaitable<void> {
                try {
                    co_await c.tokens().read(token);
                    ++ok;
                } catch (...) {
                    ++failed;
                }
            }, asio::detached);
        f.io.restart();
        std::thread second([&] { f.io.run(); });
        f.io.run();
        second.join();
        BOOST_TEST(ok == 10'000);
        BOOST_TEST(failed == 0);
        auto s = c.stats();
        BOOST_TEST(s.opened <= 32u);
        BOOST_TEST(s.in_use == 0u);
        BOOST_TEST(s.waiting == 0u);
        BOOST_TEST(s.idle == s.opened - s.evicted - s.discarded);
        // Every descriptor is a pooled connection or the emulator's end of one.
        BOOST_TEST(open_descriptors() <= fds_before + s.idle + f.server.stats().connections_open);
    }
    BOOST_REQUIRE(server_settled());
    BOOST_TEST(open_descriptors() == fds_before);  // the client is gone: every socket closed
}

BOOST_AUTO_TEST_SUITE_END()
