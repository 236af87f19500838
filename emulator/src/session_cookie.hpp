// The anonymous session the Hub hands every visitor: its `session_storage` middleware puts
// {"user":{"anon":true,"id":<32 shortuuid characters>,"time":<time.time()>}} in the session, and
// Django's signed-cookie backend sends it as `sessionid=<base64url JSON>:<base62 time>:<HMAC>`,
// unless the request brought back a valid one. Pure apart from randomness.
#pragma once

#include "json_out.hpp"

#include <array>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace stencila::hub::emulator::detail {

/// A reusable digest context, one per connection, so that signing allocates nothing.
class session_mac {
public:
    session_mac() = default;
    ~session_mac();
    session_mac(const session_mac&) = delete;
    session_mac& operator=(const session_mac&) = delete;

private:
    friend class session_cookies;
    evp_md_ctx_st* ctx_ = nullptr;
};

inline constexpr micros session_cookie_age = 31'536'000LL * 1'000'000;  // SESSION_COOKIE_AGE: a year

class session_cookies {
public:
    session_cookies();  ///< with a random secret key
    ~session_cookies();
    session_cookies(const session_cookies&) = delete;
    session_cookies& operator=(const session_cookies&) = delete;

    /// Appends the value of a `Set-Cookie` header for a new anonymous session made at `now`.
    void issue(micros now, session_mac& mac, std::string& out) const;
    /// Whether a `Cookie` header carries a `sessionid` this server signed at most a year before `now`.
    bool carries_session(std::string_view cookie_header, micros now, session_mac& mac) const;

private:
    void sign(std::string_view value, session_mac& mac, std::array<char, 43>& out) const;

    // HMAC-SHA256 (RFC 2104) with Django's salted key, written out over two digests so that it
    // runs on a reused context: the key XOR ipad and XOR opad blocks.
    std::array<unsigned char, 64> inner_pad_{}, outer_pad_{};
};

}  // namespace stencila::hub::emulator::detail
