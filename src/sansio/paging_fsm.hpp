// The plan of one paging walk, without I/O: which pages to ask for, what has landed, what the
// consumer gets next, and when the walk is over. The walk (walk.hpp) only performs what it says:
// it starts the fetches, hands their answers back, and waits when told to.
//
// The invariant it keeps: every item the server holds at offsets [start, end) is yielded once,
// in order, or the walk ends with an error at the position where it could not be sure. `end` is
// the first page's `count` (less when `max_items` says so, or when a later page's `count` is
// smaller: tokens were deleted meanwhile). Items are placed by position: a page asked for at
// offset `o` holds the items at `o`, `o + 1`, ...
//
// - Follow mode (concurrency 1): each next page is the one its predecessor's `next` link names.
//   The link must point at the client's own origin (`cross_origin_link`) and at the offset where
//   the items received end (`invalid_next_link`), so a link that does not advance, or skips, or
//   goes back, is caught where it happens.
// - Concurrent mode: once `count` is known, pages are asked for by offset, several at once. A
//   page with fewer items than asked (a server that caps its page size) leaves a gap, which is
//   asked for again; later pages are asked for at the size the server actually serves. A page's
//   `next` link, when it has one, must name the offset where its items end.
// - A page holding more items than its offset and `count` leave room for, or a later page that
//   starts with the first page's first item again, is `inconsistent_page`: a server (or a cache in
//   front of it) that ignores `offset` is caught, not read as more items.
// - Either way, an empty page or `next: null` before `end` is `incomplete_listing` there: a
//   `count` the server does not back with items never makes an endless or a silently short walk.
// - At most `prefetch + concurrency` pages are held (in flight or landed, not yet taken).
//
// Positions are not identities: the Hub's listing has no ORDER BY, and on PostgreSQL a row that
// is updated (every `read`, every knox auth refresh pushes a token's expiry) can come back at
// another position while `count` stays the same. So the plan also remembers which items it has
// yielded (`seen_set`, keyed on `id` + `created`):
// - a repeat (an item yielded before shows up again at a later position) is never yielded: it is
//   dropped and counted (`repeats_dropped`), and the `listing_changed` policy decides the rest
//   (`ignore` goes on, `report` also sets `listing_changed()`, `fail` ends the walk with
//   `listing_changed` at the repeat's position);
// - a miss cannot be seen page by page: at the end of the walk the distinct items yielded are
//   compared with the positions walked, [start, end); the difference is the `shortfall`,
//   reported the same way (with `fail`, the error comes after the last item).
// What no offset walk can see: an item that moved out of the walked range while another moved
// into it (a token created and another expired between two pages) keeps the numbers equal.
// With `repair`, a walk that ended short walks the range again (up to `repair` times), yielding
// only the items it has not yielded yet, after the first pass's.
#pragma once

#include "sansio/url.hpp"

#include <stencila/hub/models.hpp>
#include <stencila/hub/paging.hpp>

#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace stencila::hub::detail {

/// What names an item across pages: a 64-bit hash of its `id` and `created`. `id` alone is only
/// the token's first 8 hex characters and knox does not keep it unique (two tokens may share it);
/// `created` (microseconds) told apart any two tokens the Hub holds in practice, and both come
/// with every item. Two distinct items colliding in 64 bits (about 1 in 3.7e7 for a million
/// items) would make one of them a dropped "repeat", which the end-of-walk shortfall then shows.
[[nodiscard]] std::uint64_t item_key(const token& t) noexcept;

/// The keys of the items a walk has yielded: an open-addressing set of 64-bit keys (linear
/// probing, 8 bytes a slot, kept at most half full and grown by doubling), so 16 to 32 bytes an
/// item: 16 MiB for a million tokens (24 MiB for the moment it grows). It grows with the items
/// actually yielded, never from a `count` the server claims.
class seen_set {
public:
    /// Adds `key`; false when it was there already.
    bool insert(std::uint64_t key);
    [[nodiscard]] bool contains(std::uint64_t key) const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// Bytes held by the table.
    [[nodiscard]] std::size_t bytes() const noexcept { return slots_.capacity() * sizeof(std::uint64_t); }

private:
    void grow();
    std::vector<std::uint64_t> slots_;  // 0: empty (a key of 0 is stored as 1)
    std::size_t size_ = 0;
};

/// A page the plan wants fetched.
struct page_fetch {
    std::uint64_t id = 0;     ///< names it in `on_page` / `on_failure`
    std::int64_t offset = 0;  ///< where its items start
    std::string target;       ///< origin-form request target
};

class paging_fsm {
public:
    /// `p` as validated by `tokens_api::pages`.
    paging_fsm(const paging& p, base_url base);

    /// The next fetch to start now, if any; call until it gives nothing.
    [[nodiscard]] std::optional<page_fetch> next_fetch();
    /// Fetch `id` answered with `page`.
    void on_page(std::uint64_t id, token_page page);
    /// Fetch `id` failed; the error comes to the consumer at that fetch's position.
    void on_failure(std::uint64_t id, std::exception_ptr error);

    /// What the consumer gets now.
    struct step {
        enum class kind { wait, page, end, error } what = kind::wait;
        std::optional<token_page> page{};
        std::exception_ptr error{};
    };
    /// The next page in order, an error, the end, or `wait` (the consumer is then waiting, and
    /// `next_fetch` may give the fetch it waits for).
    [[nodiscard]] step take();
    /// What the consumer gets once the fetches `next_fetch` gave after `s` (a `take()`) have
    /// started: `s`; a `wait` taken again when every fetch landed meanwhile (a fetch may land as
    /// it starts); and a `wait` with nothing in flight, which nothing could end, as the walk's
    /// end with `error::incomplete_listing` ("nothing left to fetch": a bug, not a hang).
    [[nodiscard]] step after_fetches(step s);
    /// The consumer stopped waiting (cancelled).
    void consumer_left() noexcept { waiting_ = false; }
    /// Ends the walk (the consumer left, or its deadline passed).
    void stop() noexcept;

    [[nodiscard]] bool over() const noexcept { return over_; }
    /// Fetches started and not yet answered.
    [[nodiscard]] std::vector<std::uint64_t> in_flight() const;
    /// Pages in flight, or landed and not yet taken.
    [[nodiscard]] std::size_t held() const noexcept;
    /// Offset of the first item not yet taken: where a new walk would resume.
    [[nodiscard]] std::int64_t resume_offset() const noexcept { return frontier_; }
    /// The listing's total, once the first page has landed: its `count`, or a smaller one a later
    /// page gave (tokens deleted meanwhile), which the walk then ends at.
    [[nodiscard]] std::optional<std::int64_t> count() const noexcept { return total_; }
    /// `count` differed between pages (only noticed when the policy is not `ignore`).
    [[nodiscard]] bool listing_changed() const noexcept { return changed_; }
    /// Items that came again at a later position and were dropped (whatever the policy).
    [[nodiscard]] std::int64_t repeats_dropped() const noexcept { return repeats_; }
    /// Once the walk has reached its end: positions walked less distinct items yielded (items the
    /// listing moved behind the walk); 0 before, or when the walk ended otherwise.
    [[nodiscard]] std::int64_t shortfall() const noexcept { return shortfall_; }
    /// Distinct items yielded so far.
    [[nodiscard]] std::int64_t distinct() const noexcept { return static_cast<std::int64_t>(seen_.size()); }
    /// Repair passes started (`paging::repair`).
    [[nodiscard]] std::size_t repairs() const noexcept { return repairs_; }
    /// Bytes the seen-set holds.
    [[nodiscard]] std::size_t seen_bytes() const noexcept { return seen_.bytes(); }
    /// Log lines about what the plan did (a page size re-planned, the listing changed); cleared.
    [[nodiscard]] std::vector<std::string> take_notes() { return std::exchange(notes_, {}); }

private:
    struct flight {
        std::int64_t offset;
        std::int64_t planned_end;  // items past it are not this fetch's (INT64_MAX in follow mode)
    };
    struct chunk {
        std::optional<token_page> page;  // items [offset, offset + size)
        std::int64_t size = 0;
        std::exception_ptr error;        // or the walk fails here
    };

    [[nodiscard]] bool concurrent() const noexcept { return opts_.concurrency > 1; }
    [[nodiscard]] std::int64_t end() const noexcept { return end_.value_or(INT64_MAX); }
    page_fetch start(std::int64_t offset, std::int64_t planned_end, std::string target);
    void fail_at(std::int64_t offset, std::exception_ptr error);
    void note_count(const token_page& page, std::int64_t offset);
    // A same-origin `next` link of a page with items names the offset where they end; otherwise
    // the error is placed at the page's offset and false returned.
    bool link_agrees(const token_page& page, std::int64_t offset, std::int64_t received);
    // Drops from a page (at `frontier_`) the items yielded before; with `fail`, cuts it at the
    // first one and returns that position.
    std::optional<std::int64_t> drop_repeats(token_page& page);
    // The pass reached the end of the range: works out the shortfall, then starts a repair pass
    // (`repair`), or reports it and ends the walk (`fail`: the error after the last item).
    enum class at_end { done, repairing, failed };
    at_end end_of_pass();
    void changed(std::string note);

    const paging opts_;
    const base_url base_;
    const std::size_t window_;  // pages held ahead of the consumer, besides the one it waits for

    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, flight> flights_;
    std::map<std::int64_t, chunk> ready_;  // by offset: landed, not yet taken

    std::int64_t frontier_;                // the next offset to yield
    std::optional<std::int64_t> count_;  // the first page's
    std::optional<std::int64_t> total_;  // the smallest seen
    std::optional<std::int64_t> end_;
    std::int64_t stride_;                  // page size asked for (shrinks to what the server serves)
    bool first_sent_ = false;
    bool first_taken_ = false;

    // Follow mode: the fetch after the last page landed.
    std::optional<std::pair<std::int64_t, std::string>> follow_;
    // Concurrent mode: offsets below `planned_` are asked for, except the gaps to ask for again.
    std::int64_t planned_ = 0;
    std::set<std::pair<std::int64_t, std::int64_t>> gaps_;  // [from, to)

    bool waiting_ = false;
    bool over_ = false;
    bool changed_ = false;
    std::int64_t error_at_ = INT64_MAX;  // an error is placed there: nothing is asked for past it
    // Keys of the first page's first two items: a later page starting with them is caught.
    std::vector<std::uint64_t> first_keys_;
    seen_set seen_;
    std::int64_t repeats_ = 0;
    std::int64_t shortfall_ = 0;
    std::size_t repairs_ = 0;  // repair passes started: in one, items seen before are dropped uncounted
    std::vector<std::string> notes_;
};

}  // namespace stencila::hub::detail
