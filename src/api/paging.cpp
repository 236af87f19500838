// Auto-paging ranges (page_range, token_range): the public face of a walk (walk.hpp).
#include "api/completion.hpp"
#include "api/walk.hpp"

#include "sansio/failure.hpp"

#include <stencila/hub/tokens_api.hpp>
#include <stencila/hub/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace stencila::hub {
namespace asio = boost::asio;
using boost::system::system_error;

// page_range

page_range::page_range(std::shared_ptr<detail::walk> w) : walk_(std::move(w)) {}
page_range::page_range(page_range&&) noexcept = default;
page_range& page_range::operator=(page_range&& other) noexcept {
    if (this != &other) {
        if (walk_) walk_->stop();
        walk_ = std::move(other.walk_);
    }
    return *this;
}
page_range::~page_range() {
    if (walk_) walk_->stop();
}

asio::awaitable<std::optional<token_page>> page_range::next() {
    auto w = walk_;
    if (!w) co_return std::nullopt;
    co_return co_await asio::co_spawn(
        w->strand(), [](std::shared_ptr<detail::walk> w) { return w->next(); }(w), asio::use_awaitable);
}

void page_range::start_next(diagnostics* diag, detail::handler_of<std::optional<token_page>> h) {
    boost::asio::any_io_executor ex = walk_ ? walk_->executor() : boost::asio::any_io_executor(boost::asio::system_executor());
    detail::launch<std::optional<token_page>>(ex, diag, std::move(h), [this] { return next(); });
}

std::int64_t page_range::offset() const noexcept { return walk_ ? walk_->reached.load() : 0; }
bool page_range::listing_changed() const noexcept { return walk_ && walk_->changed.load(); }
std::int64_t page_range::repeats_dropped() const noexcept { return walk_ ? walk_->repeats.load() : 0; }
std::int64_t page_range::shortfall() const noexcept { return walk_ ? walk_->shortfall.load() : 0; }
std::optional<std::int64_t> page_range::count() const noexcept {
    auto n = walk_ ? walk_->total.load() : -1;
    return n < 0 ? std::nullopt : std::optional<std::int64_t>(n);
}

// token_range

token_range::token_range(page_range pages) : pages_(std::move(pages)) {}

asio::awaitable<std::optional<token>> token_range::next() {
    for (;;) {
        if (page_ && index_ < page_->results.size()) {
            co_return std::move(page_->results[index_++]);
        }
        page_ = co_await pages_.next();
        index_ = 0;
        if (!page_) co_return std::nullopt;
    }
}

asio::awaitable<std::vector<token>> token_range::collect(std::optional<std::size_t> max_items) {
    std::vector<token> out;
    while (!max_items || out.size() < *max_items) {
        auto t = co_await next();
        if (!t) break;
        out.push_back(std::move(*t));
    }
    co_return out;
}

void token_range::start_next(diagnostics* diag, detail::handler_of<std::optional<hub::token>> h) {
    boost::asio::any_io_executor ex = pages_.walk_ ? pages_.walk_->executor() : boost::asio::any_io_executor(boost::asio::system_executor());
    detail::launch<std::optional<hub::token>>(ex, diag, std::move(h), [this] { return next(); });
}

// The page's walk is past the current page; its tokens not yet yielded sit at distinct positions
// before that (fewer than the page's positions when repeats were dropped from it), so resuming
// from here never skips one.
std::int64_t token_range::offset() const noexcept {
    auto left = page_ ? static_cast<std::int64_t>(page_->results.size() - index_) : 0;
    return std::max<std::int64_t>(0, pages_.offset() - left);
}

asio::awaitable<token_range::iterator> token_range::begin() {
    iterator it;
    it.range_ = this;
    it.current_ = co_await next();
    co_return it;
}

asio::awaitable<void> token_range::iterator::operator++() {
    current_ = co_await range_->next();
}

// tokens_api

page_range tokens_api::pages(paging p) const {
    if (p.page_size <= 0 || p.offset < 0 || p.concurrency == 0 || (p.max_items && *p.max_items < 0))
        throw detail::failure(make_error_code(error::invalid_argument),
                           "pages: page_size and concurrency must be positive, offset and max_items not negative");
    if (call_->api_key.empty())
        throw detail::failure(make_error_code(error::invalid_argument), "pages: listing tokens needs an API key (options::api_key or call_options::api_key)");
    return page_range{std::make_shared<detail::walk>(state_, call_, p)};
}

token_range tokens_api::all(paging p) const { return token_range{pages(p)}; }

}  // namespace stencila::hub
