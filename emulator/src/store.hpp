// The emulator's users and knox tokens, in memory. Pure: no sockets, no HTTP.
//
// Tokens follow knox 4.1.0 as the Hub configures it: 64 hex characters from a CSPRNG, `token_key`
// (the public id) = the first 8, and only a random salt and SHA-512(token + salt) are stored.
// TTL 7 days; a refresh returns now + TTL but saves it only when it moves by more than 60 s.
// One mutex guards everything; critical sections are a hash lookup and one SHA-512.
#pragma once

#include "json_out.hpp"
#include "stencila/hub/emulator.hpp"

#include <array>
#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace stencila::hub::emulator::detail {

inline constexpr micros token_ttl = 7LL * 24 * 3600 * 1'000'000;
inline constexpr micros min_refresh_interval = 60LL * 1'000'000;
/// knox's `expiry = NULL`: the token never expires, is never refreshed, and (the view filtering on
/// `expiry__gt=now`) cannot be read or deleted through the API.
inline constexpr micros no_expiry = INT64_MAX;

/// What the API shows of a token.
struct token_view {
    int user = 0;
    std::array<char, 8> id{};
    micros created = 0;
    micros expiry = 0;  ///< or no_expiry
};

/// A freshly created token, as the create endpoint returns it.
struct created_token {
    std::string secret;
    token_view view;  ///< with the in-memory refreshed expiry
    std::string username, first_name, last_name;
};

enum class auth_status { ok, invalid_token, inactive_user };

struct auth_result {
    auth_status status = auth_status::invalid_token;
    int user = 0;
};

class store {
public:
    /// `manual_clock`: the clock stays at its start value except for `advance_clock`.
    /// `updated_last`: a token whose stored expiry changes moves to the end of its owner's list
    /// (PostgreSQL's physical order after an UPDATE; `listing_order::updated_last`).
    explicit store(bool manual_clock = false, bool updated_last = false);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    int add_user(user u);
    /// Django `authenticate()` with the Hub's UsernameOrEmailBackend (no is_active check).
    [[nodiscard]] std::optional<int> check_password(std::string_view username_or_email,
                                                    std::string_view password) const;
    [[nodiscard]] std::optional<int> find_user_by_email(std::string_view email) const;
    [[nodiscard]] std::optional<int> find_user_by_username(std::string_view username) const;
    /// Creates a user for an OpenID login; the username is derived as the Hub does.
    int add_openid_user(std::string_view email, std::string_view given, std::string_view family);

    created_token create_token(int user_id);
    std::vector<std::string> seed_tokens(std::string_view username, std::size_t n);
    /// A token stored with exactly these times (`expiry` may be past, or no_expiry); its secret.
    std::string seed_token(std::string_view username, micros created, micros expiry);

    /// knox TokenAuthentication, with its cleanup of the user's expired tokens and refresh.
    auth_result authenticate(std::string_view secret);
    /// The view's get_object(): unexpired token with that secret, refreshed; removed if asked.
    bool retrieve(std::string_view secret, bool remove, token_view& out);
    /// The user's tokens in ascending `created` (then insertion) order, or with `updated_last`
    /// in the order they were last written, [offset, offset+limit); returns the count.
    std::size_t list(int user_id, std::size_t offset, std::size_t limit, std::vector<token_view>& out) const;

    [[nodiscard]] std::size_t token_count() const;
    void advance_clock(micros by);
    /// The emulator clock: wall clock + advance, strictly increasing across calls.
    micros now() const;
    /// The same clock without the lock (and so without the strict increase), for session cookies.
    micros clock() const;

    /// For tests: whether any stored record contains `secret` in clear (it must not).
    [[nodiscard]] bool stores_secret_in_clear(std::string_view secret) const;

private:
    struct record;
    struct user_record;
    micros now_locked() const;
    record* insert_token_locked(int user_id, micros created, micros expiry, std::string& secret_out);
    int user_id_of(std::string_view username, const char* caller) const;
    void cleanup_expired_locked(user_record& u, const record* keep, micros now, std::vector<record*>& gone);
    void erase_locked(record* r);
    // Stores a refreshed expiry when it moves by more than 60 s (knox); with `updated_last_` the
    // token then moves to the end of its owner's list.
    void refresh_locked(record* r, micros refreshed);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<user_record>> users_;  // index = id - 1
    std::unordered_multimap<std::uint64_t, std::unique_ptr<record>> by_key_;
    std::atomic<micros> offset_{0};
    micros frozen_at_ = 0;  // with a manual clock: the wall clock at start; 0 = follow the wall clock
    mutable micros last_ = 0;  // the last reading, so that readings strictly increase
    std::size_t count_ = 0;
    bool updated_last_ = false;
};

/// Packs the first 8 characters of a token (its knox `token_key`).
std::uint64_t pack_key(std::string_view s);
/// Python `binascii.unhexlify`: false for odd length or a non-hex character.
bool unhexlify(std::string_view hex, std::string& out);

}  // namespace stencila::hub::emulator::detail
