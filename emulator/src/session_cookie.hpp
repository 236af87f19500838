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

namespace stencila::hub::emulator::detail {

inline constexpr micros session_cookie_age = 31'536'000LL * 1'000'000;  // SESSION_COOKIE_AGE: a year

class session_cookies {
public:
    session_cookies();  ///< with a random secret key
    ~session_cookies();
    session_cookies(const session_cookies&) = delete;
    session_cookies& operator=(const session_cookies&) = delete;

    /// Appends the value of a `Set-Cookie` header for a new anonymous session made at `now`.
    void issue(micros now, std::string& out) const;
    /// Whether a `Cookie` header carries a `sessionid` this server signed at most a year before `now`.
    bool carries_session(std::string_view cookie_header, micros now) const;

private:
    void sign(std::string_view value, std::array<char, 43>& out) const;

    struct midstate;                     // SHA-256 state after one 64-byte block
    std::unique_ptr<midstate> inner_, outer_;  // after the key XOR ipad, and XOR opad
};

}  // namespace stencila::hub::emulator::detail
