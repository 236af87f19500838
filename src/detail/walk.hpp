// The state of one paging walk: which pages are in flight, which have landed, what the consumer
// has taken. Everything here runs on the walk's own strand; fetches are coroutines spawned on it,
// each holding the walk alive, each cancellable through its own signal.
#pragma once

#include "detail/token_calls.hpp"

#include <stencila/hub/paging.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace stencila::hub::detail {

class walk : public std::enable_shared_from_this<walk> {
public:
    walk(state_ptr client, paging p);

    /// The next page in order (on the strand), nothing at the end; rethrows a page's error.
    boost::asio::awaitable<std::optional<token_page>> next();
    /// Cancels every fetch in flight and ends the walk (posted to the strand).
    void stop();

    [[nodiscard]] const boost::asio::strand<boost::asio::any_io_executor>& strand() const { return strand_; }
    /// The client's executor: where results are handed over.
    [[nodiscard]] const boost::asio::any_io_executor& executor() const { return client_->executor; }
    std::atomic<std::int64_t> reached;       ///< offset after the last page yielded
    std::atomic<bool> changed{false};        ///< `count` differed between pages
    std::atomic<std::int64_t> total{-1};     ///< `count` of the first page; -1 before it lands

private:
    struct landed {
        std::optional<token_page> page;
        std::exception_ptr error;
        bool last = false;  ///< no page comes after this one
    };

    [[nodiscard]] bool concurrent() const noexcept;
    /// Offset where page `index` starts (saturating: no overflow for huge values).
    [[nodiscard]] std::int64_t page_start(std::int64_t index) const noexcept;
    void schedule();
    void start_fetch(std::int64_t index, std::string target);
    static boost::asio::awaitable<void> fetch(std::shared_ptr<walk> self, std::int64_t index, std::string target);
    void on_landed(std::int64_t index, landed result);
    void finish();

    state_ptr client_;
    const paging opts_;
    boost::asio::strand<boost::asio::any_io_executor> strand_;
    boost::asio::steady_timer wakeup_;  // the consumer waits on it; a landing fetch cancels it
    std::chrono::steady_clock::time_point deadline_;

    std::int64_t next_index_ = 0;       // index of the next page to yield (page i starts at offset + i*size)
    std::int64_t scheduled_ = 0;        // pages scheduled so far (indices 0..scheduled_-1)
    std::optional<std::int64_t> count_; // from the first page
    std::optional<std::int64_t> end_;   // offset where the walk ends, once known
    std::optional<std::string> follow_; // follow mode: target of the page after the last landed one
    std::map<std::int64_t, landed> ready_;  // landed, not yet yielded
    std::set<std::int64_t> in_flight_;
    // Each fetch's cancellation signal lives until the fetch's completion handler has run.
    std::map<std::int64_t, std::unique_ptr<boost::asio::cancellation_signal>> signals_;
    bool waiting_ = false;              // the consumer is in next()
    bool finished_ = false;
};

}  // namespace stencila::hub::detail
