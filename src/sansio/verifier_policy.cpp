#include "sansio/verifier_policy.hpp"

#include <algorithm>

namespace stencila::hub::detail {

bool has_token_shape(std::string_view token) noexcept {
    // hub-tokens-api.md §2.1 (`token`: 64 lowercase hex characters) and §5
    // (AUTH_TOKEN_CHARACTER_LENGTH: hexlify(os.urandom(32))).
    return token.size() == 64 &&
           std::all_of(token.begin(), token.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

hub_call_policy::verdict hub_call_policy::ask(time_point now) {
    if (probe_) return {verdict::kind::throttled, shut_until_};  // the probe is out: wait for its answer
    if (now < shut_until_) return {verdict::kind::throttled, shut_until_};
    if (per_minute_ > 0) {
        while (!starts_.empty() && starts_.front() + std::chrono::minutes(1) <= now) starts_.pop_front();
        if (starts_.size() >= per_minute_) return {verdict::kind::ceiling, starts_.front() + std::chrono::minutes(1)};
    }
    return {};
}

void hub_call_policy::started(flight_id f, time_point now) {
    if (probing_ && !probe_) probe_ = f;
    if (per_minute_ > 0) starts_.push_back(now);
}

void hub_call_policy::ended(flight_id f, time_point now, std::optional<std::chrono::milliseconds> throttled_for,
                            bool abandoned) {
    const bool was_probe = probe_ == f;
    if (was_probe) probe_.reset();
    if (throttled_for) {
        // Any call's 429 shuts the gate (a call started before it shut, or the probe): the next
        // call after the wait is a probe.
        shut_until_ = std::max(shut_until_, now + *throttled_for);
        probing_ = true;
        return;
    }
    // The probe answered (anything but a 429 with a wait): open. Abandoned: no answer, so the
    // next call to start probes instead.
    if (was_probe && !abandoned) probing_ = false;
}

}  // namespace stencila::hub::detail
