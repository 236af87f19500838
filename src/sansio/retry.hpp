// Retry decisions, without I/O: what failed, which attempt, what the server said, what the budget
// allows -> retry or not, and after how long. The transport applies them; the tests drive them
// with a fixed clock and a fixed random draw.
#pragma once

#include "sansio/codec.hpp"  // retryable_status
#include "sansio/retry_after.hpp"

#include <stencila/hub/retry.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

namespace stencila::hub::detail {

/// How one attempt ended.
struct attempt_outcome {
    boost::system::error_code error;  ///< a transport failure, or none
    unsigned status = 0;              ///< the HTTP status when an answer came
    bool connecting = false;          ///< it failed while connecting: the request never left
    bool idempotent = true;           ///< GET and DELETE
    std::optional<std::chrono::milliseconds> retry_after{};  ///< the server's `Retry-After`, parsed
};

struct retry_decision {
    bool retry = false;
    std::chrono::milliseconds delay{0};
    const char* why = "";  ///< for logs
    bool refused_by_budget = false;  ///< a retry was due, but the budget had none to spend
};

/// The shared budget: each first attempt earns `budget_ratio` of a retry (up to a cap), each
/// retry spends one. Thread-safe.
class retry_budget {
public:
    explicit retry_budget(const retry_policy& p) : ratio_(p.budget_ratio), balance_(p.budget_reserve),
                                                    cap_(p.budget_reserve + 100.0 * p.budget_ratio) {}
    void on_first_attempt();
    /// Spends one retry if there is one to spend.
    bool try_spend();
    double balance() const;

private:
    mutable std::mutex mutex_;
    double ratio_;
    double balance_;
    double cap_;
};

/// Whether the failed `attempt` (1 = the first) is tried again and after how long. `draw` is a
/// uniform random number in [0, 1) for the jitter; `remaining` is the time left before the
/// operation's deadline. Spends from `budget` only when it says yes.
///
/// A wait the server states (`outcome.retry_after`) is a floor, never shortened: the retry comes
/// after exactly that wait, or not at all when the wait is longer than `max_retry_after`, would
/// pass the deadline, or `honour_retry_after` is off.
retry_decision decide_retry(const retry_policy& policy, const attempt_outcome& outcome, std::uint32_t attempt,
                            double draw, std::chrono::milliseconds remaining, retry_budget& budget);

}  // namespace stencila::hub::detail
