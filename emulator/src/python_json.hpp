// How the Hub reads a JSON request body: `bytes.decode(charset)` then Python's `json.loads`
// (CPython's C scanner, as djangorestframework-camel-case's parser calls it), reproduced with
// Python's error messages and positions, so that a malformed body gets the Hub's exact
// `JSON parse error - ...` text. Pure: no sockets.
//
// Positions are Python's: `char` is the 0-based index in code points of the decoded text,
// `line` and `column` are 1-based. Only what the create serializer needs is kept of the value:
// the top-level kind and, for an object, its members' scalar values as Python's `str()` shows them.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stencila::hub::emulator::detail {

/// One JSON value as Python sees it, reduced to its kind and, for scalars, `str(value)`.
struct python_value {
    enum class kind { null, boolean, integer, floating, string, array, object };
    kind what = kind::null;
    std::string text;  ///< string: the decoded value as UTF-8; integer/floating: `str(value)`
};

/// The outcome of `json.loads(body.decode(charset))`.
struct python_json {
    /// 0 = parsed; 400 = a ValueError (DRF's ParseError); 500 = a RecursionError, which DRF does
    /// not handle, so the Hub's exception handler answers 500 with `str(exc)`.
    unsigned status = 0;
    std::string error;  ///< the exception text, e.g. "Expecting value: line 1 column 13 (char 12)"
    python_value::kind top = python_value::kind::null;
    /// For a top-level object: the members named in `keep`, in first-seen order; a repeated key
    /// keeps its first position and takes the last value, as a Python dict does.
    std::vector<std::pair<std::string, python_value>> members;
};

/// Nesting depth at which the emulator raises the RecursionError. The Hub's limit is Python's
/// recursion limit (1000) less the frames already on its stack, so it fails somewhat below 1000.
inline constexpr std::size_t python_json_max_depth = 900;

/// `json.loads(body.decode(charset))`, keeping the top-level members named in `keep`. `charset`
/// is the Content-Type parameter ("" = UTF-8): UTF-8, Latin-1 and ASCII names are understood;
/// any other name decodes as UTF-8.
python_json python_json_loads(std::string_view body, std::string_view charset, std::span<const std::string_view> keep);

/// Python's `str(float)` (the shortest repr: exponent form below 1e-4 and from 1e16 on).
void append_python_float(std::string& out, double d);

/// Python's `str.strip()`: removes leading and trailing Unicode whitespace from UTF-8 text.
std::string_view python_strip(std::string_view utf8);

}  // namespace stencila::hub::emulator::detail
