// bytes -> parse_token, parse_created_token, parse_token_page. Any input may be rejected, but only
// ever with `system_error(error::malformed_response)`; whatever parses must hold what the parsers
// promise (a non-negative count, a non-empty created token).
#include "sansio/json_models.hpp"

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string_view>

namespace hub = stencila::hub;

namespace {

template <class F>
void only_malformed(const char* what, F&& parse) {
    try {
        parse();
    } catch (const boost::system::system_error& e) {
        if (e.code() != make_error_code(hub::error::malformed_response)) {
            std::fprintf(stderr, "%s threw system_error %s\n", what, e.code().message().c_str());
            std::abort();
        }
    }
    // Anything else escapes and libFuzzer reports it as a crash.
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    only_malformed("parse_token", [&] { (void)hub::detail::parse_token(body); });
    only_malformed("parse_created_token", [&] {
        auto t = hub::detail::parse_created_token(body);
        if (t.token.empty()) std::abort();
    });
    only_malformed("parse_token_page", [&] {
        auto page = hub::detail::parse_token_page(body);
        if (page.count < 0) std::abort();
    });
    return 0;
}
