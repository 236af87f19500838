#include "sansio/exchange_fsm.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/errc.hpp>

#include <algorithm>

namespace stencila::hub::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::milliseconds;

call_stats call_counters::snapshot() const {
    auto v = [](const std::atomic<std::uint64_t>& c) { return c.load(std::memory_order_relaxed); };
    call_stats s;
    s.calls = v(calls);
    s.attempts = v(attempts);
    s.requests_sent = v(requests_sent);
    s.stale_retries = v(stale_retries);
    s.retries_connect = v(retries_connect);
    s.retries_status = v(retries_status);
    s.retries_broken = v(retries_broken);
    s.retries_refused_by_budget = v(retries_refused_by_budget);
    s.answers_2xx = v(answers_2xx);
    s.answers_4xx = v(answers_4xx);
    s.answers_5xx = v(answers_5xx);
    s.answers_other = v(answers_other);
    s.transport_failures = v(transport_failures);
    s.cancelled = v(cancelled);
    s.removed_earlier = v(removed_earlier);
    return s;
}

exchange_fsm::exchange_fsm(const exchange_settings& settings, bool idempotent, bool removal) noexcept
    : settings_(settings), idempotent_(idempotent), removal_(removal) {}

void exchange_fsm::count(std::atomic<std::uint64_t> call_counters::*counter) noexcept {
    if (settings_.counters) (settings_.counters->*counter).fetch_add(1, std::memory_order_relaxed);
}

exchange_fsm::action exchange_fsm::refuse() {
    ++refused_;
    state_ = state::done;
    action a;
    a.what = action::kind::done;
    a.error = make_error_code(boost::system::errc::state_not_recoverable);
    a.note = "an event its state does not allow";
    return a;
}

exchange_fsm::action exchange_fsm::enter(action a) {
    switch (a.what) {
        case action::kind::acquire: state_ = state::acquiring; break;
        case action::kind::exchange: state_ = state::exchanging; break;
        case action::kind::release: state_ = state::releasing; break;
        case action::kind::wait: state_ = state::waiting; break;
        case action::kind::done: state_ = state::done; break;
    }
    return a;
}

exchange_fsm::action exchange_fsm::on_lease(clock::time_point now, error_code error, io_phase phase, bool reused,
                                            double draw) {
    if (state_ != state::acquiring) return refuse();
    return enter(lease_event(now, error, phase, reused, draw));
}

exchange_fsm::action exchange_fsm::on_exchanged(clock::time_point now, const exchanged& r, double draw) {
    if (state_ != state::exchanging) return refuse();
    return enter(exchanged_event(now, r, draw));
}

exchange_fsm::action exchange_fsm::start() {
    if (state_ != state::idle) return refuse();
    count(&call_counters::calls);
    if (settings_.budget) settings_.budget->on_first_attempt();
    attempt_ = 1;
    count(&call_counters::attempts);
    auto a = acquire(false);
    a.first = true;
    return enter(a);
}

exchange_fsm::action exchange_fsm::acquire(bool fresh) {
    action a;
    a.what = action::kind::acquire;
    a.fresh = fresh;
    a.deadline = settings_.deadline;
    return a;
}

exchange_fsm::action exchange_fsm::finish(error_code error, io_phase phase, std::string_view note) {
    if (error == asio::error::operation_aborted) count(&call_counters::cancelled);
    else if (error) count(&call_counters::transport_failures);
    action a;
    a.what = action::kind::done;
    a.error = error;
    a.phase = phase;
    a.note = note;
    return a;
}

exchange_fsm::action exchange_fsm::lease_event(clock::time_point now, error_code error, io_phase phase, bool reused,
                                               double draw) {
    if (!error) {
        reused_ = reused;
        action a;
        a.what = action::kind::exchange;
        a.deadline = settings_.attempt_timeout.count() > 0 ? std::min(settings_.deadline, now + settings_.attempt_timeout)
                                                           : settings_.deadline;
        attempt_deadline_ = a.deadline;
        return a;
    }
    if (error == asio::error::operation_aborted || error == hub::error::pool_timeout) return finish(error, phase);
    // The request never left: any call may go again, the policy says when.
    attempt_outcome outcome{error, 0, true, idempotent_};
    return retry_or_finish(now, outcome, phase, draw);
}

exchange_fsm::action exchange_fsm::exchanged_event(clock::time_point now, const exchanged& r, double draw) {
    if (r.sent_any) count(&call_counters::requests_sent);
    action release;
    release.what = action::kind::release;
    if (!r.error) {
        auto s = r.status;
        switch (classify(s)) {
            case status_class::success: count(&call_counters::answers_2xx); break;
            case status_class::client_error: count(&call_counters::answers_4xx); break;
            case status_class::server_error: count(&call_counters::answers_5xx); break;
            default: count(&call_counters::answers_other); break;
        }
        release.keep = r.keep_alive;
        // A removal answered 404 after an earlier attempt whose answer was lost (a gateway's 502,
        // 503 or 504, a broken connection or a timeout after the request went out): that attempt
        // most likely removed it, and the Hub no longer has it, which is what was asked. A
        // success, said so (the counter, the note); a 404 to a first attempt stays an error.
        if (removal_ && s == 404 && fate_unknown_) {
            count(&call_counters::removed_earlier);
            after_release_ = finish({}, io_phase::reading, "an earlier attempt's answer was lost");
            after_release_->removed_earlier = true;
            return release;
        }
        if (s == 502 || s == 503 || s == 504) fate_unknown_ = true;  // a gateway: the Hub may have acted
        if (idempotent_ && retryable_status(s)) {
            attempt_outcome outcome{{}, s, false, idempotent_, r.retry_after};
            after_release_ = retry_or_finish(now, outcome, io_phase::reading, draw);
        } else {
            after_release_ = finish({}, io_phase::reading);
        }
        return release;
    }
    release.keep = false;  // after any failure: Beast leaves the stream in no known state
    error_code error = r.error;
    if (error == hub::error::request_timeout && attempt_deadline_ < settings_.deadline)
        error = hub::error::attempt_timeout;  // the call still has time: say which ran out
    if (error == asio::error::operation_aborted) {
        after_release_ = finish(error, r.phase);
        return release;
    }
    // A pooled connection the server had closed meanwhile: the request went nowhere, so it goes
    // again at once on a new connection, outside the policy (once, and only if it may repeat).
    bool stale = reused_ && !r.received_any && error != hub::error::request_timeout &&
                 error != hub::error::attempt_timeout;
    if (stale && !fresh_tried_ && idempotent_) {
        fresh_tried_ = true;
        count(&call_counters::stale_retries);
        count(&call_counters::attempts);
        after_release_ = acquire(true);
        after_release_->note = "on a fresh connection";
        return release;
    }
    if (r.sent_any) fate_unknown_ = true;  // the request went out; what became of it, nobody knows
    attempt_outcome outcome{error, 0, false, idempotent_};
    after_release_ = retry_or_finish(now, outcome, r.phase, draw);
    return release;
}

exchange_fsm::action exchange_fsm::on_released() {
    if (state_ != state::releasing) return refuse();
    auto next = std::move(after_release_).value_or(finish({}, io_phase::reading));
    after_release_.reset();
    return enter(next);
}

exchange_fsm::action exchange_fsm::on_waited(error_code error) {
    if (state_ != state::waiting) return refuse();
    if (error) return enter(finish(asio::error::operation_aborted, io_phase::queued));
    ++attempt_;
    fresh_tried_ = false;
    count(&call_counters::attempts);
    return enter(acquire(false));
}

exchange_fsm::action exchange_fsm::retry_or_finish(clock::time_point now, const attempt_outcome& outcome,
                                                   io_phase phase, double draw) {
    auto remaining = settings_.deadline == clock::time_point::max()
                         ? milliseconds::max()
                         : std::chrono::duration_cast<milliseconds>(settings_.deadline - now);
    // A machine without a shared budget (as in tests) draws on one of its own, made afresh with
    // the default policy's reserve: a bound like the shared one's, not an unlimited one.
    retry_budget own_budget(retry_policy{});
    auto decision = decide_retry(*settings_.retry, outcome, attempt_, draw, remaining,
                                 settings_.budget ? *settings_.budget : own_budget);
    if (!decision.retry) {
        if (decision.refused_by_budget) count(&call_counters::retries_refused_by_budget);
        return finish(outcome.error, phase, decision.why);
    }
    count(outcome.connecting ? &call_counters::retries_connect
          : outcome.error    ? &call_counters::retries_broken
                             : &call_counters::retries_status);
    action a;
    a.what = action::kind::wait;
    a.delay = decision.delay;
    a.note = decision.why;
    return a;
}

}  // namespace stencila::hub::detail
