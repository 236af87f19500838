// `remove_result`: what `tokens_api::remove_many` did with one token.
#pragma once

#include <stencila/hub/detail/config.hpp>

#include <stencila/hub/diagnostics.hpp>

#include <boost/system/error_code.hpp>

namespace stencila::hub {

/// What `remove_many` did with one token.
struct remove_result {
    /// What became of the token.
    enum class outcome {
        removed,    ///< the Hub answered 2xx: it is gone
        not_found,  ///< the Hub answered 404 (to the first attempt): unknown, expired, or removed
                    ///< already (gone all the same)
        failed,     ///< anything else: see `error` and `diag`
        /// Gone, most likely removed by this call: an attempt's answer was lost (a gateway's 502,
        /// 503 or 504, or a broken connection or an attempt timeout after the request went out)
        /// and the retry was answered 404. Counted in `call_stats::removed_earlier`.
        removed_earlier
    } what = outcome::failed;  ///< the outcome (`failed` until the removal has run)
    /// For `failed`: the error, a code in `http_category()` for an error answer (403, 503...) or
    /// another one (`hub::error`, the system's). None for the other outcomes.
    boost::system::error_code error{};
    /// For `failed`: the message, and for an error answer the Hub's reply in full.
    diagnostics diag{};
};

}  // namespace stencila::hub
