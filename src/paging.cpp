// Auto-paging walks (page_range, token_range): the shell around paging_plan.
#include "detail/launch.hpp"
#include "detail/walk.hpp"

#include "detail/failure.hpp"

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

namespace detail {

walk::walk(state_ptr client, call_ptr call, paging p)
    : reached(p.offset), client_(std::move(client)), call_(std::move(call)), opts_(p), plan_(p, client_->base),
      strand_(asio::make_strand(client_->executor)), wakeup_(strand_),
      deadline_(p.deadline.count() > 0 ? std::chrono::steady_clock::now() + p.deadline
                                       : std::chrono::steady_clock::time_point::max()) {}

void walk::pump() {
    while (auto f = plan_.next_fetch()) {
        auto id = f->id;
        auto& signal = *signals_.emplace(id, std::make_unique<asio::cancellation_signal>()).first->second;
        asio::co_spawn(strand_, fetch(shared_from_this(), std::move(*f)),
                       asio::bind_cancellation_slot(signal.slot(), [self = shared_from_this(), id](std::exception_ptr) {
                           self->signals_.erase(id);  // only now: the operation no longer uses its slot
                       }));
    }
}

void walk::publish() {
    reached = plan_.resume_offset();
    changed = plan_.listing_changed();
    if (auto c = plan_.count()) total = *c;
    repeats = plan_.repeats_dropped();
    shortfall = plan_.shortfall();
    for (auto& note : plan_.take_notes()) log(client_->opts, log_level::warning, note);
}

asio::awaitable<void> walk::fetch(std::shared_ptr<walk> self, page_fetch f) {
    std::optional<token_page> page;
    std::exception_ptr error;
    try {
        page = co_await list_page(self->client_, self->call_, std::move(f.target), self->opts_.gzip);
    } catch (...) {
        error = std::current_exception();
    }
    self->landed(f.id, std::move(page), std::move(error));
}

void walk::landed(std::uint64_t id, std::optional<token_page> page, std::exception_ptr error) {
    if (page) plan_.on_page(id, std::move(*page));
    else plan_.on_failure(id, std::move(error));
    publish();
    pump();
    wakeup_.cancel();  // a next() waiting sees what landed (or that the walk is over)
}

void walk::finish() {
    plan_.stop();
    for (auto id : plan_.in_flight())
        if (auto it = signals_.find(id); it != signals_.end()) it->second->emit(asio::cancellation_type::terminal);
    wakeup_.cancel();
}

void walk::stop() {
    asio::post(strand_, [self = shared_from_this()] { self->finish(); });
}

asio::awaitable<std::optional<token_page>> walk::next() {
    for (;;) {
        auto step = plan_.take();
        pump();  // the fetch this next() waits for, or the ones the room it made allows
        if (step.what == paging_plan::step::kind::wait && plan_.in_flight().empty())
            step = plan_.take();  // what pump() started has landed already
        publish();
        switch (step.what) {
            case paging_plan::step::kind::page: co_return std::move(step.page);
            case paging_plan::step::kind::end: finish(); co_return std::nullopt;
            case paging_plan::step::kind::error: finish(); std::rethrow_exception(step.error);
            case paging_plan::step::kind::wait: break;
        }
        if (plan_.in_flight().empty()) {  // the plan waits for nothing: a bug, not a hang
            finish();
            throw detail::failure(make_error_code(error::incomplete_listing), "paging: nothing left to fetch");
        }
        wakeup_.expires_at(deadline_);
        auto [ec] = co_await wakeup_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!ec) {
            finish();
            throw detail::failure(make_error_code(error::walk_timeout),
                                  "paging: stopped at offset " + std::to_string(plan_.resume_offset()) +
                                      " after paging::deadline (" + std::to_string(opts_.deadline.count()) + " ms)");
        }
        auto cs = co_await asio::this_coro::cancellation_state;
        if (cs.cancelled() != asio::cancellation_type::none) {
            plan_.consumer_left();
            throw detail::failure(asio::error::operation_aborted, "paging: next() cancelled");
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
