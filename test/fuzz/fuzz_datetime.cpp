// bytes -> parse_datetime. Whatever parses must survive format_datetime -> parse_datetime
// unchanged, and what format_datetime writes must parse.
#include <stencila/hub/datetime.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace hub = stencila::hub;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto t = hub::parse_datetime(text);
    if (!t) return 0;
    std::string formatted = hub::format_datetime(*t);
    auto again = hub::parse_datetime(formatted);
    if (!again || *again != *t) {
        std::fprintf(stderr, "round trip failed: '%.*s' -> '%s' -> %s\n", static_cast<int>(size),
                     reinterpret_cast<const char*>(data), formatted.c_str(), again ? "another instant" : "nothing");
        std::abort();
    }
    if (hub::format_datetime(*again) != formatted) std::abort();
    return 0;
}
