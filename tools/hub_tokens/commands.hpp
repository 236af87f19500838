// The four commands, run to completion over the client library.
#pragma once

#include "command_line.hpp"

#include <stencila/hub/options.hpp>

namespace hub_tokens {

/// Reads what the command needs from standard input (password, JWT or token), then runs it on
/// its own `io_context`, writing results to standard output. Throws `usage_error`,
/// `stencila::hub::api_error` or `boost::system::system_error` as the library does.
void run_command(const invocation& inv, stencila::hub::options options);

}  // namespace hub_tokens
