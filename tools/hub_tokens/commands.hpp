// The four commands, run to completion over the client library.
#pragma once

#include "command_line.hpp"
#include "known_secrets.hpp"

#include <stencila/hub/options.hpp>

namespace hub_tokens {

/// Reads what the command needs from standard input (password, JWT or token), then runs it on
/// its own `io_context`, writing results to standard output. Throws `usage_error`,
/// `unusable_answer`, `stencila::hub::api_error` or `boost::system::system_error` as the library
/// does. The secret it reads, and a token `login` gets, are added to `secrets`; what the Hub
/// sends is printed with `secrets` redacted (but for `login`'s new token, printed once).
void run_command(const invocation& inv, stencila::hub::options options, known_secrets& secrets);

}  // namespace hub_tokens
