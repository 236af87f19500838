// Exit statuses of hub-tokens and the one-line description of a failure.
#pragma once

#include "known_secrets.hpp"

#include <exception>
#include <stdexcept>
#include <string>

namespace hub_tokens {

/// Documented in `hub-tokens --help` and tools/README.md; keep the three in step.
enum exit_status : int {
    exit_ok = 0,
    exit_failure = 1,    ///< anything not below
    exit_usage = 2,      ///< bad command line, unusable --url or --ca-file
    exit_auth = 3,       ///< the Hub answered 401 or 403
    exit_not_found = 4,  ///< the Hub answered 404
    exit_network = 5,    ///< network, TLS or timeout, a malformed answer: no usable answer
    exit_server = 6,     ///< any other error answer from the Hub
};

/// The Hub answered, but what it sent cannot be used (a new token without a token's shape):
/// exit status 5, as for any malformed response. The text names the problem, never the value.
class unusable_answer : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct failure {
    int status = exit_failure;
    std::string message{};  ///< one line, no secret
};

/// Classifies `e` (an `api_error`, a `system_error`, a `usage_error`, an `unusable_answer` or
/// anything else). The message is one line, with `secrets` redacted and control characters escaped.
[[nodiscard]] failure describe(std::exception_ptr e, const known_secrets& secrets);

}  // namespace hub_tokens
