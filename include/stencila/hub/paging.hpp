// Auto-paging: walk every page of a token listing, in order, in bounded memory.
//
//     auto all = hub.tokens().all({.page_size = 100, .concurrency = 8});
//     while (auto t = co_await all.next()) use(*t);
//
// A walk fetches the first page, then either follows each page's `next` link (concurrency 1) or,
// once `count` is known, fetches up to `concurrency` pages by offset at once over the pool. Pages
// are always yielded strictly in order. At most `prefetch + concurrency` pages are held (fetched
// or in flight) besides the one the consumer has, whatever the total.
//
// Errors are delivered at the position where they happened: after every item before it, `next()`
// throws, and the range is then over. Destroying a range (or leaving a loop early) cancels the
// fetches in flight; nothing they touch dangles.
//
// `next()`, `begin()`, `++it` and `collect()`:
// - return `asio::awaitable`; resume on the awaiting coroutine's executor;
// - must not overlap on one range (one consumer at a time); different ranges are independent;
// - honour terminal cancellation: `next()` throws `operation_aborted`, the range stays usable and
//   the fetches in flight go on;
// - `next(token)` takes any Asio completion token, handler `void(error_code, std::optional<T>)`,
//   completed on its associated executor (default: the client's); the range must outlive it.
//   `next(diag, token)` also keeps what the error had to say; `next(asio::use_awaitable)` is
//   `next()`.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <stencila/hub/detail/handler.hpp>
#include <stencila/hub/diagnostics.hpp>
#include <stencila/hub/models.hpp>

#include <boost/asio/async_result.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace stencila::hub {

namespace detail {
class client_state;
class walk;
}

/// How a walk goes.
struct paging {
    std::int64_t page_size = 50;  ///< `limit` of each request (the Hub's default is 50)
    std::int64_t offset = 0;      ///< where the walk starts (resume from a range's `offset()`)
    std::optional<std::int64_t> max_items{};  ///< stop after this many tokens
    std::size_t prefetch = 1;     ///< pages fetched ahead while the consumer works
    /// Pages fetched at once by offset once `count` is known; 1 = follow `next` links.
    std::size_t concurrency = 1;
    /// The whole walk must end by then (`error::request_timeout`); zero = no limit.
    std::chrono::milliseconds deadline{0};
    /// What to do when `count` differs between pages (tokens created or deleted meanwhile).
    enum class on_change { ignore, report, fail } listing_changed = on_change::ignore;
    /// Ask for gzip (`Accept-Encoding: gzip`); the Hub's front compresses pages of 10 KiB or more.
    bool gzip = false;
};

/// A walk over pages of the caller's tokens. Move-only.
class page_range {
public:
    page_range(page_range&&) noexcept;
    page_range& operator=(page_range&&) noexcept;
    ~page_range();

    /// The next page in order, or nothing when the walk is over. Throws where an error happened.
    boost::asio::awaitable<std::optional<token_page>> next();
    /// The same with any completion token.
    template <class CompletionToken>
    auto next(CompletionToken&& token) {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return next();
        else return next_with(nullptr, std::forward<CompletionToken>(token));
    }
    template <class CompletionToken>
    auto next(diagnostics& diag, CompletionToken&& token) {
        return next_with(&diag, std::forward<CompletionToken>(token));
    }

    /// Offset of the first token not yet yielded: where a new walk would resume.
    [[nodiscard]] std::int64_t offset() const noexcept;
    /// `count` changed during the walk (reported when `listing_changed` is not `ignore`).
    [[nodiscard]] bool listing_changed() const noexcept;
    /// The listing's total once the first page has landed (its `count`, or a smaller `count` a
    /// later page gave, which the walk then ends at): for progress.
    [[nodiscard]] std::optional<std::int64_t> count() const noexcept;

private:
    friend class tokens_api;
    friend class token_range;
    explicit page_range(std::shared_ptr<detail::walk> w);
    template <class CompletionToken>
    auto next_with(diagnostics* diag, CompletionToken&& token) {
        using signature = void(boost::system::error_code, std::optional<token_page>);
        return boost::asio::async_initiate<CompletionToken, signature>(
            [this](auto handler, diagnostics* d) {
                start_next(d, detail::handler_of<std::optional<token_page>>(std::move(handler)));
            },
            token, diag);
    }
    void start_next(diagnostics* diag, detail::handler_of<std::optional<token_page>> h);
    std::shared_ptr<detail::walk> walk_;
};

/// A walk over the caller's tokens, one at a time. Move-only.
class token_range {
public:
    /// The next token in order, or nothing when the walk is over. Throws where an error happened.
    boost::asio::awaitable<std::optional<token>> next();
    /// The same with any completion token.
    template <class CompletionToken>
    auto next(CompletionToken&& token) {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return next();
        else return next_with(nullptr, std::forward<CompletionToken>(token));
    }
    template <class CompletionToken>
    auto next(diagnostics& diag, CompletionToken&& token) {
        return next_with(&diag, std::forward<CompletionToken>(token));
    }
    /// Up to `max_items` tokens (all when not given).
    boost::asio::awaitable<std::vector<token>> collect(std::optional<std::size_t> max_items = std::nullopt);
    /// Offset of the first token not yet yielded.
    [[nodiscard]] std::int64_t offset() const noexcept;
    [[nodiscard]] bool listing_changed() const noexcept { return pages_.listing_changed(); }
    /// The listing's total, once the first page has landed: for progress.
    [[nodiscard]] std::optional<std::int64_t> count() const noexcept { return pages_.count(); }

    /// `for (auto it = co_await r.begin(); it != r.end(); co_await ++it) use(*it);`
    class iterator {
    public:
        const token& operator*() const noexcept { return *current_; }
        const token* operator->() const noexcept { return &*current_; }
        boost::asio::awaitable<void> operator++();
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.current_.has_value() == b.current_.has_value();
        }

    private:
        friend class token_range;
        token_range* range_ = nullptr;
        std::optional<token> current_;
    };
    boost::asio::awaitable<iterator> begin();
    iterator end() noexcept { return {}; }

private:
    friend class tokens_api;
    explicit token_range(page_range pages, std::optional<std::int64_t> max_items);
    template <class CompletionToken>
    auto next_with(diagnostics* diag, CompletionToken&& token) {
        using signature = void(boost::system::error_code, std::optional<hub::token>);
        return boost::asio::async_initiate<CompletionToken, signature>(
            [this](auto handler, diagnostics* d) {
                start_next(d, detail::handler_of<std::optional<hub::token>>(std::move(handler)));
            },
            token, diag);
    }
    void start_next(diagnostics* diag, detail::handler_of<std::optional<hub::token>> h);
    page_range pages_;
    std::optional<token_page> page_{};
    std::size_t index_ = 0;
    std::int64_t yielded_ = 0;
    std::int64_t start_ = 0;
    std::optional<std::int64_t> max_items_{};
};

}  // namespace stencila::hub
