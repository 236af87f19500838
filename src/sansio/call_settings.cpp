#include "sansio/call_settings.hpp"

#include "sansio/codec.hpp"
#include "sansio/failure.hpp"

#include <stencila/hub/error.hpp>

#include <algorithm>

namespace stencila::hub::detail {

std::shared_ptr<const call_settings> call_settings::of(const options& o) {
    auto c = std::make_shared<call_settings>();
    c->api_key = o.api_key;
    c->authorization = authorization_value(o.api_key_prefix, o.api_key.reveal());
    c->request_timeout = o.timeouts.request;
    c->attempt_timeout = o.timeouts.attempt;
    c->retry = o.retry;
    return c;
}

std::shared_ptr<const call_settings> call_settings::with(const call_options& overrides, const options& o) const {
    auto c = std::make_shared<call_settings>(*this);
    if (overrides.api_key.given()) {
        auto key = overrides.api_key.reveal();
        if (std::any_of(key.begin(), key.end(), [](char ch) { return ch == '\r' || ch == '\n' || ch == '\0'; }))
            throw failure(make_error_code(error::invalid_argument), "call_options: api_key holds a line break or NUL");
        c->api_key = secret{key};
        c->authorization = authorization_value(o.api_key_prefix, key);
    }
    if (overrides.timeout) {
        c->request_timeout = *overrides.timeout;
        c->request_timeout_name = "call_options::timeout";
    }
    if (overrides.attempt_timeout) {
        c->attempt_timeout = *overrides.attempt_timeout;
        c->attempt_timeout_name = "call_options::attempt_timeout";
    }
    if (overrides.retry) c->retry = *overrides.retry;
    if (overrides.authorize_reads) c->authorize_reads = true;
    return c;
}

}  // namespace stencila::hub::detail
