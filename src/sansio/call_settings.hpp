// What one call goes by: the client's options, or a `tokens_api::with(call_options)` view's
// overrides of them. Made once per view, shared by its calls; the exchange takes it as input.
#pragma once

#include <stencila/hub/call_options.hpp>
#include <stencila/hub/options.hpp>
#include <stencila/hub/retry.hpp>
#include <stencila/hub/secret.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace stencila::hub::detail {

struct call_settings {
    secret api_key{};
    std::string authorization{};  ///< "<prefix> <key>": the `Authorization` value; empty without a key
    std::chrono::milliseconds request_timeout{0};  ///< the whole call; zero: no limit
    std::chrono::milliseconds attempt_timeout{0};  ///< one attempt; zero: bounded by the call's
    /// Where each limit came from, as a timeout's message names it (the option a user would change).
    const char* request_timeout_name = "timeouts.request";
    const char* attempt_timeout_name = "timeouts.attempt";
    retry_policy retry{};
    bool authorize_reads = false;  ///< `read` sends `authorization` too (call_options::authorize_reads)

    /// The client's own.
    static std::shared_ptr<const call_settings> of(const options& o);
    /// These with `overrides` on top. Throws `invalid_argument` for a key holding a line break.
    [[nodiscard]] std::shared_ptr<const call_settings> with(const call_options& overrides, const options& o) const;
};

using call_ptr = std::shared_ptr<const call_settings>;

}  // namespace stencila::hub::detail
