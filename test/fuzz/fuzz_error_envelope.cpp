// bytes -> make_api_error: the first byte picks the content type, the rest is the body. Whatever
// the server sends, the error is built, its message is not empty, and the body kept is bounded.
#include "sansio/error_envelope.hpp"

#include <stencila/hub/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace hub = stencila::hub;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr std::array<std::string_view, 6> types{
        "application/json", "text/html; charset=utf-8", "", "text/plain", "application/problem+json", "TEXT/HTML"};
    hub::detail::http_response r;
    r.status = 400 + (size ? data[0] % 200 : 0);
    r.reason = "Some Reason";
    if (size) {
        r.content_type = std::string(types[data[0] % types.size()]);
        r.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
    }
    r.headers.emplace_back("Content-Type", r.content_type);
    r.headers.emplace_back("Set-Cookie", "sessionid=secret");
    const std::size_t body_size = r.body.size();
    const unsigned status = r.status;

    hub::api_error e = hub::detail::make_api_error(std::move(r));
    if (e.message().empty()) std::abort();
    if (std::string_view(e.what()).empty()) std::abort();
    if (e.status() != status) std::abort();
    if (e.body().size() > 4096 || e.body_truncated() != (body_size > 4096)) std::abort();
    if (e.header("set-cookie") != std::optional<std::string>("[redacted]")) std::abort();
    return 0;
}
