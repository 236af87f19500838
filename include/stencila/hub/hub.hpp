// Everything of the Stencila Hub client library.
#pragma once

#include <stencila/hub/client.hpp>
#include <stencila/hub/datetime.hpp>
#include <stencila/hub/diagnostics.hpp>
#include <stencila/hub/error.hpp>
#include <stencila/hub/models.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/paging.hpp>
#include <stencila/hub/retry.hpp>
#include <stencila/hub/secret.hpp>
#include <stencila/hub/verifier.hpp>
#include <stencila/hub/version.hpp>
