#include "io/transport.hpp"

#include "sansio/call_settings.hpp"
#include "sansio/codec.hpp"
#include "io/connection.hpp"
#include "io/connection_pool.hpp"
#include "sansio/exchange_fsm.hpp"
#include "sansio/proxy.hpp"
#include "sansio/retry.hpp"

#include "sansio/failure.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/assert.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <openssl/ssl.h>

#include <cstdlib>
#include <mutex>
#include <random>
#include <tuple>

namespace stencila::hub::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::system_error;

void log(const options& opts, log_level level, std::string_view message) {
    if (opts.logger && level >= opts.min_log_level) opts.logger(level, message);
}

namespace {


std::unique_ptr<asio::ssl::context> make_tls_context(const options& opts) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
    const auto& t = opts.tls;
    auto load = [](const char* what, auto&& f) {
        error_code ec;
        f(ec);
        if (ec) throw detail::failure(make_error_code(error::invalid_argument), std::string("TLS: cannot load ") + what + ": " + ec.message());
    };
    if (t.ca_file.empty() && t.ca_directory.empty() && t.ca_pem.empty())
        load("the system's trusted CAs", [&](error_code& ec) { ctx->set_default_verify_paths(ec); });
    if (!t.ca_file.empty()) load("tls.ca_file", [&](error_code& ec) { ctx->load_verify_file(t.ca_file, ec); });
    if (!t.ca_directory.empty()) load("tls.ca_directory", [&](error_code& ec) { ctx->add_verify_path(t.ca_directory, ec); });
    if (!t.ca_pem.empty())
        load("tls.ca_pem", [&](error_code& ec) { ctx->add_certificate_authority(asio::buffer(t.ca_pem), ec); });
    if (!t.certificate_file.empty())
        load("tls.certificate_file", [&](error_code& ec) { ctx->use_certificate_chain_file(t.certificate_file, ec); });
    if (!t.certificate_pem.empty())
        load("tls.certificate_pem", [&](error_code& ec) { ctx->use_certificate_chain(asio::buffer(t.certificate_pem), ec); });
    if (!t.private_key_file.empty())
        load("tls.private_key_file", [&](error_code& ec) { ctx->use_private_key_file(t.private_key_file, asio::ssl::context::pem, ec); });
    if (!t.private_key_pem.empty())
        load("tls.private_key_pem", [&](error_code& ec) {
            ctx->use_private_key(asio::buffer(t.private_key_pem.reveal()), asio::ssl::context::pem, ec);
        });
    ctx->set_verify_mode(t.verify ? asio::ssl::verify_peer : asio::ssl::verify_none);
    return ctx;
}

class beast_transport final : public transport, public std::enable_shared_from_this<beast_transport> {
public:
    beast_transport(asio::any_io_executor executor, const options& opts, const base_url& base)
        : executor_(std::move(executor)), opts_(opts), base_(base),
          pool_(executor_, opts_.pool.max_connections, opts_.pool.idle_timeout, [this] { return make_connection(); }) {
        if (base_.where.https) tls_ = make_tls_context(opts_);
        settings_.opts = &opts_;
        settings_.base = &base_;
        settings_.tls = tls_.get();
        settings_.proxy = choose_proxy(opts_, base_, [](const char* n) -> const char* { return std::getenv(n); });
        settings_.fixed_fields = fixed_fields(base_.where.host_header, opts_.user_agent);
        if (base_.where.https && !opts_.tls.verify)
            log(opts_, log_level::warning, "TLS verification is OFF (options.tls.verify = false): any server can pose as " +
                                               base_.where.host_header);
    }

    // A call's first action is always a pooled connection by the call's deadline
    // (`exchange_fsm::start`). It is awaited here, in the call's smallest frame, before the machine
    // and its loop exist: a call queued behind a busy pool holds this frame, its caller's and one
    // waiter entry in the pool, nothing else (W3 in docs/benchmarks.md). The request and the
    // response are the caller's.
    asio::awaitable<void> exchange(const http_request& request, http_response& response) override {
        auto self = shared_from_this();  // outstanding operations keep the transport alive
        const auto deadline = deadline_of(request);
        auto lease = pool_.try_acquire(false);
        error_code queued;
        if (!lease) std::tie(queued, lease) = co_await wait_in_line(deadline, false);
        std::exception_ptr thrown;  // cancellation, mostly: it propagates once the call is back home
        try {
            co_await run(deadline, std::move(lease), queued, request, response);
        } catch (...) {
            thrown = std::current_exception();
        }
        co_await back_to_caller();
        if (thrown) std::rethrow_exception(thrown);
    }

    pool_stats stats() const override {
        auto s = pool_.stats();
        auto c = counters_.snapshot();
        s.retried = c.stale_retries + c.retries_connect + c.retries_status + c.retries_broken;
        return s;
    }
    hub::call_stats call_stats() const override { return counters_.snapshot(); }

private:
    using clock = connection::clock;
    using pool_type = connection_pool<connection>;

    // What a call goes by: its own settings (a `with` view's), or the client's.
    const call_settings& settings_of(const http_request& request) const {
        return request.call ? *request.call : *defaults_;
    }

    // The whole call's deadline, from now.
    clock::time_point deadline_of(const http_request& request) const {
        const auto& call = settings_of(request);
        return call.request_timeout.count() > 0 ? clock::now() + call.request_timeout : clock::time_point::max();
    }

    // A place in the pool's line: the lease, or why none came (its deadline, cancellation).
    asio::awaitable<std::tuple<error_code, pool_type::lease>> wait_in_line(clock::time_point deadline, bool fresh) {
        return pool_.async_wait(deadline, fresh, asio::as_tuple(asio::use_awaitable));
    }

    // Performs what the call's machine decides, one action at a time, from the connection (or
    // slot) `exchange` got for its first action, or why it got none (`queued`); `deadline` is the
    // whole call's. A failure throws
    // its message; so does cancellation, the connection discarded. An answer stands (the caller
    // makes an api_error of any non-2xx).
    asio::awaitable<void> run(clock::time_point deadline, std::optional<pool_type::lease> lease, error_code queued,
                              const http_request& request, http_response& response) {
        using kind = exchange_fsm::action::kind;
        const auto& call = settings_of(request);
        exchange_fsm fsm({&call.retry, &budget_, &counters_, deadline, call.attempt_timeout}, request.idempotent(),
                         request.method == http_method::delete_);
        auto act = fsm.start();
        BOOST_ASSERT(act.what == kind::acquire && act.first && !act.fresh && act.deadline == deadline);  // what exchange() got
        std::unique_ptr<connection> conn;  // the connection of the attempt under way
        error_code last_error;
        std::string proxy_note;  // the proxy's answer, when it refused the tunnel
        try {
            for (;;) {
                if (act.what == kind::done) break;
                if (act.what == kind::acquire) {
                    if (!act.first) {  // a later attempt's: the pool is asked now
                        if (!act.note.empty() && opts_.logger)
                            log(opts_, log_level::info, std::string("retrying ") + method_name(request.method) + " " +
                                                            std::string(request.route) + " " + std::string(act.note) +
                                                            ": " + last_error.message());
                        lease = pool_.try_acquire(act.fresh);
                        if (!lease) std::tie(queued, lease) = co_await wait_in_line(act.deadline, act.fresh);
                    }
                    if (queued) {
                        lease.reset();
                        act = fsm.on_lease(clock::now(), std::exchange(queued, {}), io_phase::queued, false, jitter());
                        continue;
                    }
                    if (!lease->connection) {
                        auto r = co_await pool_.open(*lease, act.deadline);
                        if (r) {
                            lease.reset();
                            proxy_note = r.proxy_status ? " (the proxy answered " + std::to_string(r.proxy_status) + ")" : "";
                            last_error = r.error;
                            act = fsm.on_lease(clock::now(), r.error, r.phase, false, jitter());
                            continue;
                        }
                        if (opts_.logger) log(opts_, log_level::debug, "opened a connection to " + base_.where.host_header);
                    }
                    conn = std::move(lease->connection);
                    const bool reused = lease->reused;
                    lease.reset();
                    act = fsm.on_lease(clock::now(), {}, io_phase::connecting, reused, jitter());
                } else if (act.what == kind::exchange) {
                    response = {};
                    auto r = co_await conn->exchange(request, call.authorization, response, act.deadline);
                    exchange_fsm::exchanged e{r.error, r.phase, conn->received_any(), conn->sent_any(), response.status,
                                              conn->keep_alive(), {}};
                    if (!r.error) e.retry_after = response.retry_after = retry_after_of(response, std::chrono::system_clock::now());
                    if (!r.error && opts_.logger)
                        log(opts_, log_level::debug, std::string(method_name(request.method)) + " " +
                                                         std::string(request.route) + " -> " + std::to_string(response.status));
                    last_error = r.error;
                    act = fsm.on_exchanged(clock::now(), e, jitter());
                } else if (act.what == kind::release) {
                    pool_.release(std::move(conn), act.keep);
                    act = fsm.on_released();
                } else {  // wait
                    if (opts_.logger)
                        log(opts_, log_level::info,
                            std::string("retrying ") + method_name(request.method) + " " + std::string(request.route) +
                                " in " + std::to_string(act.delay.count()) + " ms (" + std::string(act.note) + "): " +
                                (last_error ? last_error.message() : "status " + std::to_string(response.status)));
                    error_code waited;
                    if (act.delay.count() > 0) {
                        asio::steady_timer timer(co_await asio::this_coro::executor, act.delay);
                        std::tie(waited) = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
                    }
                    act = fsm.on_waited(waited);
                }
            }
        } catch (...) {
            if (conn) pool_.release(std::move(conn), false);  // Beast leaves a cancelled stream in no known state
            throw;
        }
        BOOST_ASSERT_MSG(fsm.refused_events() == 0, "transport fed exchange_fsm an event out of order");
        if (act.error) fail(request, act.error, act.phase, proxy_note, limit_of(act.error, call, deadline));
        if (act.removed_earlier) {
            response.removed_earlier = true;
            if (opts_.logger)
                log(opts_, log_level::warning,
                    std::string(method_name(request.method)) + " " + std::string(request.route) +
                        ": 404 after an earlier attempt's answer was lost: taken as removed (that attempt most "
                        "likely removed it; the Hub no longer has it)");
        }
    }

    // Connections complete on their own strand when the client is thread-safe: the caller's frames
    // must not run there, so the call goes back to its own executor once, at its end (no hop when
    // that is the io_context itself, whose thread this is). Even when the call was cancelled, so
    // this one co_await must not throw.
    asio::awaitable<void> back_to_caller() {
        if (!opts_.pool.thread_safe) co_return;
        bool throws = co_await asio::this_coro::throw_if_cancelled();
        co_await asio::this_coro::throw_if_cancelled(false);
        co_await asio::dispatch(asio::use_awaitable);
        co_await asio::this_coro::throw_if_cancelled(throws);
    }

    std::unique_ptr<connection> make_connection() {
        return std::make_unique<connection>(connection_executor(), opts_.pool.thread_safe, settings_,
                                            opts_.tls.session_resumption ? &sessions_ : nullptr);
    }

    // A new connection's executor: its own strand when the client is thread-safe (a strand of the
    // io_context's executor type itself when it is one, which costs less than a strand of the
    // type-erased executor).
    asio::any_io_executor connection_executor() const {
        if (!opts_.pool.thread_safe) return executor_;
        if (const auto* ioc = executor_.target<asio::io_context::executor_type>()) return asio::make_strand(*ioc);
        return asio::make_strand(executor_);
    }

    static double jitter() {
        thread_local std::mt19937_64 engine{std::random_device{}()};
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    }

    // For a timeout, the limit that ran out and its value: "timeouts.request (500 ms) passed". The
    // code's message is the same for every call (error_category); the limit is this call's, so it
    // goes in the failure's detail, as a walk names its `paging::deadline`. Connecting and the
    // TLS handshake end at their own limit or at the call's deadline, whichever comes first.
    std::string limit_of(error_code ec, const call_settings& call, clock::time_point deadline) const {
        auto named = [](std::string_view name, std::chrono::milliseconds value) {
            return std::string(name) + " (" + std::to_string(value.count()) + " ms) passed";
        };
        const bool call_deadline_passed = deadline != clock::time_point::max() && clock::now() >= deadline;
        if (ec == error::request_timeout || ec == error::pool_timeout || (call_deadline_passed &&
            (ec == error::connect_timeout || ec == error::tls_handshake_timeout)))
            return named(call.request_timeout_name, call.request_timeout);
        if (ec == error::attempt_timeout) return named(call.attempt_timeout_name, call.attempt_timeout);
        if (ec == error::connect_timeout) return named("timeouts.connect", opts_.timeouts.connect);
        if (ec == error::tls_handshake_timeout) return named("timeouts.tls_handshake", opts_.timeouts.tls_handshake);
        return {};
    }

    // "<METHOD> <route>: <what it was doing> <host>[ through the proxy <proxy>]<note>: <message>[: <limit>]"
    [[noreturn]] void fail(const http_request& request, error_code ec, io_phase phase, const std::string& note = {},
                           std::string limit = {}) const {
        std::string what = std::string(method_name(request.method)) + " " + std::string(request.route) + ": ";
        const auto& host = base_.where.host_header;
        switch (phase) {
            case io_phase::queued: what += "waiting for a pooled connection to " + host; break;
            case io_phase::resolving:
                what += "resolving " + (settings_.proxy ? settings_.proxy->where.host : base_.where.host);
                break;
            case io_phase::connecting: what += "connecting to " + host; break;
            case io_phase::tunnel: what += "opening a tunnel to " + host; break;
            case io_phase::tls: what += "TLS handshake with " + host; break;
            case io_phase::sending: what += "sending to " + host; break;
            case io_phase::waiting: what += "waiting for " + host; break;
            case io_phase::reading: what += "reading from " + host; break;
        }
        if (settings_.proxy) what += " through the proxy " + settings_.proxy->where.host_header;
        what += note;
        if (opts_.logger) log(opts_, log_level::warning, what + ": " + ec.message() + (limit.empty() ? "" : ": " + limit));
        throw detail::failure(ec, what, std::move(limit));
    }

    asio::any_io_executor executor_;
    const options opts_;  // copies: operations in flight may outlive the client
    const base_url base_;
    std::unique_ptr<asio::ssl::context> tls_;
    connection_settings settings_;
    session_cache sessions_;
    pool_type pool_;
    retry_budget budget_{opts_.retry};
    call_counters counters_;
    call_ptr defaults_ = call_settings::of(opts_);  // for requests that carry no call settings
};

}  // namespace

std::shared_ptr<transport> make_transport(const asio::any_io_executor& executor, const options& opts,
                                          const base_url& base) {
    return std::make_shared<beast_transport>(executor, opts, base);
}

}  // namespace stencila::hub::detail
