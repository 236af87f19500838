#include "sansio/verifier_fsm.hpp"

#include <stencila/hub/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cstring>

namespace stencila::hub::detail {

failure_kind failure_kind_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const api_error& x) {
        if (x.status() == 429) return failure_kind::throttled;
        return x.status() >= 500 ? failure_kind::unreachable : failure_kind::refused;
    } catch (const boost::system::system_error& x) {
        if (x.code() == boost::asio::error::operation_aborted) return failure_kind::cancelled;
        // Our own argument errors say nothing about the Hub.
        if (x.code() == error::empty_token || x.code() == error::invalid_argument) return failure_kind::refused;
        return failure_kind::unreachable;
    } catch (...) {
        return failure_kind::refused;
    }
}

std::optional<std::chrono::milliseconds> stated_throttle(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const api_error& x) {
        if (x.status() == 429) return x.retry_after();
    } catch (...) {
    }
    return std::nullopt;
}

std::string public_id(std::string_view token) {
    if (token.size() < 16) return "(short)";
    std::string id(token.substr(0, 8));
    for (auto& c : id) {
        bool shown = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!shown) c = '?';
    }
    return id;
}

std::size_t verifier_fsm::digest_hash::operator()(const token_digest& d) const noexcept {
    // SplitMix64's finaliser over the digest's first 8 bytes, keyed: a caller can choose tokens
    // whose digests share bits, but cannot tell which bits land them in one run of the index.
    std::uint64_t x;
    std::memcpy(&x, d.data(), sizeof x);
    x ^= seed;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return static_cast<std::size_t>(x);
}

verifier_fsm::verifier_fsm(const verifier_options& o, std::uint64_t seed)
    : opts_(o), policy_(o), hash_{seed}, neg_cap_(std::max<std::size_t>(1, o.max_entries * negative_share_percent / 100)),
      flights_(16, digest_hash{seed}) {}

// The index.

std::uint32_t verifier_fsm::find(const token_digest& d) const noexcept {
    if (cells_.empty()) return empty_cell;
    const std::size_t mask = cells_.size() - 1;
    for (std::size_t i = hash_(d) & mask;; i = (i + 1) & mask) {
        auto c = cells_[i];
        if (c == empty_cell || at(c).key == d) return c;
    }
}

void verifier_fsm::grow_index() {
    const std::size_t size = std::max<std::size_t>(16, cells_.size() * 2);
    std::vector<std::uint32_t> old = std::exchange(cells_, std::vector<std::uint32_t>(size, empty_cell));
    const std::size_t mask = cells_.size() - 1;
    for (auto c : old) {
        if (c == empty_cell) continue;
        std::size_t i = hash_(at(c).key) & mask;
        while (cells_[i] != empty_cell) i = (i + 1) & mask;
        cells_[i] = c;
    }
}

void verifier_fsm::index_insert(std::uint32_t s) {
    if ((entries_ + 1) * 2 > cells_.size()) grow_index();
    const std::size_t mask = cells_.size() - 1;
    std::size_t i = hash_(at(s).key) & mask;
    while (cells_[i] != empty_cell) i = (i + 1) & mask;
    cells_[i] = s;
}

void verifier_fsm::index_erase(std::uint32_t s) noexcept {
    const std::size_t mask = cells_.size() - 1;
    std::size_t i = hash_(at(s).key) & mask;
    while (cells_[i] != s) i = (i + 1) & mask;
    // Backward shift: each later cell of the run moves into the hole unless its home lies
    // cyclically in (hole, cell], so that every key stays reachable from its home.
    for (std::size_t j = (i + 1) & mask; cells_[j] != empty_cell; j = (j + 1) & mask) {
        std::size_t home = hash_(at(cells_[j]).key) & mask;
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (stays) continue;
        cells_[i] = cells_[j];
        i = j;
    }
    cells_[i] = empty_cell;
}

// Slots.

void verifier_fsm::link(std::uint32_t s, unsigned ring) noexcept {
    auto& e = at(s);
    auto& hand = hand_[ring];
    if (hand == empty_cell) {
        e.prev = e.next = hand = s;
    } else {
        // Just behind the hand: the last entry it reaches.
        e.next = hand;
        e.prev = at(hand).prev;
        at(e.prev).next = s;
        at(hand).prev = s;
    }
    ++ring_size_[ring];
}

void verifier_fsm::unlink(std::uint32_t s, unsigned ring) noexcept {
    auto& e = at(s);
    auto& hand = hand_[ring];
    if (e.next == s) {
        hand = empty_cell;
    } else {
        at(e.prev).next = e.next;
        at(e.next).prev = e.prev;
        if (hand == s) hand = e.next;
    }
    --ring_size_[ring];
}

void verifier_fsm::drop(std::uint32_t s) noexcept {
    index_erase(s);
    auto& e = at(s);
    unlink(s, e.valid ? valid_ring : negative_ring);
    e.used = false;
    --entries_;
}

std::uint32_t verifier_fsm::expired_near_hand(unsigned ring, time_point now) const noexcept {
    auto hand = hand_[ring];
    if (hand == empty_cell) return empty_cell;
    auto t = hand;
    for (unsigned i = 0; i <= look_ahead; ++i) {
        if (now >= at(t).keep_until) return t;
        t = at(t).next;
        if (t == hand) break;
    }
    return empty_cell;
}

std::uint32_t verifier_fsm::victim(unsigned ring, time_point now) noexcept {
    // CLOCK: ends within two turns (the first clears every bit). The hand takes the first entry
    // past its time it reaches; before a live unused one, it looks `look_ahead` entries further
    // for one past its time (entries of a ring are met about oldest first, so those past their
    // time are mostly right in front of it) and takes that one instead, leaving the hand where
    // it is.
    for (;;) {
        auto s = hand_[ring];
        auto& e = at(s);
        if (now >= e.keep_until) return s;
        if (e.referenced) {
            e.referenced = false;
            hand_[ring] = e.next;
            continue;
        }
        auto t = e.next;
        for (unsigned i = 0; i < look_ahead && t != s; ++i, t = at(t).next)
            if (now >= at(t).keep_until) return t;
        return s;
    }
}

std::uint32_t verifier_fsm::take_slot(time_point now, unsigned ring) {
    if (!free_.empty()) {
        auto s = free_.back();
        free_.pop_back();
        return s;
    }
    if (slot_count_ < opts_.max_entries) {
        // Grown a chunk at a time, never copied, the last chunk cut at `max_entries`.
        if (slot_count_ == slot_capacity_) {
            auto n = std::min(chunk_slots, opts_.max_entries - slot_capacity_);
            chunks_.push_back(std::make_unique<slot[]>(n));
            slot_capacity_ += n;
        }
        return static_cast<std::uint32_t>(slot_count_++);
    }
    // Full, and every slot in use. Negative entries give up a slot when a 404 comes and they
    // hold their share, or when a valid answer comes and they hold more than it; otherwise valid
    // entries do. A 404 takes no valid entry's slot beyond the share.
    unsigned from = valid_ring;
    if (ring == negative_ring ? ring_size_[negative_ring] >= neg_cap_ : ring_size_[negative_ring] > neg_cap_)
        from = negative_ring;
    if (ring_size_[from] == 0) from = 1 - from;  // only valid ones can be empty here: all 404s then
    // Entries past their time first, of either ring: they are gone anyway.
    for (unsigned r : {from, 1 - from}) {
        if (auto s = expired_near_hand(r, now); s != empty_cell) {
            drop(s);
            return s;
        }
    }
    auto s = victim(from, now);
    if (now < at(s).keep_until) ++stats_.evictions;  // else past its time: not an eviction
    drop(s);
    return s;
}

void verifier_fsm::store(const token_digest& d, const hub_answer& a, time_point now, timestamp wall_now) {
    if (opts_.max_entries == 0) return;
    auto s = find(d);
    const bool valid = a.what == hub_answer::kind::valid;
    const unsigned ring = valid ? valid_ring : negative_ring;
    if (s == empty_cell) {
        s = take_slot(now, ring);
        at(s) = slot{};
        at(s).key = d;
        at(s).used = true;
        at(s).valid = valid;
        index_insert(s);
        link(s, ring);
        ++entries_;
    } else {
        at(s).referenced = true;  // refreshed: in use
        if (at(s).valid != valid) {  // to the other ring
            unlink(s, at(s).valid ? valid_ring : negative_ring);
            at(s).valid = valid;
            link(s, ring);
        }
    }
    auto& e = at(s);
    if (!e.valid) {
        e.details = {};
        e.fresh_until = e.keep_until = now + opts_.negative_ttl;
        return;
    }
    e.details = *a.details;
    e.fresh_until = now + opts_.ttl;
    e.keep_until = e.fresh_until + opts_.stale_if_error;
    if (e.details.expiry) {
        // Never past the token's own expiry, placed on our clock from the wall clock's reading.
        auto left = *e.details.expiry - wall_now;
        auto most = std::chrono::duration_cast<std::chrono::microseconds>(opts_.ttl + opts_.stale_if_error);
        if (left < most) {
            auto until = now + std::max(left, std::chrono::microseconds::zero());
            e.fresh_until = std::min(e.fresh_until, until);
            e.keep_until = std::min(e.keep_until, until);
        }
    }
}

// The decisions.

verifier_fsm::arrival verifier_fsm::lookup(const token_digest& d, time_point now) {
    if (auto s = find(d); s != empty_cell) {
        auto& e = at(s);
        e.referenced = true;
        if (now < e.fresh_until) {
            if (!e.valid) {
                ++stats_.negative_hits;
                return {arrival::kind::invalid};
            }
            ++stats_.hits;
            return {arrival::kind::valid, verified_token{e.details, false}};
        }
        if (now >= e.keep_until) {  // past its time: gone
            drop(s);
            free_.push_back(s);
        }
    }
    return {arrival::kind::call};
}

bool verifier_fsm::malformed(std::string_view token) {
    if (has_token_shape(token)) return false;
    ++stats_.malformed;
    return true;
}

// No call may start: the last valid answer, stale, where `stale_if_error` keeps one; else the
// refusal. Nobody waits.
verifier_fsm::arrival verifier_fsm::refuse(const token_digest& d, hub_call_policy::verdict v, time_point now) {
    const bool throttled = v.what == hub_call_policy::verdict::kind::throttled;
    ++(throttled ? stats_.throttled : stats_.over_ceiling);
    if (opts_.stale_if_error.count() > 0) {
        if (auto s = find(d); s != empty_cell && at(s).valid && now < at(s).keep_until) {
            ++stats_.stale_served;
            return {arrival::kind::stale, verified_token{at(s).details, true}};
        }
    }
    arrival a{throttled ? arrival::kind::throttled : arrival::kind::over_ceiling};
    a.until = v.until;
    a.probe_out = throttled && now >= v.until;
    return a;
}

verifier_fsm::arrival verifier_fsm::arrive(const token_digest& d, time_point now, waiter_id w) {
    if (auto a = lookup(d, now); a.what != arrival::kind::call) return a;
    if (!flights_.contains(d)) {  // a call would start: may it?
        if (auto v = policy_.ask(now); v.what != hub_call_policy::verdict::kind::go) return refuse(d, v, now);
    }
    ++stats_.misses;
    ++waiting_;
    auto [it, first] = flights_.try_emplace(d);
    it->second.waiters.push_back(w);
    if (!first) {
        ++stats_.coalesced;
        return {arrival::kind::join, {}, it->second.id};
    }
    it->second.id = next_flight_++;
    policy_.started(it->second.id, now);
    ++stats_.hub_calls;
    return {arrival::kind::call, {}, it->second.id};
}

std::optional<verifier_fsm::flight_id> verifier_fsm::leave(const token_digest& d, waiter_id w) {
    auto it = flights_.find(d);
    if (it == flights_.end()) return std::nullopt;
    auto& waiters = it->second.waiters;
    auto at = std::find(waiters.begin(), waiters.end(), w);
    if (at == waiters.end()) return std::nullopt;
    waiters.erase(at);
    --waiting_;
    ++stats_.abandoned;
    if (!waiters.empty()) return std::nullopt;
    auto id = it->second.id;
    flights_.erase(it);
    ++stats_.cancelled_calls;
    policy_.ended(id, {}, std::nullopt, true);  // no answer: if it was the probe, the next call probes
    return id;
}

verifier_fsm::settlement verifier_fsm::settle(const token_digest& d, flight_id f, hub_answer a, time_point now,
                                                  timestamp wall_now) {
    settlement out;
    policy_.ended(f, now, a.throttled_for, false);  // an abandoned call's 429 shuts the gate too
    auto it = flights_.find(d);
    if (it == flights_.end() || it->second.id != f) return out;  // abandoned: nobody waits, nothing cached
    flight done = std::move(it->second);
    flights_.erase(it);
    waiting_ -= done.waiters.size();
    out.waiters = std::move(done.waiters);
    switch (a.what) {
        case hub_answer::kind::valid:
            if (done.cacheable) store(d, a, now, wall_now);
            out.what = settlement::kind::valid;
            out.answer = verified_token{std::move(*a.details), false};
            return out;
        case hub_answer::kind::not_found:
            if (done.cacheable) store(d, a, now, wall_now);
            out.what = settlement::kind::invalid;
            return out;
        case hub_answer::kind::failed: break;
    }
    ++stats_.hub_errors;
    const bool hub_unavailable = a.failure == failure_kind::unreachable || a.failure == failure_kind::throttled;
    if (hub_unavailable && opts_.stale_if_error.count() > 0) {
        if (auto s = find(d); s != empty_cell && at(s).valid && now < at(s).keep_until) {
            out.what = settlement::kind::stale;
            out.answer = verified_token{at(s).details, true};
            stats_.stale_served += out.waiters.size();
            return out;
        }
    }
    out.what = settlement::kind::error;
    out.error = std::move(a.error);
    return out;
}

bool verifier_fsm::forget(const token_digest& d) {
    if (auto it = flights_.find(d); it != flights_.end()) it->second.cacheable = false;
    auto s = find(d);
    if (s == empty_cell) return false;
    drop(s);
    free_.push_back(s);
    ++stats_.forgotten;
    return true;
}

verifier_stats verifier_fsm::stats() const {
    auto s = stats_;
    s.entries = entries_;
    s.in_flight = flights_.size();
    s.waiting = waiting_;
    return s;
}

std::size_t verifier_fsm::memory_bytes() const noexcept {
    return slot_capacity_ * sizeof(slot) + chunks_.capacity() * sizeof(chunks_[0]) +
           (cells_.capacity() + free_.capacity()) * sizeof(std::uint32_t);
}

}  // namespace stencila::hub::detail
