#include "sansio/redact.hpp"

#include "sansio/url.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace stencila::hub::detail {
namespace {

void replace_all(std::string& text, std::string_view what) {
    static constexpr std::string_view mark = "[redacted]";
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + mark.size()))
        text.replace(pos, what.size(), mark);
}

}  // namespace

void redact(std::string& text, std::span<const std::string_view> secrets) {
    for (auto s : secrets) {
        if (s.size() < 3 || text.empty()) continue;  // shorter ones would blank out ordinary words
        replace_all(text, s);
        if (auto encoded = encode_path_segment(s); encoded != s) replace_all(text, encoded);
        auto quoted = boost::json::serialize(boost::json::string(s));  // "..." with escapes
        if (std::string_view escaped(quoted.data() + 1, quoted.size() - 2); escaped != s) replace_all(text, escaped);
    }
}

}  // namespace stencila::hub::detail
