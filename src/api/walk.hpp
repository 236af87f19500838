// One paging walk: the I/O shell around its `paging_fsm`. Everything runs on the walk's own
// strand: it starts the fetches the plan asks for (coroutines spawned on the strand, each holding
// the walk alive, each cancellable through its own signal), hands their answers to the plan, and
// wakes the consumer. What to fetch, what to yield and when to stop are the plan's decisions.
#pragma once

#include "sansio/paging_fsm.hpp"
#include "api/tokens_api.hpp"

#include <stencila/hub/paging.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

namespace stencila::hub::detail {

class walk : public std::enable_shared_from_this<walk> {
public:
    walk(state_ptr client, call_ptr call, paging p);

    /// The next page in order (on the strand), nothing at the end; rethrows a page's error.
    boost::asio::awaitable<std::optional<token_page>> next();
    /// Cancels every fetch in flight and ends the walk (posted to the strand).
    void stop();

    [[nodiscard]] const boost::asio::strand<boost::asio::any_io_executor>& strand() const { return strand_; }
    /// The client's executor: where results are handed over.
    [[nodiscard]] const boost::asio::any_io_executor& executor() const { return client_->executor; }
    // Snapshots of the plan, readable from any thread.
    std::atomic<std::int64_t> reached;    ///< offset of the first item not yet yielded
    std::atomic<bool> changed{false};     ///< `count` differed between pages
    std::atomic<std::int64_t> total{-1};  ///< `count` of the first page; -1 before it lands
    std::atomic<std::int64_t> repeats{0};    ///< items dropped for coming again
    std::atomic<std::int64_t> shortfall{0};  ///< positions walked less distinct items, at the end

private:
    void pump();     // starts every fetch the plan allows
    void publish();  // copies the plan's state into the snapshots, logs its notes
    void finish();   // ends the plan, cancels the fetches in flight
    static boost::asio::awaitable<void> fetch(std::shared_ptr<walk> self, page_fetch f);
    void landed(std::uint64_t id, std::optional<token_page> page, std::exception_ptr error);

    state_ptr client_;
    call_ptr call_;
    const paging opts_;
    paging_fsm plan_;
    boost::asio::strand<boost::asio::any_io_executor> strand_;
    boost::asio::steady_timer wakeup_;  // the consumer waits on it; a landing fetch cancels it
    std::chrono::steady_clock::time_point deadline_;
    // Each fetch's cancellation signal lives until the fetch's completion handler has run.
    std::map<std::uint64_t, std::unique_ptr<boost::asio::cancellation_signal>> signals_;
};

}  // namespace stencila::hub::detail
