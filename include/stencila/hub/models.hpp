// The Tokens API's data: what goes into `create` and what the four calls give back.
// JSON keys are those on the wire (`firstName`, `lastName`); the Python client's model names are
// offered as aliases at the end.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <stencila/hub/datetime.hpp>
#include <stencila/hub/secret.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stencila::hub {

// The credentials types have constructors rather than being aggregates: g++ 12 destroys an
// aggregate temporary twice when it is built inside a `co_await` expression, as in
// `co_await tokens.create(password_credentials{"sam", "secret"})`.

/// Credentials for `tokens_api::create`: a username (or the account's email) and a password.
struct password_credentials {
    /// Both, as the user typed them (the Hub trims spaces around them).
    /// @param username_ the username, or the account's email address
    /// @param password_ the password
    password_credentials(std::string username_, secret password_)
        : username(std::move(username_)), password(std::move(password_)) {}
    std::string username{};  ///< the username, or the account's email address; `create` rejects an empty one
    secret password{};       ///< the password; `create` rejects an empty one. Never in a message or a log line
};

/// Credentials for `tokens_api::create`: an OpenID Connect JWT (the Hub accepts Google's).
struct openid_credentials {
    /// @param jwt_ the OpenID Connect ID token, a JWT
    explicit openid_credentials(secret jwt_) : jwt(std::move(jwt_)) {}
    secret jwt{};  ///< the OpenID Connect ID token (a JWT); `create` rejects an empty one. Never in a message or a log line
};

/// A token as `read` and `list` describe it. The secret value itself is never listed.
struct token {
    std::int64_t user = 0;            ///< the owner's primary key
    std::string id{};                  ///< the first 8 characters of the token (not unique)
    timestamp created{};              ///< when it was created, in UTC
    std::optional<timestamp> expiry{};  ///< when it expires, in UTC; each `read` pushes it 7 days ahead. None: never

    /// Field by field.
    /// @return whether every field is equal
    friend bool operator==(const token&, const token&) = default;
};

/// What `create` gives back: the new token's secret value (returned this once only) and its owner.
struct created_token : token {
    secret token{};            ///< the token itself: 64 lower-case hex characters
    std::string username{};    ///< the real username, even when created with an email address
    std::string first_name{};  ///< may be empty
    std::string last_name{};   ///< may be empty
};

/// One page of `list`: `count` is the total for the user, whatever the offset.
struct token_page {
    std::int64_t count = 0;                 ///< the user's tokens in all, whatever the page's offset and limit
    std::optional<std::string> next{};      ///< absolute URL of the next page, if any
    std::optional<std::string> previous{};  ///< absolute URL of the previous page, if any
    std::vector<token> results{};           ///< the page's tokens, in the Hub's order (at most `limit`)
};

/// Prints the fields: `token{user=1, id=3f0c9a1b, created=..., expiry=...}`.
/// @param os where to
/// @param t  the token
/// @return `os`
std::ostream& operator<<(std::ostream& os, const token& t);
/// Prints the fields, with the secret value redacted: `created_token{token=[redacted], ...}`.
/// @param os where to
/// @param t  the created token
/// @return `os`
std::ostream& operator<<(std::ostream& os, const created_token& t);

// Names used by the generated Python client `stencila.hub`, for readers of its documentation.
using Token = token;                         ///< `tokens_read` result, `tokens_list` item
using InlineResponse201 = created_token;     ///< `tokens_create` result
using TokensCreateResponse = created_token;  ///< the same, as newer generators name it
using InlineResponse20014 = token_page;      ///< `tokens_list` result
using InlineObject5 = password_credentials;  ///< `tokens_create` body (username + password form)
using TokensCreateRequest = password_credentials;  ///< the same, as newer generators name it

}  // namespace stencila::hub
