#include "sansio/paging_fsm.hpp"

#include "sansio/failure.hpp"

#include <stencila/hub/error.hpp>

#include <algorithm>

namespace stencila::hub::detail {
namespace {

// a + b for non-negative values, stopping at INT64_MAX instead of overflowing.
std::int64_t sat_add(std::int64_t a, std::int64_t b) { return b > INT64_MAX - a ? INT64_MAX : a + b; }

std::exception_ptr walk_error(error e, const std::string& context) {
    return std::make_exception_ptr(failure(make_error_code(e), "paging: " + context));
}

std::string at(std::int64_t offset) { return "the page at offset " + std::to_string(offset); }

// splitmix64's finaliser: spreads the FNV bits over the whole word for linear probing.
std::uint64_t mix(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace

std::uint64_t item_key(const token& t) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the id, a separator, then created's 8 bytes
    auto add = [&h](unsigned char byte) { h = (h ^ byte) * 0x100000001b3ULL; };
    for (char c : t.id) add(static_cast<unsigned char>(c));
    add(0);
    auto created = static_cast<std::uint64_t>(t.created.time_since_epoch().count());
    for (int i = 0; i < 8; ++i) add(static_cast<unsigned char>(created >> (8 * i)));
    return mix(h);
}

bool seen_set::contains(std::uint64_t key) const noexcept {
    if (slots_.empty()) return false;
    if (key == 0) key = 1;
    const auto mask = slots_.size() - 1;
    for (auto i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
        if (slots_[i] == key) return true;
        if (slots_[i] == 0) return false;
    }
}

bool seen_set::insert(std::uint64_t key) {
    if (key == 0) key = 1;
    if ((size_ + 1) * 2 > slots_.size()) grow();
    const auto mask = slots_.size() - 1;
    for (auto i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
        if (slots_[i] == key) return false;
        if (slots_[i] == 0) {
            slots_[i] = key;
            ++size_;
            return true;
        }
    }
}

void seen_set::grow() {
    std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
    const auto mask = slots_.size() - 1;
    for (auto key : old) {
        if (key == 0) continue;
        auto i = static_cast<std::size_t>(key) & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = key;
    }
}

paging_fsm::paging_fsm(const paging& p, base_url base)
    : opts_(p), base_(std::move(base)), window_(p.prefetch + p.concurrency - 1), frontier_(p.offset),
      stride_(p.page_size) {}

page_fetch paging_fsm::start(std::int64_t offset, std::int64_t planned_end, std::string target) {
    auto id = next_id_++;
    flights_.emplace(id, flight{offset, planned_end});
    return page_fetch{id, offset, std::move(target)};
}

std::optional<page_fetch> paging_fsm::next_fetch() {
    if (over_) return std::nullopt;
    // The fetch the consumer waits for always goes; others only while the window has room.
    auto may_start = [&](std::int64_t offset, bool parallel) {
        if (offset >= error_at_) return false;
        if (waiting_ && offset == frontier_ && !ready_.count(frontier_)) return true;
        return held() < window_ && (parallel ? flights_.size() < opts_.concurrency : flights_.empty());
    };
    if (!first_sent_) {
        if (!may_start(opts_.offset, false)) return std::nullopt;
        first_sent_ = true;
        auto planned_end = concurrent() ? sat_add(opts_.offset, opts_.page_size) : INT64_MAX;
        return start(opts_.offset, planned_end, tokens_target(base_, opts_.page_size, opts_.offset));
    }
    if (!count_) return std::nullopt;  // the first page has not landed
    if (!concurrent()) {
        if (!follow_ || !may_start(follow_->first, false)) return std::nullopt;
        auto [offset, target] = std::move(*follow_);
        follow_.reset();
        return start(offset, INT64_MAX, std::move(target));
    }
    if (!gaps_.empty()) {
        auto [from, to] = *gaps_.begin();
        if (from >= end()) {
            gaps_.clear();  // the listing shrank below them
        } else {
            if (!may_start(from, true)) return std::nullopt;
            gaps_.erase(gaps_.begin());
            auto stop = std::min({to, sat_add(from, stride_), end()});
            if (stop < to) gaps_.emplace(stop, to);
            return start(from, stop, tokens_target(base_, stop - from, from));
        }
    }
    if (planned_ >= end() || !may_start(planned_, true)) return std::nullopt;
    auto offset = planned_;
    planned_ = std::min(sat_add(offset, stride_), end());
    return start(offset, planned_, tokens_target(base_, stride_, offset));
}

void paging_fsm::fail_at(std::int64_t offset, std::exception_ptr error) {
    error_at_ = std::min(error_at_, offset);
    auto& slot = ready_[offset];
    if (!slot.error) slot = chunk{std::nullopt, 0, std::move(error)};  // the first error found there stands
    ready_.erase(ready_.upper_bound(offset), ready_.end());  // nothing past an error is yielded
}

void paging_fsm::note_count(const token_page& page, std::int64_t offset) {
    total_ = std::min(total_.value_or(INT64_MAX), page.count);
    if (!count_) {
        count_ = page.count;
        end_ = opts_.max_items ? std::min(page.count, sat_add(opts_.offset, *opts_.max_items)) : page.count;
        planned_ = std::min(sat_add(opts_.offset, opts_.page_size), *end_);
        return;
    }
    if (page.count == *count_) return;
    if (opts_.listing_changed != paging::on_change::ignore) {
        if (!changed_)
            notes_.push_back("paging: the listing changed during the walk (count " + std::to_string(*count_) +
                             " became " + std::to_string(page.count) + " at offset " + std::to_string(offset) + ")");
        changed_ = true;
    }
    // Fewer tokens than at first: the walk ends where the listing now does.
    if (page.count < *end_) end_ = std::max(page.count, std::int64_t{0});
}

bool paging_fsm::link_agrees(const token_page& page, std::int64_t offset, std::int64_t received) {
    if (!page.next) return true;
    auto target = same_origin_target(base_, *page.next);
    if (!target) return true;  // judged only where it would be followed
    auto where = sat_add(offset, received);
    auto link = query_integer(*target, "offset").value_or(0);
    if (link == where) return true;
    fail_at(offset, walk_error(error::invalid_next_link, at(offset) + " has " + std::to_string(received) +
                                                             " items but its `next` link says offset " +
                                                             std::to_string(link) + ", not " + std::to_string(where)));
    return false;
}

void paging_fsm::on_page(std::uint64_t id, token_page page) {
    auto it = flights_.find(id);
    if (it == flights_.end()) return;
    auto f = it->second;
    flights_.erase(it);
    if (over_ || f.offset >= error_at_) return;  // the walk fails before these items

    if (count_ && page.count != *count_ && opts_.listing_changed == paging::on_change::fail) {
        note_count(page, f.offset);
        fail_at(f.offset, walk_error(error::listing_changed, "`count` changed from " + std::to_string(*count_) +
                                                                 " to " + std::to_string(page.count) + " at " +
                                                                 at(f.offset)));
        return;
    }
    const bool first = !count_;
    note_count(page, f.offset);

    // A link that disagrees with the items casts doubt on both: none of them is taken.
    const auto received = static_cast<std::int64_t>(page.results.size());
    if (received > 0 && sat_add(f.offset, received) > page.count)  // e.g. a server that ignores `offset`
        return fail_at(f.offset, walk_error(error::inconsistent_page,
                                            at(f.offset) + " has " + std::to_string(received) +
                                                " items, yet `count` is " + std::to_string(page.count)));
    if (received > 0 && !link_agrees(page, f.offset, received)) return;
    if (first && received > 0) {
        for (std::size_t i = 0; i < std::min<std::size_t>(2, page.results.size()); ++i)
            first_keys_.push_back(item_key(page.results[i]));
    } else if (received > 0 && repairs_ == 0 && page.count == *count_ && !first_keys_.empty() &&
               item_key(page.results.front()) == first_keys_[0] &&
               (first_keys_.size() < 2 || (received >= 2 ? item_key(page.results[1]) == first_keys_[1]
                                                          : sat_add(f.offset, received) < page.count))) {
        // A server ignoring `offset` serves the first page's first two items again. The first
        // item alone on the listing's last position is a token that moved there (a refreshed
        // token moves to the end: the listing has no order): a repeat, dropped.
        return fail_at(f.offset, walk_error(error::inconsistent_page, at(f.offset) + " starts with the first page's "
                                                                                    "first item again: is `offset` ignored?"));
    }

    const auto mine_end = std::min(f.planned_end, end());  // this fetch's items end there at most
    const auto usable = std::clamp<std::int64_t>(mine_end - f.offset, 0, received);
    const auto reached = sat_add(f.offset, usable);
    page.results.resize(static_cast<std::size_t>(usable));
    std::optional<std::string> next = std::move(page.next);
    const auto count = page.count;
    if (usable > 0 || first) ready_[f.offset] = chunk{std::move(page), usable, nullptr};
    if (reached >= end() || f.offset >= end()) return;  // all this walk wants from here on is in

    // The walk goes on past this page: the server must say there is more, and where.
    auto described = at(f.offset) + " has " + std::to_string(received) + " items";
    if (usable == 0)
        return fail_at(f.offset, walk_error(error::incomplete_listing,
                                            described + ", yet `count` is " + std::to_string(count)));
    if (!next && sat_add(f.offset, received) < count)  // (past our share, others' fetches ask for the rest)
        return fail_at(reached, walk_error(error::incomplete_listing,
                                           described + " and `next: null`, yet `count` is " + std::to_string(count)));
    if (!concurrent()) {
        if (!next)
            return fail_at(reached, walk_error(error::incomplete_listing, described + " and `next: null`, yet `count` is " +
                                                                              std::to_string(count)));
        auto target = same_origin_target(base_, *next);
        if (!target)
            return fail_at(reached, walk_error(error::cross_origin_link, "the `next` link of " + at(f.offset) +
                                                                             " points at another origin; not followed"));
        follow_.emplace(reached, std::move(*target));
        return;
    }
    if (reached < mine_end) {  // a short page: ask for the rest, and from now on for what it serves
        gaps_.emplace(reached, mine_end);
        if (usable < stride_) {
            notes_.push_back("paging: " + described + " where " + std::to_string(mine_end - f.offset) +
                             " were asked for; asking for " + std::to_string(usable) + " at a time");
            stride_ = usable;
        }
    }
}

void paging_fsm::on_failure(std::uint64_t id, std::exception_ptr error) {
    auto it = flights_.find(id);
    if (it == flights_.end()) return;
    auto offset = it->second.offset;
    flights_.erase(it);
    if (!over_) fail_at(offset, std::move(error));
}

void paging_fsm::changed(std::string note) {
    if (opts_.listing_changed == paging::on_change::ignore) return;
    changed_ = true;
    notes_.push_back(std::move(note));
}

std::optional<std::int64_t> paging_fsm::drop_repeats(token_page& page) {
    auto& items = page.results;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (seen_.insert(item_key(items[i]))) {
            if (kept != i) items[kept] = std::move(items[i]);
            ++kept;
            continue;
        }
        if (repairs_ > 0) continue;  // a repair pass yields only what was missed
        const auto position = sat_add(frontier_, static_cast<std::int64_t>(i));
        ++repeats_;
        if (repeats_ == 1)
            changed("paging: the listing moved during the walk: token " + items[i].id + " came again at offset " +
                    std::to_string(position) + "; dropped (the Hub's listing has no order)");
        if (opts_.listing_changed == paging::on_change::fail) {
            items.resize(kept);  // kept == i: nothing was dropped before under `fail`
            return position;
        }
    }
    items.resize(kept);
    return std::nullopt;
}

paging_fsm::at_end paging_fsm::end_of_pass() {
    const auto walked = std::max<std::int64_t>(0, end() - opts_.offset);
    shortfall_ = std::max<std::int64_t>(0, walked - distinct());
    if (shortfall_ > 0 && repairs_ < opts_.repair) {  // walk the range again for what was missed
        ++repairs_;
        notes_.push_back("paging: " + std::to_string(shortfall_) + " tokens missed (the listing moved during the walk); "
                         "repair pass " + std::to_string(repairs_) + " of " + std::to_string(opts_.repair));
        flights_.clear();  // (none is left at the end of a pass; any that lands is not this pass's)
        ready_.clear();
        gaps_.clear();
        frontier_ = opts_.offset;
        if (concurrent()) planned_ = opts_.offset;
        else follow_.emplace(opts_.offset, tokens_target(base_, stride_, opts_.offset));
        return at_end::repairing;
    }
    stop();
    if (shortfall_ == 0 && repeats_ == 0) return at_end::done;
    changed("paging: the listing moved during the walk: " + std::to_string(distinct()) + " distinct tokens at " +
            std::to_string(walked) + " positions, " + std::to_string(repeats_) + " repeats dropped, " +
            std::to_string(shortfall_) + " short" +
            (repairs_ > 0 ? " after " + std::to_string(repairs_) + " repair passes" : std::string()));
    return shortfall_ > 0 && opts_.listing_changed == paging::on_change::fail ? at_end::failed : at_end::done;
}

paging_fsm::step paging_fsm::after_fetches(step s) {
    if (s.what != step::kind::wait || !flights_.empty()) return s;
    s = take();  // what the fetches started landed already
    if (s.what != step::kind::wait || !flights_.empty()) return s;
    stop();
    return {step::kind::error, std::nullopt, walk_error(error::incomplete_listing, "nothing left to fetch")};
}

paging_fsm::step paging_fsm::take() {
    auto shortfall_error = [this] {
        return walk_error(error::listing_changed,
                          "the walk yielded " + std::to_string(distinct()) + " distinct tokens for " +
                              std::to_string(std::max<std::int64_t>(0, end() - opts_.offset)) + " positions (" +
                              std::to_string(shortfall_) + " missed: the listing moved during the walk)");
    };
    for (;;) {
        if (over_) return {step::kind::end};
        auto it = ready_.find(frontier_);
        if (it == ready_.end()) {
            if (first_taken_ && frontier_ >= end()) {
                auto e = end_of_pass();
                if (e == at_end::repairing) continue;
                if (e == at_end::failed) return {step::kind::error, std::nullopt, shortfall_error()};
                return {step::kind::end};
            }
            waiting_ = true;
            return {step::kind::wait};
        }
        auto c = std::move(it->second);
        ready_.erase(it);
        waiting_ = false;
        if (c.error) {
            stop();
            return {step::kind::error, std::nullopt, std::move(c.error)};
        }
        if (c.size > 0 && c.size > end() - frontier_) {  // the listing shrank after this page landed
            c.size = std::max<std::int64_t>(0, end() - frontier_);
            c.page->results.resize(static_cast<std::size_t>(c.size));
            if (c.size == 0 && first_taken_) continue;  // the end, as above
        }
        if (auto repeat = drop_repeats(*c.page)) {  // `fail`: the walk ends at the repeat
            auto error = walk_error(error::listing_changed, "token at offset " + std::to_string(*repeat) +
                                                                " was yielded before: the listing moved during the walk");
            frontier_ = *repeat;
            if (c.page->results.empty() && first_taken_) {
                stop();
                return {step::kind::error, std::nullopt, std::move(error)};
            }
            first_taken_ = true;
            fail_at(frontier_, std::move(error));
            return {step::kind::page, std::move(c.page), nullptr};
        }
        const bool was_first = !first_taken_;
        first_taken_ = true;
        frontier_ = sat_add(frontier_, c.size);
        if (frontier_ >= end()) {
            // Every position is in: the shortfall is known now. With `fail` it comes as an error
            // after this page, so the walk stays open for it.
            ready_.erase(ready_.upper_bound(frontier_), ready_.end());
            if (end_of_pass() == at_end::failed) {
                over_ = false;  // open for the error, after this page
                fail_at(frontier_, shortfall_error());
            }
        }
        if (c.page->results.empty() && !was_first) continue;  // only repeats: nothing to yield
        return {step::kind::page, std::move(c.page), nullptr};
    }
}

void paging_fsm::stop() noexcept {
    over_ = true;
    waiting_ = false;
    ready_.clear();
    gaps_.clear();
    follow_.reset();
}

std::size_t paging_fsm::held() const noexcept {
    auto pages = std::count_if(ready_.begin(), ready_.end(), [](const auto& r) { return r.second.page.has_value(); });
    return flights_.size() + static_cast<std::size_t>(pages);
}

std::vector<std::uint64_t> paging_fsm::in_flight() const {
    std::vector<std::uint64_t> ids;
    ids.reserve(flights_.size());
    for (const auto& [id, f] : flights_) ids.push_back(id);
    return ids;
}

}  // namespace stencila::hub::detail
