// What the verifier's tests share: many verify calls at once, waiters cancellable one by one,
// and waiting for a condition (with a generous guard against a hang, never a timing assertion).
#pragma once

#include <stencila/hub/hub.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace test {

namespace asio = boost::asio;
namespace hub = stencila::hub;

using answers = std::vector<std::optional<hub::verified_token>>;

/// `s` in lower-case hex digits.
inline std::string hex_of(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        char part[3];
        std::snprintf(part, sizeof part, "%02x", c);
        out += part;
    }
    return out;
}
/// A token shaped like the Hub's (64 lower-case hex digits) named by `tag` (at most 32
/// characters): its hex, then zeros. The verifier refuses any other shape without asking.
inline std::string shaped(std::string_view tag) {
    auto t = hex_of(tag);
    t.resize(64, '0');
    return t;
}

/// `n` random tokens shaped like the Hub's (64 lower-case hex digits), from a fixed seed.
inline std::vector<std::string> bogus_tokens(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
        std::string t;
        for (int k = 0; k < 8; ++k) {
            char part[9];
            std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(rng()));
            t += part;
        }
        out.push_back(std::move(t));
    }
    return out;
}

/// Verifies every token at once (a coroutine each) on `io`, run by `threads` threads; the
/// answers in order. Rethrows the first error.
inline answers verify_all(asio::io_context& io, const hub::token_verifier& v, const std::vector<std::string>& tokens,
                          int threads = 1) {
    answers out(tokens.size());
    std::mutex m;
    std::exception_ptr error;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        asio::co_spawn(io, v.verify(tokens[i]), [&, i](std::exception_ptr e, std::optional<hub::verified_token> t) {
            if (e) {
                std::lock_guard lock(m);
                if (!error) error = e;
            }
            out[i] = std::move(t);
        });
    io.restart();
    std::vector<std::thread> more;
    for (int t = 1; t < threads; ++t) more.emplace_back([&] { io.run(); });
    io.run();
    for (auto& t : more) t.join();
    if (error) std::rethrow_exception(error);
    return out;
}

/// The error code `op` fails with (none when it succeeds); runs it on the fixture's io_context.
template <class Fixture, class T>
boost::system::error_code code_of(Fixture& f, asio::awaitable<T> op) {
    try {
        f.run(std::move(op));
    } catch (const hub::api_error& e) {
        return {static_cast<int>(e.status()), hub::http_category()};
    } catch (const boost::system::system_error& e) {
        return e.code();
    }
    return {};
}

/// `n` coroutines verifying one token at once, each with a cancellation signal of its own.
class waiters {
public:
    waiters(asio::io_context& io, const hub::token_verifier& v, const std::string& token, int n)
        : signals_(static_cast<std::size_t>(n)), results_(static_cast<std::size_t>(n)) {
        for (std::size_t i = 0; i < results_.size(); ++i)
            asio::co_spawn(io, v.verify(token),
                           asio::bind_cancellation_slot(signals_[i].slot(), [this, i](std::exception_ptr e,
                                                                                      std::optional<hub::verified_token> t) {
                               results_[i] = {true, std::move(e), std::move(t)};
                           }));
    }
    void cancel(int i) { signals_.at(static_cast<std::size_t>(i)).emit(asio::cancellation_type::terminal); }
    [[nodiscard]] boost::system::error_code code(int i) const {
        const auto& r = results_.at(static_cast<std::size_t>(i));
        BOOST_TEST_REQUIRE(r.done);
        if (!r.error) return {};
        try {
            std::rethrow_exception(r.error);
        } catch (const boost::system::system_error& e) {
            return e.code();
        } catch (...) {
            return boost::system::errc::make_error_code(boost::system::errc::io_error);
        }
    }
    [[nodiscard]] const std::optional<hub::verified_token>& answer(int i) const {
        BOOST_TEST_REQUIRE(!code(i));
        return results_.at(static_cast<std::size_t>(i)).answer;
    }

private:
    struct result {
        bool done = false;
        std::exception_ptr error;
        std::optional<hub::verified_token> answer;
    };
    std::vector<asio::cancellation_signal> signals_;
    std::vector<result> results_;
};

/// Runs `action` on `io` as soon as `ready()` holds (looked at every 2 ms, on `io`'s thread).
/// After `guard` without it, fails the test and stops `io`.
inline void when(asio::io_context& io, std::function<bool()> ready, std::function<void()> action,
                 std::chrono::seconds guard = std::chrono::seconds(30)) {
    auto timer = std::make_shared<asio::steady_timer>(io);
    auto give_up = std::chrono::steady_clock::now() + guard;
    auto look = std::make_shared<std::function<void()>>();
    *look = [timer, give_up, ready, action, &io, weak = std::weak_ptr(look)] {
        if (ready()) return action();
        if (std::chrono::steady_clock::now() > give_up) {
            BOOST_ERROR("the awaited condition never held");
            return io.stop();
        }
        timer->expires_after(std::chrono::milliseconds(2));
        timer->async_wait([look = weak.lock()](boost::system::error_code) { (*look)(); });
    };
    asio::post(io, [look] { (*look)(); });
}

/// Waits (sleeping, off any io_context) until `ready()` holds; fails after `guard`.
inline void until(const std::function<bool()>& ready, std::chrono::seconds guard = std::chrono::seconds(30)) {
    auto give_up = std::chrono::steady_clock::now() + guard;
    while (!ready() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    BOOST_TEST_REQUIRE(ready());
}

}  // namespace test
