// The token verifier's I/O shell around its `verifier_fsm`: one mutex guards the cache and the
// waiting handlers; the shell reads the clocks, starts the Hub calls the cache asks for (each a
// coroutine on its own strand, with a cancellation signal the shell emits when the cache says
// every waiter has gone), and posts each waiter's completion to its executor. What to answer,
// what to cache, when to call and when to cancel are the cache's decisions.
//
// A waiter costs one handler in `waiters_` and its id in the cache's flight: no coroutine frame
// of the verifier's own stays suspended per caller.
#pragma once

#include "sansio/verifier_fsm.hpp"

#include <stencila/hub/options.hpp>
#include <stencila/hub/client.hpp>
#include <stencila/hub/verifier_options.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace stencila::hub::detail {

/// Where a verifier's answers come from: a client's `tokens_api`, or anything in tests.
struct token_source {
    /// The token's details; nothing for a 404 (unknown or expired); throws for anything else.
    std::function<boost::asio::awaitable<std::optional<token>>(secret)> read;
    /// Deletes the token; throws as `tokens_api::remove` does.
    std::function<boost::asio::awaitable<void>(secret)> remove;
};

/// The source of a real verifier: `c.tokens()`, a 404 from `read` turned into nothing; with
/// `service_key`, reads send it (`call_options::authorize_reads`), removes do not.
token_source tokens_source(const client& c, const secret* service_key = nullptr);

using verify_handler = boost::asio::any_completion_handler<void(std::exception_ptr, std::optional<verified_token>)>;

class verifier_shell : public std::enable_shared_from_this<verifier_shell> {
public:
    /// Hub calls run on strands of `executor`, which also completes handlers with none of their own.
    verifier_shell(boost::asio::any_io_executor executor, verifier_options o, token_source source, log_function logger,
                   log_level min_level);
    ~verifier_shell();

    /// Starts one `verify`; `h` gets the answer, nothing (404), or the error.
    void start(secret token, verify_handler h);
    /// The same, for a token whose digest is `d` (a non-empty one).
    void start(secret token, const token_digest& d, verify_handler h);
    /// The cache's answer for digest `d` now, without waiting (`arrive`'s hits); nothing when it
    /// has none.
    std::optional<std::optional<verified_token>> cached(const token_digest& d);
    /// Whether `token` (a non-empty one) lacks a Hub token's shape: then it is counted, and is
    /// to be answered "invalid" at once.
    bool malformed(const secret& token);
    void forget(const secret& token);
    [[nodiscard]] verifier_stats stats() const;

    const boost::asio::any_io_executor executor;
    const verifier_options opts;
    const token_source source;

private:
    struct call;
    void call_hub(const token_digest& d, verifier_fsm::flight_id f, std::string id, secret token);  // under the mutex
    void landed(const token_digest& d, verifier_fsm::flight_id f, const std::string& id, std::exception_ptr e,
                std::optional<token> t);
    void leave(const token_digest& d, verifier_fsm::waiter_id w);
    void complete(verify_handler h, std::exception_ptr e, std::optional<verified_token> v) const;
    void log(log_level level, const std::string& message) const;

    const log_function logger_;
    const log_level min_level_;
    mutable std::mutex mutex_;
    verifier_fsm cache_;
    verifier_fsm::waiter_id next_waiter_ = 1;
    std::unordered_map<verifier_fsm::waiter_id, verify_handler> waiters_;
    // Each call's strand and cancellation signal live until its completion handler has run.
    std::unordered_map<verifier_fsm::flight_id, std::unique_ptr<call>> calls_;
};


}  // namespace stencila::hub::detail
