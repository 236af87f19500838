// Retry decisions, without I/O: what failed, which attempt, what the server said, what the budget
// allows -> retry or not, and after how long. The transport applies them; the tests drive them
// with a fixed clock and a fixed random draw.
#pragma once

#include "detail/codec.hpp"  // retryable_status

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

/// The longest wait a server's statement is read as (about 100 years): a `Retry-After` or a
/// throttle message naming more reads as this, so a wait can be added to any clock's `now` and
/// printed without overflowing.
inline constexpr std::chrono::milliseconds max_stated_wait =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours{24 * 366 * 100});

/// `w`, at most `max_stated_wait` and at least zero.
[[nodiscard]] constexpr std::chrono::milliseconds saturate_wait(std::chrono::milliseconds w) noexcept {
    return w < std::chrono::milliseconds::zero() ? std::chrono::milliseconds::zero()
           : w > max_stated_wait                 ? max_stated_wait
                                                 : w;
}

/// Parses `Retry-After`: delta-seconds, or an HTTP-date (IMF-fixdate, RFC 850 or asctime form)
/// taken relative to `now`. A date in the past reads as zero; anything else as nothing. Waits
/// are saturated at `max_stated_wait`.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

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
