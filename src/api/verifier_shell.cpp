// The token verifier's I/O shell (see verifier_shell.hpp): performs what its `verifier_fsm` decides.
#include "api/verifier_shell.hpp"

#include "sansio/failure.hpp"
#include "api/completion.hpp"

#include <stencila/hub/datetime.hpp>
#include <stencila/hub/error.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <mutex>
#include <random>
#include <utility>

namespace stencila::hub {
namespace asio = boost::asio;

namespace detail {

namespace {

asio::awaitable<std::optional<token>> read_or_nothing(tokens_api tokens, secret t) {
    try {
        co_return co_await tokens.read(std::move(t));
    } catch (const api_error& e) {
        if (e.status() != 404) throw;
    }
    co_return std::nullopt;  // unknown or expired
}

// One Hub call. The source is called inside the coroutine, so that whatever it throws reaches
// the call's completion handler.
asio::awaitable<std::optional<token>> ask(std::shared_ptr<verifier_shell> self, secret t) {
    co_return co_await self->source.read(std::move(t));
}

std::string describe(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "an unknown error";
    }
}

// The error of a miss refused at once: no Hub call may start before `a.until` (steady clock).
std::exception_ptr refusal(const verifier_fsm::arrival& a, std::chrono::steady_clock::time_point now,
                           const verifier_options& o) {
    using namespace std::chrono;
    const auto left = ceil<seconds>(a.until - now);
    // Whole seconds, rounded up: no call before then.
    const auto wall = ceil<seconds>(time_point_cast<microseconds>(system_clock::now()) + duration_cast<microseconds>(a.until - now));
    const std::string when = "until " + format_datetime(wall) + ", in " + std::to_string(left.count()) + " s";
    std::string what;
    if (a.what == verifier_fsm::arrival::kind::over_ceiling)
        what = "verify: verifier_options::max_hub_calls_per_minute (" + std::to_string(o.max_hub_calls_per_minute) +
               ") reached: no Hub call " + when;
    else if (a.probe_out)
        what = "verify: the Hub throttled this service (429): no Hub call until the one probing it answers";
    else what = "verify: the Hub throttled this service (429): no Hub call " + when;
    return std::make_exception_ptr(failure(make_error_code(error::hub_throttled), what));
}

std::uint64_t random_seed() {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

const verifier_options& checked(const verifier_options& o) {
    using std::chrono::milliseconds;
    if (o.ttl < milliseconds::zero() || o.negative_ttl < milliseconds::zero() || o.stale_if_error < milliseconds::zero())
        throw failure(make_error_code(error::invalid_argument),
                      "token_verifier: ttl, negative_ttl and stale_if_error must not be negative");
    return o;
}

}  // namespace

token_source tokens_source(const client& c, const secret* service_key) {
    auto tokens = c.tokens();
    auto readers = tokens;  // `with` copies the key: it lives in the view's settings
    if (service_key) readers = tokens.with({.api_key = *service_key, .authorize_reads = true});
    return {[readers](secret t) { return read_or_nothing(readers, std::move(t)); },
            [tokens](secret t) { return tokens.remove(std::move(t)); }};
}

// One Hub call in flight: its strand, and the signal that cancels it. Both are used on the
// strand only once the call has started (the signal's handler dispatches there).
struct verifier_shell::call {
    explicit call(const asio::any_io_executor& ex) : strand(asio::make_strand(ex)) {}
    asio::strand<asio::any_io_executor> strand;
    asio::cancellation_signal signal;
};

verifier_shell::verifier_shell(asio::any_io_executor ex, verifier_options o, token_source s, log_function logger,
                               log_level min_level)
    : executor(std::move(ex)), opts(checked(o)), source(std::move(s)), logger_(std::move(logger)),
      min_level_(min_level), cache_(opts, random_seed()) {}

verifier_shell::~verifier_shell() = default;

void verifier_shell::start(secret token, verify_handler h) {
    if (token.empty()) {
        auto e = std::make_exception_ptr(failure(make_error_code(error::empty_token), "verify: the token is empty"));
        return complete(std::move(h), std::move(e), std::nullopt);
    }
    if (malformed(token)) return complete(std::move(h), nullptr, std::nullopt);  // as a 404, without asking
    auto d = digest_of(token.reveal());
    start(std::move(token), d, std::move(h));
}

bool verifier_shell::malformed(const secret& token) {
    std::lock_guard lock(mutex_);
    return cache_.malformed(token.reveal());
}

std::optional<std::optional<verified_token>> verifier_shell::cached(const token_digest& d) {
    std::lock_guard lock(mutex_);
    auto a = cache_.lookup(d, std::chrono::steady_clock::now());
    if (a.what == verifier_fsm::arrival::kind::call) return std::nullopt;
    return std::move(a.answer);
}

void verifier_shell::start(secret token, const token_digest& d, verify_handler h) {
    auto slot = asio::get_associated_cancellation_slot(h);
    std::string asked;  // the token the call started for, by its public id
    {
        std::unique_lock lock(mutex_);
        auto w = next_waiter_++;
        const auto now = std::chrono::steady_clock::now();
        auto a = cache_.arrive(d, now, w);
        switch (a.what) {
            case verifier_fsm::arrival::kind::valid:
            case verifier_fsm::arrival::kind::invalid:
            case verifier_fsm::arrival::kind::stale:
                lock.unlock();
                return complete(std::move(h), nullptr, std::move(a.answer));
            case verifier_fsm::arrival::kind::throttled:
            case verifier_fsm::arrival::kind::over_ceiling:
                lock.unlock();
                return complete(std::move(h), refusal(a, now, opts), std::nullopt);
            case verifier_fsm::arrival::kind::call:
                asked = public_id(token.reveal());
                call_hub(d, a.flight, asked, std::move(token));
                break;
            case verifier_fsm::arrival::kind::join: break;
        }
        waiters_.emplace(w, verify_handler{}).first->second.swap(h);
        // Assigned under the mutex: the answer cannot be posted (and the slot cleared) before.
        if (slot.is_connected())
            slot.assign([self = shared_from_this(), d, w](asio::cancellation_type) { self->leave(d, w); });
    }
    if (!asked.empty()) log(log_level::debug, "verifier: asking the Hub about token " + asked);
}

void verifier_shell::call_hub(const token_digest& d, verifier_fsm::flight_id f, std::string id, secret token) {
    auto& c = *calls_.emplace(f, std::make_unique<call>(executor)).first->second;
    // Under the mutex, but co_spawn only posts to the new strand: nothing of the call runs here.
    // The handler is bound to the strand, so that the signal's handler dispatches there too.
    asio::co_spawn(c.strand, ask(shared_from_this(), std::move(token)),
                   asio::bind_cancellation_slot(
                       c.signal.slot(), asio::bind_executor(c.strand, [self = shared_from_this(), d, f, id = std::move(id)](
                                                                          std::exception_ptr e, std::optional<hub::token> t) {
                           self->landed(d, f, id, std::move(e), std::move(t));
                       })));
}

void verifier_shell::landed(const token_digest& d, verifier_fsm::flight_id f, const std::string& id,
                            std::exception_ptr e, std::optional<hub::token> t) {
    auto answer = e ? hub_answer::failed(e) : t ? hub_answer::valid(*t) : hub_answer::not_found();
    verifier_fsm::settlement s;
    std::vector<verify_handler> ready;
    {
        std::lock_guard lock(mutex_);
        calls_.erase(f);  // only now: the call no longer uses its signal
        s = cache_.settle(d, f, std::move(answer), std::chrono::steady_clock::now(),
                          std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
        ready.reserve(s.waiters.size());
        for (auto w : s.waiters) {
            auto it = waiters_.find(w);
            ready.emplace_back().swap(it->second);
            waiters_.erase(it);
        }
    }
    using kind = verifier_fsm::settlement::kind;
    if (ready.empty()) log(log_level::debug, "verifier: the call for token " + id + " ended with nobody waiting");
    else if (s.what == kind::valid)
        log(log_level::debug, "verifier: token " + s.answer->id + " is valid (user " + std::to_string(s.answer->user) + ")");
    else if (s.what == kind::invalid) log(log_level::debug, "verifier: token " + id + " is unknown or expired (404)");
    else if (s.what == kind::stale) log(log_level::warning, "verifier: token " + id + " served stale: " + describe(e));
    else log(log_level::warning, "verifier: checking token " + id + " failed: " + describe(e));
    for (auto& h : ready) complete(std::move(h), s.error, s.answer);
}

void verifier_shell::leave(const token_digest& d, verifier_fsm::waiter_id w) {
    verify_handler h;
    {
        std::lock_guard lock(mutex_);
        auto it = waiters_.find(w);
        if (it == waiters_.end()) return;  // answered already
        h.swap(it->second);
        waiters_.erase(it);
        if (auto f = cache_.leave(d, w)) {
            // Emitted on the call's strand, where its completion handler runs and drops the
            // signal: so never after that, and the dispatch of co_spawn's handler runs inline.
            asio::post(calls_.at(*f)->strand, [self = shared_from_this(), f = *f] {
                asio::cancellation_signal* signal = nullptr;
                {
                    std::lock_guard lock(self->mutex_);
                    if (auto c = self->calls_.find(f); c != self->calls_.end()) signal = &c->second->signal;
                }
                if (signal) signal->emit(asio::cancellation_type::terminal);
            });
        }
    }
    complete(std::move(h), std::make_exception_ptr(failure(asio::error::operation_aborted, "verify: cancelled")),
             std::nullopt);
}

void verifier_shell::forget(const secret& token) {
    auto d = digest_of(token.reveal());
    std::lock_guard lock(mutex_);
    cache_.forget(d);
}

verifier_stats verifier_shell::stats() const {
    std::lock_guard lock(mutex_);
    return cache_.stats();
}

void verifier_shell::complete(verify_handler h, std::exception_ptr e, std::optional<verified_token> v) const {
    auto ex = asio::get_associated_executor(h, executor);
    // Posted through our executor, then run on the handler's own; the cancellation slot it used
    // is cleared there first.
    asio::post(executor, asio::bind_executor(ex, [h = std::move(h), e = std::move(e), v = std::move(v)]() mutable {
                   auto slot = asio::get_associated_cancellation_slot(h);
                   if (slot.is_connected()) slot.clear();
                   std::move(h)(std::move(e), std::move(v));
               }));
}

void verifier_shell::log(log_level level, const std::string& message) const {
    if (logger_ && level >= min_level_) logger_(level, message);
}

}  // namespace detail
}  // namespace stencila::hub
