#include "sansio/retry.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

namespace stencila::hub::detail {
using namespace std::chrono;

void retry_budget::on_first_attempt() {
    std::lock_guard lock(mutex_);
    balance_ = std::min(cap_, balance_ + ratio_);
}

bool retry_budget::try_spend() {
    std::lock_guard lock(mutex_);
    if (balance_ < 1.0) return false;
    balance_ -= 1.0;
    return true;
}

double retry_budget::balance() const {
    std::lock_guard lock(mutex_);
    return balance_;
}

retry_decision decide_retry(const retry_policy& p, const attempt_outcome& o, std::uint32_t attempt, double draw,
                            milliseconds remaining, retry_budget& budget) {
    if (attempt >= p.max_attempts) return {false, {}, "no attempts left"};

    bool worth_it = false;
    if (o.error) {
        if (o.error == boost::asio::error::operation_aborted) return {false, {}, "cancelled"};
        if (o.error == error::request_timeout || o.error == error::pool_timeout)
            return {false, {}, "the deadline passed"};
        if (o.error == error::proxy_refused) return {false, {}, "the proxy refused"};
        // A certificate that failed verification fails again: say so at once.
        if (o.error == error::tls_untrusted_certificate || o.error == error::tls_hostname_mismatch ||
            o.error == error::tls_certificate_expired || o.error == error::tls_verification_failed)
            return {false, {}, "TLS verification failed"};
        // A request that never left may always go again; one that may have reached the server
        // only when repeating it is harmless.
        worth_it = o.connecting || (o.idempotent && (o.error == error::connection_closed ||
                                                     o.error == error::attempt_timeout ||
                                                     o.error == boost::asio::error::connection_reset ||
                                                     o.error == boost::asio::error::broken_pipe));
    } else {
        worth_it = o.idempotent && retryable_status(o.status);
    }
    if (!worth_it) return {false, {}, "not retryable"};

    // Full jitter: a uniform draw below the capped exponential.
    double cap = static_cast<double>(p.initial_backoff.count()) * std::pow(p.multiplier, attempt - 1);
    cap = std::min(cap, static_cast<double>(p.max_backoff.count()));
    auto delay = milliseconds{static_cast<std::int64_t>(std::clamp(draw, 0.0, 1.0) * cap)};
    const char* why = o.error ? "transport failure" : "retryable status";
    if (!o.error && o.retry_after) {
        // The server's wait is a floor: retrying sooner only spends another throttled call.
        if (!p.honour_retry_after) return {false, {}, "the server asked to wait (honour_retry_after is off)"};
        auto wait = saturate_wait(*o.retry_after);
        if (wait > p.max_retry_after) return {false, {}, "the server's wait is longer than max_retry_after"};
        delay = wait;
        why = "Retry-After";
    }
    if (delay >= remaining) return {false, {}, "the deadline would pass before the retry"};
    if (!budget.try_spend()) return {false, {}, "retry budget exhausted", true};
    return {true, delay, why};
}

}  // namespace stencila::hub::detail
