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

/// How a walk goes (`tokens_api::pages`, `tokens_api::all`). Plain values, every one with a
/// default; `tokens_api::pages` rejects the ones out of range with `error::invalid_argument`.
struct paging {
    std::int64_t page_size = 50;  ///< `limit` of each request, in tokens, at least 1 (the Hub's default is 50)
    std::int64_t offset = 0;      ///< index of the first token wanted, from 0 (resume from a range's `offset()`)
    /// Tokens to yield at most, from `offset` (at least 0); none: all of them. Pages are cut there.
    std::optional<std::int64_t> max_items{};
    /// Pages held ahead of the consumer while it works (fetched, or in flight), 1 by default;
    /// 0: a page is fetched only when the consumer waits for it. With `concurrency`, at most
    /// `prefetch + concurrency` pages are held besides the one the consumer has.
    std::size_t prefetch = 1;
    /// Pages fetched at once by offset once `count` is known, over the pool, still yielded in
    /// order; 1 (the default) follows each page's `next` link instead. At least 1.
    std::size_t concurrency = 1;
    /// The whole walk must end within this long, counted from the `pages()` or `all()` call: a
    /// `next()` that would wait past it ends the walk with `error::walk_timeout`. Zero (the
    /// default): no limit. Each page's request still has the call deadline.
    std::chrono::milliseconds deadline{0};
    /// What a walk does when the listing changes under it: `count` differs between pages (tokens
    /// created or deleted meanwhile), a token yielded before comes again at a later position
    /// (it is dropped, whatever the policy: see `repeats_dropped()`), or at the end fewer distinct
    /// tokens were yielded than positions walked (see `shortfall()`).
    enum class on_change {
        ignore,  ///< walk on (to the smaller `count` if tokens were deleted); repeats are still dropped
        report,  ///< the same, and the range's `listing_changed()` becomes true (a warning is logged)
        fail     ///< end the walk with `error::listing_changed` where it showed: at the page with the
                 ///< new `count`, at the repeat's position, or after the last token for a shortfall
    } listing_changed = on_change::ignore;  ///< what a changing listing does; `ignore` by default
    /// Extra passes a walk makes when it reached its end short (`shortfall()`: the listing moved
    /// behind it): each walks the same range again and yields only the tokens not yielded yet,
    /// until none is missing or the passes run out (the shortfall left is then reported per
    /// `listing_changed`). A repair pass's tokens come after the first pass's, so the walk is then
    /// no longer in listing order, and `offset()` starts again from `offset` for each pass. 0 (the
    /// default): none, since a pass costs as many requests as the first one, and a walk that wants
    /// listing order or a resumable `offset()` must not get either silently changed.
    std::size_t repair = 0;
    /// Ask for gzip (`Accept-Encoding: gzip`); the Hub's front compresses pages of 10 KiB or more.
    /// Off by default.
    bool gzip = false;
};

/// A walk over pages of the caller's tokens (`tokens_api::pages`), strictly in order, in bounded
/// memory. Move-only; its `next()`, `offset()`, `count()`, `listing_changed()`,
/// `repeats_dropped()` and `shortfall()` are the whole interface. The walk's promise: no token is
/// yielded twice; over a listing that holds still, every token at offsets `[offset, count)` (or
/// up to `max_items`) is yielded once and in order, or the walk ends with an error at the
/// position where it could not be sure, after every page before it. A listing that moves during
/// the walk (the Hub's has no order) can hide tokens from any offset walk: what the walk can
/// tell is counted (`repeats_dropped()`, `shortfall()`) and reported per
/// `paging::listing_changed`.
class page_range {
public:
    /// Takes over another range's walk; that range is left empty (its `next()` gives nothing).
    page_range(page_range&&) noexcept;
    /// Ends this range's walk, as destroying it does, then takes over another range's, which is
    /// left empty.
    /// @return `*this`
    page_range& operator=(page_range&&) noexcept;
    /// Ends the walk: the fetches in flight are cancelled, and finish without touching the range.
    ~page_range();

    /// The next page in order, or nothing when the walk is over.
    /// @return the next page (its `results` cut at `max_items`; the first page is yielded even
    ///         when empty, for an empty listing), or `std::nullopt` once every page has been
    ///         yielded or after an error was thrown
    /// @throws boost::system::system_error (`api_error` for a non-2xx answer) with a code under
    ///         Errors, where it happened
    /// \hubwalk_sends
    /// \hubop_token{std::optional<token_page>}
    /// \hubwalk_running
    /// @par Errors
    /// At the position where it happened, after every page before it; the walk is then over
    /// (a cancelled `next()` excepted):
    /// - any error of `tokens_api::list` at that page: `api_error` (403 "Invalid token." for a
    ///   key the Hub does not know or that has expired; 429, 502, 503 or 504 once the retries
    ///   are spent...), `error::malformed_response`, a transport error or a timeout;
    /// - `error::invalid_next_link`: a page's `next` link does not name the offset where its
    ///   items end (it does not advance, skips or goes back); raised before that page's items;
    /// - `error::cross_origin_link`: a `next` link to another origin, not followed (the key
    ///   never goes elsewhere);
    /// - `error::incomplete_listing`: an empty page, or `next: null`, before `count`;
    /// - `error::inconsistent_page`: a page holds more items than its offset and `count` leave
    ///   room for, or starts with the first page's first item again (a server that ignores
    ///   `offset`);
    /// - `error::listing_changed`, with `paging::on_change::fail`: `count` changed (at that
    ///   page), a token yielded before came again (at its position), or the walk reached its end
    ///   with fewer distinct tokens than positions (after the last page);
    /// - `error::walk_timeout`: `paging::deadline` passed;
    /// - `operation_aborted`: this `next()` was cancelled; the walk goes on.
    /// \hubwalk_common
    boost::asio::awaitable<std::optional<token_page>> next();
    /// `next()` with any completion token.
    /// @param token the completion token
    /// \hubwalk_overload{next(),std::optional<token_page>}
    template <class CompletionToken>
    auto next(CompletionToken&& token) {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return next();
        else return next_with(nullptr, std::forward<CompletionToken>(token));
    }
    /// `next()` with any completion token, keeping what an error had to say.
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// \hubwalk_overload{next(),std::optional<token_page>}
    template <class CompletionToken>
    auto next(diagnostics& diag, CompletionToken&& token) {
        return next_with(&diag, std::forward<CompletionToken>(token));
    }

    /// Where a new walk would resume (its `paging::offset`). Readable from any thread at any time.
    /// @return the offset of the first token not yet yielded
    [[nodiscard]] std::int64_t offset() const noexcept;
    /// Whether `count` changed during the walk. Readable from any thread at any time.
    /// @return true once a page's `count` differed from the first page's, a token came again, or
    ///         the walk ended short (`shortfall()`); only noticed when `paging::listing_changed`
    ///         is `report` or `fail`
    [[nodiscard]] bool listing_changed() const noexcept;
    /// The listing's total, for progress. Readable from any thread at any time.
    /// @return once the first page has landed, its `count` (or a smaller `count` a later page
    ///         gave, at which the walk then ends); before that, nothing
    [[nodiscard]] std::optional<std::int64_t> count() const noexcept;
    /// Tokens the walk dropped because it had yielded them already (the listing moved: the Hub's
    /// list has no order, and an updated token can come back at another position). Readable
    /// from any thread at any time.
    /// @return how many so far, whatever `paging::listing_changed` says
    [[nodiscard]] std::int64_t repeats_dropped() const noexcept;
    /// Tokens the walk missed, as far as it can tell: once it has reached its end, the positions
    /// walked (`[offset, count)`, or up to `max_items`) less the distinct tokens yielded.
    /// Readable from any thread at any time.
    /// @return 0 before the end, when nothing was missed, or when the walk ended otherwise
    [[nodiscard]] std::int64_t shortfall() const noexcept;

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

/// A walk over the caller's tokens, one at a time (`tokens_api::all`), strictly in order, in
/// bounded memory: the tokens of a `page_range`'s pages. Move-only. Three ways to consume it:
/// @code
/// auto tokens = hub.tokens().all({.page_size = 100, .concurrency = 4});
/// while (auto t = co_await tokens.next()) std::cout << t->id << '\n';
///
/// auto rest = hub.tokens().all({.offset = tokens.offset()});  // a new walk, from where one stopped
/// for (auto it = co_await rest.begin(); it != rest.end(); co_await ++it) std::cout << it->id << '\n';
///
/// std::vector<hub::token> first_ten = co_await hub.tokens().all({.max_items = 10}).collect();
/// @endcode
class token_range {
public:
    /// The next token in order, or nothing when the walk is over.
    /// @return the next token, or `std::nullopt` once every token has been yielded (up to
    ///         `paging::max_items`) or after an error was thrown
    /// @throws boost::system::system_error (`api_error` for a non-2xx answer) with a code under
    ///         Errors, where it happened
    /// \hubwalk_sends
    /// \hubop_token{std::optional<token>}
    /// \hubwalk_running
    /// @par Errors
    /// Those of page_range::next(), at the position where they happened: after every token
    /// before it; the walk is then over (a cancelled `next()` excepted). That is, any error of
    /// `tokens_api::list` at that page (`api_error`, `error::malformed_response`, a transport
    /// error or a timeout), `error::invalid_next_link`, `error::cross_origin_link`,
    /// `error::incomplete_listing`, `error::inconsistent_page`, `error::listing_changed` (with
    /// `paging::on_change::fail`), `error::walk_timeout`; and `operation_aborted` when this
    /// `next()` is cancelled, after which the walk goes on.
    /// \hubwalk_common
    boost::asio::awaitable<std::optional<token>> next();
    /// `next()` with any completion token.
    /// @param token the completion token
    /// \hubwalk_overload{next(),std::optional<token>}
    template <class CompletionToken>
    auto next(CompletionToken&& token) {
        if constexpr (detail::is_use_awaitable<CompletionToken>) return next();
        else return next_with(nullptr, std::forward<CompletionToken>(token));
    }
    /// `next()` with any completion token, keeping what an error had to say.
    /// @param diag  filled when the operation fails, cleared when it succeeds; it must outlive
    ///              the operation
    /// @param token the completion token
    /// \hubwalk_overload{next(),std::optional<token>}
    template <class CompletionToken>
    auto next(diagnostics& diag, CompletionToken&& token) {
        return next_with(&diag, std::forward<CompletionToken>(token));
    }
    /// The walk's next tokens, gathered: up to `max_items` of them, all the rest when not given.
    /// @param max_items tokens to gather at most; 0 gives none, at once
    /// @return the tokens, in order; fewer than `max_items` when the walk ended first
    /// @throws boost::system::system_error (`api_error` for a non-2xx answer) as `next()` does;
    ///         the tokens gathered so far are then lost, though `offset()` is past them
    /// \hubwalk_sends
    /// @par Completion
    /// Only the default form: returns an `asio::awaitable<std::vector<token>>`, which runs when
    /// awaited and throws on failure. For a completion token, call `next(token)` in a loop.
    /// @par Executor
    /// Resumes on the awaiting coroutine's executor; the walk's own work runs on a strand of
    /// the client's executor.
    /// @par Cancellation
    /// Terminal per-operation cancellation of the `next()` it waits in ends it with
    /// `operation_aborted`: the tokens gathered are lost (`offset()` is past them), the fetches
    /// in flight go on, and the range stays usable.
    /// @par Errors
    /// Those of `next()`, at the position where they happened. The tokens gathered before it are
    /// lost, and `offset()` is past them: to have them again, walk again from the `offset()` read
    /// before `collect()`.
    /// \hubwalk_common
    boost::asio::awaitable<std::vector<token>> collect(std::optional<std::size_t> max_items = std::nullopt);
    /// Where a new walk would resume (its `paging::offset`). Only for the consumer's thread.
    /// @return the offset of the first token not yet yielded (when the walk dropped repeats from
    ///         the current page, an offset at or before it: a resumed walk skips nothing)
    [[nodiscard]] std::int64_t offset() const noexcept;
    /// Whether `count` changed during the walk. Readable from any thread at any time.
    /// @return true once a page's `count` differed from the first page's; only noticed when
    ///         `paging::listing_changed` is `report` or `fail`
    [[nodiscard]] bool listing_changed() const noexcept { return pages_.listing_changed(); }
    /// The listing's total, for progress. Readable from any thread at any time.
    /// @return once the first page has landed, its `count` (or a smaller one a later page gave,
    ///         at which the walk then ends); before that, nothing
    [[nodiscard]] std::optional<std::int64_t> count() const noexcept { return pages_.count(); }
    /// As page_range::repeats_dropped().
    /// @return tokens dropped for coming again, so far
    [[nodiscard]] std::int64_t repeats_dropped() const noexcept { return pages_.repeats_dropped(); }
    /// As page_range::shortfall().
    /// @return tokens missed as far as the walk can tell, once it has reached its end
    [[nodiscard]] std::int64_t shortfall() const noexcept { return pages_.shortfall(); }

    /// Where an iteration is: the current token, or the end. Not a standard iterator: its `++`
    /// is awaited, `co_await ++it`, and throws as `token_range::next()` does. Compares equal to
    /// `end()` once the walk is over.
    class iterator {
    public:
        /// The current token; valid until the next `++`, and not at `end()`.
        /// @return the current token
        const token& operator*() const noexcept { return *current_; }
        /// The current token's members; valid until the next `++`, and not at `end()`.
        /// @return a pointer to the current token
        const token* operator->() const noexcept { return &*current_; }
        /// Awaits the next token, as `token_range::next()` does (same sections: what it sends,
        /// its cancellation, errors, deadline, thread-safety and lifetimes); at the end of the
        /// walk the iterator becomes equal to `end()`.
        /// @return an awaitable that completes once the iterator has moved
        /// @throws boost::system::system_error (`api_error` for a non-2xx answer) as
        ///         `token_range::next()` does; the iterator then stays where it was
        boost::asio::awaitable<void> operator++();
        /// Whether both iterators are at the end, or both are not: only `it != r.end()` is meant.
        /// @param a an iterator
        /// @param b another
        /// @return whether `a` and `b` are both at the end, or both not
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.current_.has_value() == b.current_.has_value();
        }

    private:
        friend class token_range;
        token_range* range_ = nullptr;
        std::optional<token> current_;
    };
    /// Starts an iteration: awaits the walk's next token (its first, on a new range), as `next()`
    /// does.
    /// @return an iterator at that token, or equal to `end()` when there is none
    /// @throws boost::system::system_error (`api_error` for a non-2xx answer) as `next()` does
    /// \hubwalk_sends
    /// @par Completion
    /// Only the default form: returns an `asio::awaitable<iterator>`, which runs when awaited and
    /// throws on failure. For a completion token, call `next(token)`.
    /// @par Executor
    /// Resumes on the awaiting coroutine's executor; the walk's own work runs on a strand of
    /// the client's executor.
    /// @par Cancellation
    /// As `next()`: a cancelled wait throws `operation_aborted`, the fetches in flight go on,
    /// and the range stays usable.
    /// @par Errors
    /// Those of `next()`, at the position where they happened.
    /// \hubwalk_common
    boost::asio::awaitable<iterator> begin();
    /// The end of an iteration.
    /// @return an iterator equal to any at the end of the walk
    iterator end() noexcept { return {}; }

private:
    friend class tokens_api;
    explicit token_range(page_range pages);
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
};

}  // namespace stencila::hub
