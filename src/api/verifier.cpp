// `token_verifier`'s calls, over its shell (verifier_shell.hpp).
#include "api/verifier_shell.hpp"

#include "sansio/failure.hpp"
#include "api/completion.hpp"

#include <stencila/hub/datetime.hpp>
#include <stencila/hub/error.hpp>
#include <stencila/hub/verifier.hpp>

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

// The caller's `void(error_code, ...)` handler behind a `verify_handler`: same executor, same
// cancellation slot; the exception becomes a code (and, with `diagnostics`, its details).
class coded_verify_handler {
public:
    coded_verify_handler(handler_of<std::optional<verified_token>> h, diagnostics* d, const asio::any_io_executor& fallback)
        : executor_(asio::get_associated_executor(h, fallback)), handler_(std::move(h)), diag_(d) {}

    using executor_type = asio::any_completion_executor;
    [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }
    using cancellation_slot_type = asio::cancellation_slot;
    [[nodiscard]] cancellation_slot_type get_cancellation_slot() const noexcept { return handler_.get_cancellation_slot(); }

    void operator()(std::exception_ptr e, std::optional<verified_token> v) {
        auto ec = to_error_code(e, diag_);
        std::move(handler_)(ec, std::move(v));
    }

private:
    executor_type executor_;
    handler_of<std::optional<verified_token>> handler_;
    diagnostics* diag_;
};

asio::awaitable<void> remove_and_forget(std::shared_ptr<verifier_shell> s, secret t) {
    std::exception_ptr e;
    try {
        co_await s->source.remove(t);
    } catch (...) {
        e = std::current_exception();
    }
    s->forget(t);
    if (e) std::rethrow_exception(e);
}

}  // namespace

}  // namespace detail

token_verifier::token_verifier(client hub, verifier_options o) {
    const auto& opts = hub.config();
    state_ = std::make_shared<detail::verifier_shell>(hub.get_executor(), o, detail::tokens_source(hub), opts.logger,
                                                      opts.min_log_level);
}

token_verifier::token_verifier(client hub, verifier_options o, const secret& service_key) {
    if (service_key.empty())
        throw detail::failure(make_error_code(error::invalid_argument), "token_verifier: the service key is empty");
    const auto& opts = hub.config();
    state_ = std::make_shared<detail::verifier_shell>(hub.get_executor(), o, detail::tokens_source(hub, &service_key),
                                                      opts.logger, opts.min_log_level);
}

namespace detail {
namespace {

// The default form. An answer from the cache is given at once, without a handler, a post or a
// suspension: what a service pays on most of its requests (W5 in docs/benchmarks.md).
asio::awaitable<std::optional<verified_token>> verify_awaited(std::shared_ptr<verifier_shell> s, secret t) {
    std::optional<token_digest> d;
    if (!t.empty()) {
        if (s->malformed(t)) co_return std::nullopt;  // as a 404, without asking
        d = digest_of(t.reveal());
        if (auto hit = s->cached(*d)) co_return std::move(*hit);
    }
    using signature = void(std::exception_ptr, std::optional<verified_token>);
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, signature>(
        [&d](auto handler, const std::shared_ptr<verifier_shell>& state, secret token) {
            verify_handler h(std::move(handler));
            if (d) state->start(std::move(token), *d, std::move(h));
            else state->start(std::move(token), std::move(h));  // empty: its error, posted
        },
        asio::use_awaitable, s, std::move(t));
}

}  // namespace
}  // namespace detail

asio::awaitable<std::optional<verified_token>> token_verifier::verify(secret token) const {
    return detail::verify_awaited(state_, std::move(token));
}

void token_verifier::start_verify(const std::shared_ptr<detail::verifier_shell>& state, secret t, diagnostics* d,
                                  detail::handler_of<std::optional<verified_token>> h) {
    state->start(std::move(t), detail::verify_handler(detail::coded_verify_handler(std::move(h), d, state->executor)));
}

asio::awaitable<void> token_verifier::remove(secret token) const { return detail::remove_and_forget(state_, std::move(token)); }

void token_verifier::start_remove(const std::shared_ptr<detail::verifier_shell>& state, secret t, diagnostics* d,
                                  detail::handler_of<void> h) {
    detail::launch<void>(state->executor, d, std::move(h), [&] { return detail::remove_and_forget(state, std::move(t)); });
}

void token_verifier::forget(const secret& token) const { state_->forget(token); }
verifier_stats token_verifier::stats() const { return state_->stats(); }
const verifier_options& token_verifier::config() const { return state_->opts; }

}  // namespace stencila::hub
