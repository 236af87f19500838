// The token verifier's decisions, without I/O: what is cached and until when, which Hub calls are
// in flight and who waits for them, what each waiter gets, what is evicted, and the counters.
// Time is passed in; nothing here reads a clock, touches a socket or a thread. The shell
// (api/verifier_shell.cpp) performs what it decides: it computes the digests, reads the clocks, starts
// and cancels the Hub calls, and completes the waiters.
//
// - Keys are SHA-256 digests of the tokens (token_digest.hpp); no token value is held here.
// - A valid answer is fresh for `ttl`, never past the token's own `expiry`; a 404 for
//   `negative_ttl`; errors are never kept.
// - Single flight: the first miss of a digest is told to start a call (`arrival::kind::call`),
//   the next ones join it (`join`). When every waiter has left, the call is to be cancelled
//   (`leave` says which) and is forgotten: the next arrival starts a new one, and the abandoned
//   call's answer, should it still come, is not cached.
// - `stale_if_error`: a valid entry is kept that much longer (never past `expiry`), and served
//   flagged stale when a call for it fails with the Hub unreachable (transport errors, timeouts,
//   5xx: `failure::unreachable`). Any other failure reaches the waiters as it is.
// - At most `max_entries` entries, valid and negative (404) ones in two CLOCK rings of their
//   own, each swept by its own hand. When full, a new entry takes the slot of an entry past its
//   time, else evicts one not used since the hand last passed it (a hit or a refresh gives a
//   second chance). Which ring gives up the slot: negative entries may fill room nobody else
//   wants, but once they hold `negative_share` of `max_entries` a new 404 evicts a 404, and a
//   new valid entry evicts a 404 while they hold more than that share: a flood of bogus tokens
//   never displaces more than that share of the valid entries (issue 20: after 200,000 distinct
//   bogus tokens through a 100,000-entry cache, 20 valid tokens re-verified within their ttl
//   cost 20 Hub reads before, 0 now; test `a_flood_of_bogus_tokens_does_not_evict_live_valid_entries`
//   at a 1,000-entry scale).
// - Entries past their time go first: entries join a ring just behind its hand, in the order
//   they are answered, and every entry of a ring has the same ttl but for a token's `expiry`, so
//   the hand meets them about oldest first. Before evicting, the `look_ahead + 1` entries at
//   each ring's hand are looked at and one past its time, of either ring, is taken first; then
//   the hand sweeps, takes the first one past its time it reaches, and before evicting a live
//   one looks `look_ahead` slots further for one past its time. An eviction looks at
//   O(look_ahead) entries besides those whose bit it clears: O(1) amortised.
// - Memory: one fixed-size slot per entry (`sizeof(slot)`, 128 bytes on x86-64 with libstdc++;
//   no heap: the token's 8-character id fits in the string's own buffer), allocated in chunks of
//   `chunk_slots` (never copied as they grow), and one 4-byte cell per slot in an
//   open-addressing index kept at most half full (4 to 8 cells per entry: 10.5 bytes per entry
//   at 100,000): about 139 bytes held per entry. Both grow with the entries and stop at
//   `max_entries`. A process sees more: its peak RSS grows by about 160 bytes per entry (16.1 MB
//   for 100,000 entries, measured by `verifier_memory_tests` on glibc; the allocator's share is
//   the difference. Before the chunks, the slots' vector was copied as it grew: 17.0 MB).
#pragma once

#include "sansio/token_digest.hpp"
#include "sansio/verifier_policy.hpp"

#include <stencila/hub/datetime.hpp>
#include <stencila/hub/verifier_options.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace stencila::hub::detail {

/// How a Hub call that did not answer 200 or 404 failed.
enum class failure_kind {
    unreachable,  ///< transport error, timeout, malformed answer, or 5xx: a stale answer may stand in
    throttled,    ///< 429: the Hub refuses to answer this service for now; a stale answer may stand in
    refused,      ///< any other status (403...) or error: passed on as it is
    cancelled,    ///< `operation_aborted`: the call was cancelled
};
/// Sorts an exception from `tokens_api::read` (`api_error`, `system_error`, anything else).
failure_kind failure_kind_of(const std::exception_ptr& e);
/// The wait a 429 `api_error` states ("Expected available in N seconds."); nothing otherwise.
std::optional<std::chrono::milliseconds> stated_throttle(const std::exception_ptr& e);

/// How to name `token` in a log line: its first 8 characters (the public id the Hub lists),
/// letters and digits only (others shown as `?`); "(short)" for a token under 16 characters,
/// whose first 8 would give away too much of it.
std::string public_id(std::string_view token);

/// The answer of one Hub call.
struct hub_answer {
    enum class kind { valid, not_found, failed } what = kind::failed;
    std::optional<token> details{};  ///< for `valid`
    std::exception_ptr error{};      ///< for `failed`
    failure_kind failure = failure_kind::refused;
    std::optional<std::chrono::milliseconds> throttled_for{};  ///< for a 429 with a stated wait

    static hub_answer valid(token t) { return {kind::valid, std::move(t), {}, {}}; }
    static hub_answer not_found() { return {kind::not_found, {}, {}, {}}; }
    static hub_answer failed(std::exception_ptr e) {
        auto f = failure_kind_of(e);
        auto w = stated_throttle(e);
        return {kind::failed, {}, std::move(e), f, w};
    }
};

class verifier_fsm {
public:
    using time_point = std::chrono::steady_clock::time_point;
    using waiter_id = std::uint64_t;
    using flight_id = std::uint64_t;

    /// `seed` keys the index's hash, so that tokens chosen to collide in it cannot be found.
    verifier_fsm(const verifier_options& o, std::uint64_t seed);

    /// Whether `token` lacks the shape of a Hub token (verifier_policy.hpp): then it is to be
    /// answered "invalid" at once, counted in `malformed`, with no entry and no call.
    bool malformed(std::string_view token);

    /// What a `verify` of digest `d` at `now` gets: an answer from the cache, or a call to start
    /// (`call`: waiter `w` is its first), or a call in flight to wait for (`join`); or, when no
    /// call may start now (after a 429, or over `max_hub_calls_per_minute`), a refusal at once
    /// (`throttled`, `over_ceiling`: nobody waits) or the last valid answer flagged stale
    /// (`stale`, under `stale_if_error`).
    struct arrival {
        enum class kind { valid, invalid, call, join, stale, throttled, over_ceiling } what = kind::call;
        std::optional<verified_token> answer{};  ///< for `valid` and `stale`
        flight_id flight = 0;                    ///< for `call` and `join`
        time_point until{};                      ///< for `throttled` and `over_ceiling`: no call before
        bool probe_out = false;                  ///< for `throttled`: the wait is over, a probe is out
    };
    arrival arrive(const token_digest& d, time_point now, waiter_id w);
    /// `arrive` without waiting: the cache's answer (`valid` or `invalid`, counted as `arrive`
    /// counts them), or `call` when it has none, and then nothing is counted and nobody waits.
    arrival lookup(const token_digest& d, time_point now);

    /// Waiter `w` of `d` stopped waiting. Returns the call to cancel when it was the last one.
    std::optional<flight_id> leave(const token_digest& d, waiter_id w);

    /// What the waiters of a call get, in the order they came.
    struct settlement {
        enum class kind { valid, invalid, stale, error } what = kind::error;
        std::optional<verified_token> answer{};  ///< for `valid` and `stale`
        std::exception_ptr error{};              ///< for `error`
        std::vector<waiter_id> waiters{};
    };
    /// Call `f` for `d` answered `a` at `now`, when the wall clock read `wall_now` (to place the
    /// token's `expiry`). A call no longer in flight (abandoned) has no waiters and is not cached.
    settlement settle(const token_digest& d, flight_id f, hub_answer a, time_point now, timestamp wall_now);

    /// Drops the entry of `d`; a call in flight for it will not be cached. Returns whether there
    /// was an entry.
    bool forget(const token_digest& d);

    /// The counters, with `entries`, `in_flight` and `waiting` as they are now.
    [[nodiscard]] verifier_stats stats() const;
    /// Bytes held by the slots and the index (their capacity): what the entries cost.
    [[nodiscard]] std::size_t memory_bytes() const noexcept;

private:
    struct slot {
        token_digest key{};
        std::uint32_t prev = 0, next = 0;  // the neighbours in its ring
        token details{};        // for a valid entry
        time_point fresh_until{};  // answered from the cache before this
        time_point keep_until{};   // kept (for `stale_if_error`) until this; >= fresh_until
        bool used = false;      // holds an entry
        bool valid = false;     // a valid answer; else a 404
        bool referenced = false;  // used since the CLOCK hand last passed
    };
    struct flight {
        flight_id id = 0;
        std::vector<waiter_id> waiters;
        bool cacheable = true;  // false once `forget` was called during the call
    };
    struct digest_hash {
        std::uint64_t seed;
        std::size_t operator()(const token_digest& d) const noexcept;
    };
    static constexpr std::uint32_t empty_cell = UINT32_MAX;

public:
    /// At most this share of `max_entries` (in percent) negative entries keep from valid ones.
    static constexpr std::size_t negative_share_percent = 10;
    /// How far past a live candidate for eviction the hand looks for an entry past its time.
    static constexpr unsigned look_ahead = 32;
    /// Slots are allocated this many at a time.
    static constexpr std::size_t chunk_slots = 512;
    /// How many negative entries at most when valid ones need the room: `negative_share_percent`
    /// of `max_entries`, at least 1.
    [[nodiscard]] std::size_t negative_share() const noexcept { return neg_cap_; }
    /// Valid and negative entries now.
    [[nodiscard]] std::size_t valid_entries() const noexcept { return ring_size_[0]; }
    [[nodiscard]] std::size_t negative_entries() const noexcept { return ring_size_[1]; }

private:
    enum ring_kind : unsigned { valid_ring = 0, negative_ring = 1 };
    slot& at(std::uint32_t s) noexcept { return chunks_[s / chunk_slots][s % chunk_slots]; }
    const slot& at(std::uint32_t s) const noexcept { return chunks_[s / chunk_slots][s % chunk_slots]; }
    void link(std::uint32_t s, unsigned ring) noexcept;    // just behind the ring's hand
    void unlink(std::uint32_t s, unsigned ring) noexcept;  // moves the hand on if it was on `s`
    std::uint32_t victim(unsigned ring, time_point now) noexcept;  // the ring's CLOCK
    // An entry past its time among the `look_ahead + 1` at the ring's hand, or `empty_cell`.
    [[nodiscard]] std::uint32_t expired_near_hand(unsigned ring, time_point now) const noexcept;

    // The index: slot numbers by digest, linear probing, backward-shift deletion.
    [[nodiscard]] std::uint32_t find(const token_digest& d) const noexcept;
    void index_insert(std::uint32_t s);
    void index_erase(std::uint32_t s) noexcept;
    void grow_index();

    void drop(std::uint32_t s) noexcept;           // frees slot `s` and its index cell
    // A free slot for an entry of `ring`, evicting one when full (see the top of this file).
    std::uint32_t take_slot(time_point now, unsigned ring);
    void store(const token_digest& d, const hub_answer& a, time_point now, timestamp wall_now);

    arrival refuse(const token_digest& d, hub_call_policy::verdict v, time_point now);

    verifier_options opts_;
    hub_call_policy policy_;
    digest_hash hash_;
    std::vector<std::unique_ptr<slot[]>> chunks_;  // chunk_slots each, the last one up to max_entries
    std::size_t slot_count_ = 0;                   // slots in use or freed
    std::size_t slot_capacity_ = 0;                // slots allocated
    std::vector<std::uint32_t> free_;   // slots freed by `forget` or found past their time
    std::vector<std::uint32_t> cells_;  // the index; size a power of two, at most half full
    std::size_t entries_ = 0;
    std::uint32_t hand_[2] = {empty_cell, empty_cell};
    std::size_t ring_size_[2] = {0, 0};
    std::size_t neg_cap_ = 1;
    std::unordered_map<token_digest, flight, digest_hash> flights_;
    flight_id next_flight_ = 1;
    std::size_t waiting_ = 0;
    verifier_stats stats_{};
};

}  // namespace stencila::hub::detail
