// Character helpers the emulator's parsers share (Python's str.isspace on ASCII, hex digits,
// case-insensitive comparison), defined once.
#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

namespace stencila::hub::emulator::detail {

/// Python's `str.isspace` for one ASCII character, as Django strips form and JSON fields.
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/// The value of a hex digit, or -1.
inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// ASCII case-insensitive equality (header names, auth schemes).
inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace stencila::hub::emulator::detail
