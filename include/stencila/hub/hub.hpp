// Everything of the Stencila Hub client library.
#pragma once
#include <stencila/hub/detail/config.hpp>  // first: stops a pre-C++20 compile

#include <stencila/hub/call_stats.hpp>
#include <stencila/hub/client.hpp>
#include <stencila/hub/datetime.hpp>
#include <stencila/hub/diagnostics.hpp>
#include <stencila/hub/error.hpp>
#include <stencila/hub/models.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/paging.hpp>
#include <stencila/hub/pool_stats.hpp>
#include <stencila/hub/remove_result.hpp>
#include <stencila/hub/retry.hpp>
#include <stencila/hub/secret.hpp>
#include <stencila/hub/tokens_api.hpp>
#include <stencila/hub/verifier.hpp>
#include <stencila/hub/verifier_options.hpp>
#include <stencila/hub/version.hpp>

/// @namespace stencila
/// Stencila's C++ libraries.
/// @namespace stencila::hub
/// The Stencila Hub client library: everything public is in this namespace, one header per
/// concept in `include/stencila/hub/` (its `detail` namespace holds the internals). This header
/// includes them all.
