// bytes -> parse_retry_after, against a fixed `now`. Never crashes; a value read is never
// negative and never past `max_stated_wait`; and decide_retry treats it as a floor: a wait within
// the policy's cap is waited out exactly, a longer one is not retried at all.
#include "sansio/retry.hpp"

#include <stencila/hub/retry.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace hub = stencila::hub;
using namespace std::chrono;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const system_clock::time_point now = sys_days{2026y / 11 / 27} + 22h + 3min + 37s;
    std::string_view value(reinterpret_cast<const char*>(data), size);
    auto d = hub::detail::parse_retry_after(value, now);
    if (!d) return 0;
    if (d->count() < 0 || *d > hub::detail::max_stated_wait) std::abort();

    hub::retry_policy p;
    hub::detail::retry_budget budget(p);
    hub::detail::attempt_outcome o;
    o.status = 503;
    o.retry_after = d;
    auto r = hub::detail::decide_retry(p, o, 1, 0.5, hours{24 * 365}, budget);
    if (*d <= p.max_retry_after ? !r.retry || r.delay != *d : r.retry) std::abort();
    return 0;
}
