// One paging walk: the I/O shell that performs what its `paging_fsm` decides (see walk.hpp).
#include "api/walk.hpp"

#include "sansio/failure.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace stencila::hub {
namespace asio = boost::asio;

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
        step = plan_.after_fetches(std::move(step));
        publish();
        switch (step.what) {
            case paging_fsm::step::kind::page: co_return std::move(step.page);
            case paging_fsm::step::kind::end: finish(); co_return std::nullopt;
            case paging_fsm::step::kind::error: finish(); std::rethrow_exception(step.error);
            case paging_fsm::step::kind::wait: break;
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

}  // namespace stencila::hub
