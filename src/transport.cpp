#include "detail/transport.hpp"

#include "detail/connection.hpp"
#include "detail/connection_pool.hpp"
#include "detail/proxy.hpp"
#include "detail/retry.hpp"

#include "detail/failure.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/as_tuple.hpp>
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

#include <atomic>
#include <cstdlib>
#include <random>

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
          pool_(executor_, opts_.pool.max_connections, opts_.pool.idle_timeout) {
        if (base_.where.https) tls_ = make_tls_context(opts_);
        settings_.opts = &opts_;
        settings_.base = &base_;
        settings_.tls = tls_.get();
        settings_.proxy = choose_proxy(opts_, base_, [](const char* n) -> const char* { return std::getenv(n); });
        settings_.fixed_fields = "Host: " + base_.where.host_header + "\r\nUser-Agent: " + opts_.user_agent +
                                 "\r\nAccept: application/json\r\n";
        if (!opts_.api_key.empty())
            settings_.authorization =
                opts_.api_key_prefix.empty() ? opts_.api_key.reveal() : opts_.api_key_prefix + " " + opts_.api_key.reveal();
        if (base_.where.https && !opts_.tls.verify)
            log(opts_, log_level::warning, "TLS verification is OFF (options.tls.verify = false): any server can pose as " +
                                               base_.where.host_header);
    }

    // The first lease is awaited in this small frame (the request and the response are the
    // caller's); the retry loop's larger one exists only once the call has a connection or a
    // slot, so a call queued behind a busy pool costs little.
    asio::awaitable<void> exchange(const http_request& request, http_response& response) override {
        auto self = shared_from_this();  // outstanding operations keep the transport alive
        auto deadline = opts_.timeouts.request.count() > 0 ? clock::now() + opts_.timeouts.request
                                                           : clock::time_point::max();
        // `pool_.acquire` inlined: its frame would add ~200 bytes to every queued call (W3).
        auto lease = pool_.try_acquire(false);
        while (!lease) {
            auto [ec, granted] = co_await pool_.async_wait(deadline, false, asio::as_tuple(asio::use_awaitable));
            if (!ec) lease = std::move(granted);
            else if (ec == asio::error::try_again) lease = pool_.try_acquire(false);
            else if (ec == asio::error::operation_aborted) pool_type::throw_wait_error(ec);
            else fail(request, ec, io_phase::queued);
        }
        co_await attempts(std::move(*lease), request, response, deadline);
    }

    pool_stats stats() const override {
        auto s = pool_.stats();
        s.opened = opened_.load(std::memory_order_relaxed);
        s.retried = retried_.load(std::memory_order_relaxed);
        s.resumed = resumed_.load(std::memory_order_relaxed);
        return s;
    }

private:
    using clock = connection::clock;
    using pool_type = connection_pool<connection>;

    asio::awaitable<void> attempts(pool_type::lease lease, const http_request& request, http_response& response,
                                   clock::time_point deadline) {
        budget_.on_first_attempt();
        bool fresh = false;  // the stale-connection retry goes out on a new connection
        for (std::uint32_t attempt = 1;; lease = co_await pool_.acquire(deadline, fresh)) {  // retries queue again
            auto result = co_await attempt_once(std::move(lease), request, deadline);
            bool retryable_answer = !result.error && request.idempotent() && retryable_status(result.response.status);
            if (!result.error && !retryable_answer) {
                response = std::move(result.response);
                co_return;
            }

            if (result.stale && !fresh && request.idempotent()) {
                fresh = true;
                retried_.fetch_add(1, std::memory_order_relaxed);
                if (opts_.logger)
                    log(opts_, log_level::info, std::string("retrying ") + method_name(request.method) + " " +
                                                    std::string(request.route) + " on a fresh connection: " +
                                                    result.error.message());
                continue;
            }

            attempt_outcome outcome{result.error, result.response.status, result.connecting, request.idempotent()};
            if (retryable_answer) {
                for (const auto& [name, value] : result.response.headers)
                    if (boost::beast::iequals(name, "retry-after"))
                        outcome.retry_after = parse_retry_after(value, std::chrono::system_clock::now());
            }
            auto remaining = deadline == clock::time_point::max()
                                 ? std::chrono::milliseconds::max()
                                 : std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            auto decision = decide_retry(opts_.retry, outcome, attempt, jitter(), remaining, budget_);
            if (!decision.retry) {
                if (!result.error) {
                    response = std::move(result.response);  // the caller makes it an api_error
                    co_return;
                }
                fail(request, result.error, result.phase, result.note);
            }
            retried_.fetch_add(1, std::memory_order_relaxed);
            if (opts_.logger)
                log(opts_, log_level::info,
                    std::string("retrying ") + method_name(request.method) + " " + std::string(request.route) + " in " +
                        std::to_string(decision.delay.count()) + " ms (" + decision.why + "): " +
                        (result.error ? result.error.message() : "status " + std::to_string(result.response.status)));
            if (decision.delay.count() > 0) {
                asio::steady_timer timer(co_await asio::this_coro::executor, decision.delay);
                co_await timer.async_wait(asio::use_awaitable);  // cancellation ends the operation here
            }
            ++attempt;
            fresh = false;
        }
    }

    struct attempt_result {
        error_code error;
        io_phase phase = io_phase::connecting;
        bool connecting = false;  // failed while connecting: the request never left
        bool stale = false;       // failed on a reused connection before any response byte
        http_response response;
        std::string note;         // more for the message, e.g. the proxy's answer
    };

    // One try: a pooled or new connection, one exchange. Connections are discarded after any
    // failure; cancellation discards the connection and propagates.
    asio::awaitable<attempt_result> attempt_once(pool_type::lease lease, const http_request& request,
                                                 clock::time_point deadline) {
        attempt_result result;
        auto conn = std::move(lease.connection);
        const bool opening = !conn;
        bool opened = false;
        io_result open_error;
        std::exception_ptr thrown;  // cancellation, mostly
        try {
            if (opening) {
                conn = std::make_unique<connection>(connection_executor(), opts_.pool.thread_safe, settings_,
                                                    opts_.tls.session_resumption ? &sessions_ : nullptr);
                open_error = co_await conn->open(deadline);
                opened = !open_error.error;
            }
            if (!open_error.error) {
                auto attempt_deadline = opts_.timeouts.attempt.count() > 0
                                            ? std::min(deadline, clock::now() + opts_.timeouts.attempt)
                                            : deadline;
                auto exchanged = co_await conn->exchange(request, result.response, attempt_deadline);
                result.error = exchanged.error;
                result.phase = exchanged.phase;
                if (result.error == error::request_timeout && attempt_deadline < deadline)
                    result.error = error::attempt_timeout;  // the operation still has time: say which ran out
            }
        } catch (...) {
            thrown = std::current_exception();
        }
        // A connection on a strand resumes its caller there: back to the caller's own executor (no
        // hop when that is the io_context itself, whose thread this is; a hop when it is, say, a
        // strand guarding the caller's state). Even when the call was cancelled: the caller's
        // frames must not run on our strand, so this one co_await must not throw.
        if (opts_.pool.thread_safe) {
            bool throws = co_await asio::this_coro::throw_if_cancelled();
            co_await asio::this_coro::throw_if_cancelled(false);
            co_await asio::dispatch(asio::use_awaitable);
            co_await asio::this_coro::throw_if_cancelled(throws);
        }
        if (opened) {
            opened_.fetch_add(1, std::memory_order_relaxed);
            if (conn->resumed()) resumed_.fetch_add(1, std::memory_order_relaxed);
            if (opts_.logger) log(opts_, log_level::debug, "opened a connection to " + base_.where.host_header);
        }
        if (thrown || open_error) {
            if (open_error && conn->proxy_status())
                result.note = " (the proxy answered " + std::to_string(conn->proxy_status()) + ")";
            // A connection that never opened frees its slot; one that did is discarded: Beast
            // leaves a cancelled stream in no known state.
            pool_.release(opening && !opened ? nullptr : std::move(conn), false);
            if (thrown) std::rethrow_exception(thrown);
            result.error = open_error.error;
            result.phase = open_error.phase;
            result.connecting = true;
            co_return result;
        }
        if (!result.error) {
            bool keep = conn->keep_alive();
            pool_.release(std::move(conn), keep);
            if (opts_.logger)
                log(opts_, log_level::debug, std::string(method_name(request.method)) + " " + std::string(request.route) +
                                                 " -> " + std::to_string(result.response.status));
            co_return result;
        }
        result.stale = lease.reused && !conn->received_any() && result.error != error::request_timeout &&
                       result.error != error::attempt_timeout && result.error != asio::error::operation_aborted;
        pool_.release(std::move(conn), false);
        co_return result;
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

    // "<METHOD> <route>: <what it was doing> <host>[ through the proxy <proxy>]<note>"
    [[noreturn]] void fail(const http_request& request, error_code ec, io_phase phase, const std::string& note = {}) const {
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
        if (opts_.logger) log(opts_, log_level::warning, what + ": " + ec.message());
        throw detail::failure(ec, what);
    }

    asio::any_io_executor executor_;
    const options opts_;  // copies: operations in flight may outlive the client
    const base_url base_;
    std::unique_ptr<asio::ssl::context> tls_;
    connection_settings settings_;
    session_cache sessions_;
    pool_type pool_;
    retry_budget budget_{opts_.retry};
    std::atomic<std::uint64_t> opened_{0};
    std::atomic<std::uint64_t> retried_{0};
    std::atomic<std::uint64_t> resumed_{0};
};

}  // namespace

std::shared_ptr<transport> make_beast_transport(asio::any_io_executor executor, const options& opts,
                                                const base_url& base) {
    return std::make_shared<beast_transport>(std::move(executor), opts, base);
}

}  // namespace stencila::hub::detail
