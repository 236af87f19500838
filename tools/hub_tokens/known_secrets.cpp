#include "known_secrets.hpp"

#include <algorithm>

namespace hub_tokens {

void known_secrets::add(std::string_view value) {
    if (value.size() < 3) return;
    if (std::find(values_.begin(), values_.end(), value) == values_.end()) values_.emplace_back(value);
    // Longest first: a secret that contains another is replaced whole.
    std::sort(values_.begin(), values_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string known_secrets::redact(std::string text) const {
    for (const auto& v : values_)
        for (auto at = text.find(v); at != std::string::npos; at = text.find(v, at + redacted_mark.size()))
            text.replace(at, v.size(), redacted_mark);
    return text;
}

stencila::hub::token known_secrets::redact(stencila::hub::token t) const {
    t.id = redact(std::move(t.id));
    return t;
}

void known_secrets::redact(std::vector<stencila::hub::token>& tokens) const {
    for (auto& t : tokens) t.id = redact(std::move(t.id));
}

}  // namespace hub_tokens
