// Auto-paging walks (page_range, token_range) and remove_many.
#include "detail/launch.hpp"
#include "detail/walk.hpp"

#include "detail/failure.hpp"

#include <stencila/hub/client.hpp>
#include <stencila/hub/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace stencila::hub {
namespace asio = boost::asio;
using boost::system::system_error;

namespace detail {
namespace {

// a + b and a * b for non-negative values, stopping at INT64_MAX instead of overflowing.
std::int64_t sat_add(std::int64_t a, std::int64_t b) { return b > INT64_MAX - a ? INT64_MAX : a + b; }
std::int64_t sat_mul(std::int64_t a, std::int64_t b) { return a != 0 && b > INT64_MAX / a ? INT64_MAX : a * b; }

}  // namespace

std::int64_t walk::page_start(std::int64_t index) const noexcept {
    return sat_add(opts_.offset, sat_mul(index, opts_.page_size));
}

walk::walk(state_ptr client, paging p)
    : reached(p.offset), client_(std::move(client)), opts_(p), strand_(asio::make_strand(client_->executor)),
      wakeup_(strand_),
      deadline_(p.deadline.count() > 0 ? std::chrono::steady_clock::now() + p.deadline
                                       : std::chrono::steady_clock::time_point::max()) {}

bool walk::concurrent() const noexcept { return opts_.concurrency > 1; }

void walk::schedule() {
    if (finished_) return;
    std::size_t limit = opts_.prefetch + opts_.concurrency - 1;
    if (waiting_) limit = std::max<std::size_t>(limit, 1);
    while (in_flight_.size() + ready_.size() < limit) {
        if (scheduled_ == 0) {
            start_fetch(0, tokens_target(client_->base, opts_.page_size, opts_.offset));
            continue;
        }
        if (!end_) return;  // the first page has not landed: `count` is not known yet
        std::int64_t offset = page_start(scheduled_);
        if (offset >= *end_) return;
        if (concurrent()) {
            if (in_flight_.size() >= opts_.concurrency) return;
            start_fetch(scheduled_, tokens_target(client_->base, opts_.page_size, offset));
        } else {
            if (!in_flight_.empty() || !follow_) return;  // the next link comes with the page before
            auto target = std::move(*follow_);
            follow_.reset();  // before the fetch: it may land, and set the next link, at once
            start_fetch(scheduled_, std::move(target));
        }
    }
}

void walk::start_fetch(std::int64_t index, std::string target) {
    ++scheduled_;
    in_flight_.insert(index);
    auto& signal = *signals_.emplace(index, std::make_unique<asio::cancellation_signal>()).first->second;
    asio::co_spawn(strand_, fetch(shared_from_this(), index, std::move(target)),
                   asio::bind_cancellation_slot(signal.slot(), [self = shared_from_this(), index](std::exception_ptr) {
                       self->signals_.erase(index);  // only now: the operation no longer uses its slot
                   }));
}

asio::awaitable<void> walk::fetch(std::shared_ptr<walk> self, std::int64_t index, std::string target) {
    landed result;
    try {
        result.page = co_await list_page(self->client_, std::move(target), self->opts_.gzip);
    } catch (...) {
        result.error = std::current_exception();
    }
    self->on_landed(index, std::move(result));
}

void walk::on_landed(std::int64_t index, landed result) {
    in_flight_.erase(index);
    if (finished_) {
        wakeup_.cancel();  // a next() may still wait: let it see the walk is over
        return;
    }
    if (result.page) {
        const auto& page = *result.page;
        std::int64_t start = page_start(index);
        if (!count_) {
            count_ = page.count;
            total = page.count;
            end_ = opts_.max_items ? std::min(page.count, sat_add(opts_.offset, *opts_.max_items)) : page.count;
        } else if (page.count != *count_ && opts_.listing_changed != paging::on_change::ignore) {
            changed = true;
            log(client_->opts, log_level::warning,
                "paging: the listing changed during the walk (count " + std::to_string(*count_) + " became " +
                    std::to_string(page.count) + ")");
            if (opts_.listing_changed == paging::on_change::fail) {
                result.page.reset();
                result.error = std::make_exception_ptr(detail::failure(
                    make_error_code(error::listing_changed),
                    "paging: count changed from " + std::to_string(*count_) + " to " + std::to_string(page.count)));
            }
        }
        if (result.page) {
            bool enough = sat_add(start, opts_.page_size) >= *end_;  // this page reaches the end asked for
            if (concurrent() || enough || !page.next) {
                result.last = concurrent() ? enough : (enough || !page.next);
            } else if (auto target = same_origin_target(client_->base, *page.next)) {
                follow_ = std::move(*target);
            } else {
                // Never follow a link elsewhere (the key would go with it): the walk fails there.
                ready_[index + 1].error = std::make_exception_ptr(
                    detail::failure(make_error_code(error::cross_origin_link), "paging: `next` points at another origin"));
                ++scheduled_;
            }
        }
    }
    ready_[index] = std::move(result);
    schedule();
    wakeup_.cancel();
}

void walk::finish() {
    finished_ = true;
    ready_.clear();
    for (auto index : in_flight_) signals_.at(index)->emit(asio::cancellation_type::terminal);
    wakeup_.cancel();
}

void walk::stop() {
    asio::post(strand_, [self = shared_from_this()] { self->finish(); });
}

asio::awaitable<std::optional<token_page>> walk::next() {
    if (finished_) co_return std::nullopt;
    waiting_ = true;
    for (;;) {
        if (auto it = ready_.find(next_index_); it != ready_.end()) {
            waiting_ = false;
            landed l = std::move(it->second);
            ready_.erase(it);
            std::int64_t index = next_index_++;
            if (l.error) {
                finish();
                std::rethrow_exception(l.error);
            }
            auto& page = *l.page;
            std::int64_t start = page_start(index);
            // Pages fetched by offset must not overlap, whatever the server did with `limit`.
            if (concurrent() && static_cast<std::int64_t>(page.results.size()) > opts_.page_size)
                page.results.resize(static_cast<std::size_t>(opts_.page_size));
            if (end_ && sat_add(start, static_cast<std::int64_t>(page.results.size())) > *end_)
                page.results.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, *end_ - start)));
            reached = start + static_cast<std::int64_t>(page.results.size());
            if (l.last) finish();
            else schedule();
            co_return std::move(page);
        }
        schedule();
        if (ready_.count(next_index_)) continue;     // a fetch landed without suspending
        if (in_flight_.empty() && ready_.empty()) {  // nothing left to fetch
            finish();
            co_return std::nullopt;
        }
        wakeup_.expires_at(deadline_);
        auto [ec] = co_await wakeup_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!ec) {
            finish();
            throw detail::failure(make_error_code(error::request_timeout), "paging: the walk's deadline passed");
        }
        auto cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none) {
            waiting_ = false;
            throw detail::failure(asio::error::operation_aborted, "paging: next() cancelled");
        }
        if (finished_) {  // stopped while this next() waited
            waiting_ = false;
            co_return std::nullopt;
        }
    }
}

}  // namespace detail

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

void page_range::start_next(detail::handler_of<std::optional<token_page>> h) {
    boost::asio::any_io_executor ex = walk_ ? walk_->executor() : boost::asio::any_io_executor(boost::asio::system_executor());
    detail::launch<std::optional<token_page>>(ex, nullptr, std::move(h), [this] { return next(); });
}

std::int64_t page_range::offset() const noexcept { return walk_ ? walk_->reached.load() : 0; }
bool page_range::listing_changed() const noexcept { return walk_ && walk_->changed.load(); }
std::optional<std::int64_t> page_range::count() const noexcept {
    auto n = walk_ ? walk_->total.load() : -1;
    return n < 0 ? std::nullopt : std::optional<std::int64_t>(n);
}

// token_range

token_range::token_range(page_range pages, std::optional<std::int64_t> max_items)
    : pages_(std::move(pages)), start_(pages_.offset()), max_items_(max_items) {}

asio::awaitable<std::optional<token>> token_range::next() {
    for (;;) {
        if (page_ && index_ < page_->results.size()) {
            ++yielded_;
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

void token_range::start_next(detail::handler_of<std::optional<hub::token>> h) {
    boost::asio::any_io_executor ex = pages_.walk_ ? pages_.walk_->executor() : boost::asio::any_io_executor(boost::asio::system_executor());
    detail::launch<std::optional<hub::token>>(ex, nullptr, std::move(h), [this] { return next(); });
}

std::int64_t token_range::offset() const noexcept { return start_ + yielded_; }

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
    if (state_->opts.api_key.empty())
        throw detail::failure(make_error_code(error::invalid_argument), "pages: listing tokens needs options::api_key");
    return page_range{std::make_shared<detail::walk>(state_, p)};
}

token_range tokens_api::all(paging p) const {
    auto max_items = p.max_items;
    return token_range{pages(p), max_items};
}

namespace {

struct removal_batch {
    std::vector<secret> tokens;
    std::vector<remove_result> results;
    std::atomic<std::size_t> next{0};
};

asio::awaitable<void> remove_worker(detail::state_ptr s, std::shared_ptr<removal_batch> batch) {
    for (std::size_t i; (i = batch->next.fetch_add(1)) < batch->tokens.size();) {
        auto& result = batch->results[i];
        try {
            co_await detail::remove_token(s, detail::checked_token_target(*s, batch->tokens[i]));
            result.what = remove_result::outcome::removed;
        } catch (const api_error& e) {
            result.what = e.status() == 404 ? remove_result::outcome::not_found : remove_result::outcome::failed;
            if (e.status() != 404) result.error = std::current_exception();
        } catch (const system_error& e) {
            if (e.code() == asio::error::operation_aborted) throw;
            result.error = std::current_exception();
        }
    }
}

asio::awaitable<std::vector<remove_result>> remove_all(detail::state_ptr s, std::shared_ptr<removal_batch> batch,
                                                       std::size_t concurrency) {
    auto ex = co_await asio::this_coro::executor;
    using op = decltype(asio::co_spawn(ex, remove_worker(s, batch), asio::deferred));
    std::vector<op> workers;
    for (std::size_t i = 0; i < std::min(concurrency, batch->tokens.size()); ++i)
        workers.push_back(asio::co_spawn(ex, remove_worker(s, batch), asio::deferred));
    if (!workers.empty()) {
        auto [order, errors] = co_await asio::experimental::make_parallel_group(std::move(workers))
                                   .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
        for (auto& e : errors)
            if (e) std::rethrow_exception(e);  // only cancellation gets here
    }
    co_return std::move(batch->results);
}

}  // namespace

asio::awaitable<std::vector<remove_result>> tokens_api::remove_many(std::vector<secret> tokens,
                                                                    std::size_t concurrency) const {
    if (concurrency == 0) throw detail::failure(make_error_code(error::invalid_argument), "remove_many: concurrency is 0");
    auto batch = std::make_shared<removal_batch>();
    batch->results.resize(tokens.size());
    batch->tokens = std::move(tokens);
    return remove_all(state_, std::move(batch), concurrency);
}

}  // namespace stencila::hub
