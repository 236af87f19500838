#include "python_json.hpp"

#include "json_out.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <span>

namespace stencila::hub::emulator::detail {

namespace {

using text = std::u32string;

void append_utf8(std::string& out, char32_t c) {
    // Lone surrogates (from "\ud800") are kept as three-byte sequences, as Python's str keeps them.
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
}

std::string hex_byte(unsigned char b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", b);
    return buf;
}

/// str(UnicodeDecodeError): one byte or a range of bytes, then the reason.
std::string decode_error(std::string_view codec, std::string_view bytes, std::size_t start, std::size_t end,
                         std::string_view reason) {
    // Appended piece by piece: g++ 12 at -O2/-O3 reports a false -Wrestrict inside
    // `"literal" + std::string` (see README, Compiler notes).
    std::string m = "'";
    m += codec;
    m += "' codec can't decode ";
    if (end == start + 1) {
        m += "byte ";
        m += hex_byte(static_cast<unsigned char>(bytes[start]));
        m += " in position ";
        m += std::to_string(start);
    } else {
        m += "bytes in position ";
        m += std::to_string(start);
        m += '-';
        m += std::to_string(end - 1);
    }
    m += ": ";
    m += reason;
    return m;
}

/// CPython's UTF-8 decoder (strict): the first error, reported over the maximal invalid prefix.
bool decode_utf8(std::string_view in, text& out, std::string& error) {
    out.clear();
    out.reserve(in.size());
    std::size_t i = 0, n = in.size();
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
    auto cont = [](unsigned char b) { return b >= 0x80 && b <= 0xbf; };
    while (i < n) {
        unsigned char b = byte(i);
        if (b < 0x80) { out.push_back(b); ++i; continue; }
        std::size_t need;
        unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b == 0xe0) lo = 0xa0; if (b == 0xed) hi = 0x9f; }
        else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b == 0xf0) lo = 0x90; if (b == 0xf4) hi = 0x8f; }
        else { error = decode_error("utf-8", in, i, i + 1, "invalid start byte"); return false; }
        std::size_t valid = 1;  // bytes of the sequence that are acceptable so far
        for (std::size_t k = 1; k <= need; ++k) {
            if (i + k >= n) {
                error = decode_error("utf-8", in, i, n, "unexpected end of data");
                return false;
            }
            unsigned char c = byte(i + k);
            bool ok = k == 1 ? (c >= lo && c <= hi) : cont(c);
            if (!ok) {
                error = decode_error("utf-8", in, i, i + valid, "invalid continuation byte");
                return false;
            }
            ++valid;
        }
        char32_t cp = need == 1 ? (b & 0x1f) : need == 2 ? (b & 0x0f) : (b & 0x07);
        for (std::size_t k = 1; k <= need; ++k) cp = (cp << 6) | (byte(i + k) & 0x3f);
        out.push_back(cp);
        i += need + 1;
    }
    return true;
}

enum class codec { utf8, latin1, ascii };

/// Python's codec lookup for the names a client is likely to send; unknown names fall back to
/// UTF-8 as Django does when `codecs.lookup` fails.
codec codec_for(std::string_view charset) {
    std::string name;
    for (char c : charset) {
        if (c == '"' || c == '\'') continue;
        char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        name.push_back(l == '-' || l == ' ' ? '_' : l);
    }
    static constexpr std::string_view latin1[] = {"latin_1", "latin1", "latin", "l1", "iso8859_1", "iso_8859_1",
                                                  "8859", "cp819", "ibm819", "iso_ir_100", "csisolatin1"};
    static constexpr std::string_view ascii[] = {"ascii", "us_ascii", "646", "cp367", "csascii", "ibm367",
                                                 "iso646_us", "iso_ir_6", "us", "ansi_x3.4_1968"};
    if (std::find(std::begin(latin1), std::end(latin1), name) != std::end(latin1)) return codec::latin1;
    if (std::find(std::begin(ascii), std::end(ascii), name) != std::end(ascii)) return codec::ascii;
    return codec::utf8;
}

bool decode(std::string_view in, codec c, text& out, std::string& error) {
    if (c == codec::utf8) return decode_utf8(in, out, error);
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto b = static_cast<unsigned char>(in[i]);
        if (c == codec::ascii && b >= 0x80) {
            error = decode_error("ascii", in, i, i + 1, "ordinal not in range(128)");
            return false;
        }
        out.push_back(b);
    }
    return true;
}

bool is_ws(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

struct scan_error {
    unsigned status = 400;
    std::string message;
};

/// CPython's `_json` scanner (scan_once_unicode and friends), index for index.
class scanner {
public:
    scanner(const text& s, std::span<const std::string_view> keep) : s_(s), len_(s.size()), keep_(keep) {}

    /// JSONDecodeError text: "msg: line L column C (char P)".
    [[nodiscard]] std::string where(std::string_view msg, std::size_t pos) const {
        std::size_t line = 1 + static_cast<std::size_t>(std::count(s_.begin(), s_.begin() + static_cast<std::ptrdiff_t>(pos), U'\n'));
        std::size_t col = pos + 1;
        for (std::size_t k = pos; k > 0; --k)
            if (s_[k - 1] == U'\n') { col = pos - (k - 1); break; }
        return std::string(msg) + ": line " + std::to_string(line) + " column " + std::to_string(col) + " (char " +
               std::to_string(pos) + ")";
    }

    /// scan_once at `idx`; on success sets `next`. `members` receives a top-level object's members.
    bool value(std::size_t idx, std::size_t& next, python_value& out, std::size_t depth,
               std::vector<std::pair<std::string, python_value>>* members) {
        // A StopIteration anywhere becomes "Expecting value" at its index (raw_decode).
        if (idx >= len_) return fail_value(idx);
        char32_t c = s_[idx];
        switch (c) {
        case '"':
            out.what = python_value::kind::string;
            return string(idx + 1, next, out.text);
        case '{':
        case '[':
            if (depth + 1 > python_json_max_depth) {
                error_ = {500, std::string("maximum recursion depth exceeded while decoding a JSON ") +
                                   (c == '{' ? "object" : "array") + " from a unicode string"};
                return false;
            }
            if (c == '{') {
                out.what = python_value::kind::object;
                return object(idx + 1, next, depth + 1, members);
            }
            out.what = python_value::kind::array;
            return array(idx + 1, next, depth + 1);
        default: break;
        }
        // The named constants; each is tried only when its first character is there.
        struct constant {
            std::u32string_view word;
            python_value::kind what;
            std::string_view text;  // str() of the value
        };
        static constexpr constant constants[] = {
            {U"null", python_value::kind::null, ""},         {U"true", python_value::kind::boolean, "True"},
            {U"false", python_value::kind::boolean, "False"}, {U"NaN", python_value::kind::floating, "nan"},
            {U"Infinity", python_value::kind::floating, "inf"}, {U"-Infinity", python_value::kind::floating, "-inf"}};
        for (const auto& k : constants)
            if (c == k.word.front() && literal(idx, k.word)) {
                out = {k.what, std::string(k.text)};
                next = idx + k.word.size();
                return true;
            }
        return number(idx, next, out);
    }

    scan_error error_;

private:
    bool fail_value(std::size_t idx) {
        error_ = {400, where("Expecting value", idx)};
        return false;
    }
    bool fail(std::string_view msg, std::size_t idx) {
        error_ = {400, where(msg, idx)};
        return false;
    }

    [[nodiscard]] bool literal(std::size_t idx, std::u32string_view word) const {
        return idx + word.size() <= len_ && std::u32string_view(s_).substr(idx, word.size()) == word;
    }

    void skip_ws(std::size_t& idx) const {
        while (idx < len_ && is_ws(s_[idx])) ++idx;
    }

    bool object(std::size_t idx, std::size_t& next, std::size_t depth,
                std::vector<std::pair<std::string, python_value>>* members) {
        skip_ws(idx);
        if (idx >= len_ || s_[idx] != '}') {
            for (;;) {
                if (idx >= len_ || s_[idx] != '"') return fail("Expecting property name enclosed in double quotes", idx);
                std::string key;
                if (!string(idx + 1, idx, key)) return false;
                skip_ws(idx);
                if (idx >= len_ || s_[idx] != ':') return fail("Expecting ':' delimiter", idx);
                ++idx;
                skip_ws(idx);
                python_value v;
                if (!value(idx, idx, v, depth, nullptr)) return false;
                if (members && std::find(keep_.begin(), keep_.end(), key) != keep_.end()) {
                    auto it = std::find_if(members->begin(), members->end(), [&](const auto& m) { return m.first == key; });
                    if (it != members->end()) it->second = std::move(v);
                    else members->emplace_back(std::move(key), std::move(v));
                }
                skip_ws(idx);
                if (idx < len_ && s_[idx] == '}') break;
                if (idx >= len_ || s_[idx] != ',') return fail("Expecting ',' delimiter", idx);
                ++idx;
                skip_ws(idx);
            }
        }
        next = idx + 1;
        return true;
    }

    bool array(std::size_t idx, std::size_t& next, std::size_t depth) {
        skip_ws(idx);
        if (idx >= len_ || s_[idx] != ']') {
            for (;;) {
                python_value v;
                if (!value(idx, idx, v, depth, nullptr)) return false;
                skip_ws(idx);
                if (idx < len_ && s_[idx] == ']') break;
                if (idx >= len_ || s_[idx] != ',') return fail("Expecting ',' delimiter", idx);
                ++idx;
                skip_ws(idx);
            }
        }
        next = idx + 1;
        return true;
    }

    /// scanstring_unicode: `end` is just after the opening quote.
    bool string(std::size_t end, std::size_t& next_out, std::string& out) {
        const std::size_t begin = end - 1;
        out.clear();
        for (;;) {
            std::size_t next = end;
            char32_t c = 0;
            for (; next < len_; ++next) {
                c = s_[next];
                if (c == '"' || c == '\\') break;
                if (c <= 0x1f) return fail("Invalid control character at", next);
            }
            if (next >= len_ || (c != '"' && c != '\\')) return fail("Unterminated string starting at", begin);
            for (std::size_t k = end; k < next; ++k) append_utf8(out, s_[k]);
            ++next;
            if (c == '"') {
                next_out = next;
                return true;
            }
            if (next == len_) return fail("Unterminated string starting at", begin);
            c = s_[next];
            if (c != 'u') {
                end = next + 1;
                switch (c) {
                case '"': case '\\': case '/': break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                default: return fail("Invalid \\escape", end - 2);
                }
            } else {
                ++next;
                end = next + 4;
                if (end >= len_) return fail("Invalid \\uXXXX escape", next - 1);
                if (!hex4(next, c)) return fail("Invalid \\uXXXX escape", end - 5);
                // A high surrogate followed by "\uDC00".."\uDFFF" (and one more character) joins it.
                if (c >= 0xd800 && c <= 0xdbff && end + 6 < len_ && s_[end] == '\\' && s_[end + 1] == 'u') {
                    char32_t c2 = 0;
                    if (!hex4(end + 2, c2)) return fail("Invalid \\uXXXX escape", end + 1);
                    if (c2 >= 0xdc00 && c2 <= 0xdfff) {
                        c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
                        end += 6;
                    }
                }
            }
            append_utf8(out, c);
        }
    }

    bool hex4(std::size_t at, char32_t& out) const {
        out = 0;
        for (std::size_t k = at; k < at + 4; ++k) {
            char32_t d = s_[k];
            out <<= 4;
            if (d >= '0' && d <= '9') out |= d - '0';
            else if (d >= 'a' && d <= 'f') out |= d - 'a' + 10;
            else if (d >= 'A' && d <= 'F') out |= d - 'A' + 10;
            else return false;
        }
        return true;
    }

    /// _match_number_unicode, then Python's int() or float() and str().
    bool number(std::size_t start, std::size_t& next, python_value& out) {
        const std::size_t end_idx = len_ - 1;  // len_ > start here
        std::size_t idx = start;
        bool is_float = false;
        if (s_[idx] == '-') {
            ++idx;
            if (idx > end_idx) return fail_value(start);
        }
        if (s_[idx] >= '1' && s_[idx] <= '9') {
            ++idx;
            while (idx <= end_idx && is_digit(s_[idx])) ++idx;
        } else if (s_[idx] == '0') {
            ++idx;
        } else {
            return fail_value(start);
        }
        if (idx < end_idx && s_[idx] == '.' && is_digit(s_[idx + 1])) {
            is_float = true;
            idx += 2;
            while (idx <= end_idx && is_digit(s_[idx])) ++idx;
        }
        if (idx < end_idx && (s_[idx] == 'e' || s_[idx] == 'E')) {
            std::size_t e_start = idx++;
            if (idx < end_idx && (s_[idx] == '-' || s_[idx] == '+')) ++idx;
            while (idx <= end_idx && is_digit(s_[idx])) ++idx;
            if (is_digit(s_[idx - 1])) is_float = true;
            else idx = e_start;
        }
        std::string digits;
        for (std::size_t k = start; k < idx; ++k) digits.push_back(static_cast<char>(s_[k]));
        next = idx;
        if (!is_float) {
            out.what = python_value::kind::integer;
            out.text = digits == "-0" ? "0" : digits;
            return true;
        }
        out.what = python_value::kind::floating;
        out.text.clear();
        append_python_float(out.text, python_float_value(digits));
        return true;
    }

    /// float(s): correctly rounded; overflow is infinity and underflow zero, as in Python.
    static double python_float_value(const std::string& s) {
        double d = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), d);
        if (r.ec != std::errc::result_out_of_range) return d;
        // Out of range: the decimal exponent of the leading digit tells overflow from underflow.
        bool negative = s[0] == '-';
        std::string_view m(s);
        if (negative) m.remove_prefix(1);
        auto e = m.find_first_of("eE");
        long exp10 = e == std::string_view::npos ? 0 : std::strtol(std::string(m.substr(e + 1)).c_str(), nullptr, 10);
        m = m.substr(0, e);
        auto point = std::min(m.find('.'), m.size());
        auto first = m.find_first_not_of("0.");
        long lead = first < point ? static_cast<long>(point - first) - 1 : -static_cast<long>(first - point);
        double magnitude = exp10 + lead > 0 ? HUGE_VAL : 0.0;
        return negative ? -magnitude : magnitude;
    }

    const text& s_;
    std::size_t len_;
    std::span<const std::string_view> keep_;
};

}  // namespace

void append_python_float(std::string& out, double d) {
    if (std::isnan(d)) { out += "nan"; return; }
    if (std::isinf(d)) { out += d < 0 ? "-inf" : "inf"; return; }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));  // e.g. -1.2345e+17
    bool negative = sci.front() == '-';
    if (negative) sci.remove_prefix(1);
    auto e = sci.find('e');
    int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
    std::string digits;
    for (char c : sci.substr(0, e))
        if (c != '.') digits.push_back(c);
    if (negative) out.push_back('-');
    if (exp < -4 || exp >= 16) {
        out.push_back(digits[0]);
        if (digits.size() > 1) { out.push_back('.'); out.append(digits, 1); }
        char ebuf[16];
        std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        out += ebuf;
    } else if (exp < 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-exp - 1), '0');
        out += digits;
    } else {
        auto int_len = static_cast<std::size_t>(exp) + 1;
        if (digits.size() <= int_len) {
            out += digits;
            out.append(int_len - digits.size(), '0');
            out += ".0";
        } else {
            out.append(digits, 0, int_len);
            out.push_back('.');
            out.append(digits, int_len);
        }
    }
}

std::string_view python_strip(std::string_view s) {
    // Py_UNICODE_ISSPACE, as UTF-8 sequences.
    static constexpr std::string_view multi[] = {
        "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83",
        "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
        "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"};
    auto space_at_front = [&](std::string_view t) -> std::size_t {
        auto c = static_cast<unsigned char>(t.front());
        if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)) return 1;
        for (auto m : multi)
            if (t.substr(0, m.size()) == m) return m.size();
        return 0;
    };
    auto space_at_back = [&](std::string_view t) -> std::size_t {
        auto c = static_cast<unsigned char>(t.back());
        if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)) return 1;
        for (auto m : multi)
            if (t.size() >= m.size() && t.substr(t.size() - m.size()) == m) return m.size();
        return 0;
    };
    while (!s.empty())
        if (auto n = space_at_front(s)) s.remove_prefix(n); else break;
    while (!s.empty())
        if (auto n = space_at_back(s)) s.remove_suffix(n); else break;
    return s;
}

python_json python_json_loads(std::string_view body, std::string_view charset, std::span<const std::string_view> keep) {
    python_json r;
    text s;
    if (!decode(body, codec_for(charset), s, r.error)) {
        r.status = 400;
        return r;
    }
    scanner scan(s, keep);
    if (!s.empty() && s.front() == 0xfeff) {
        r.status = 400;
        r.error = scan.where("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
        return r;
    }
    std::size_t idx = 0;
    while (idx < s.size() && is_ws(s[idx])) ++idx;
    python_value top;
    std::size_t end = 0;
    if (!scan.value(idx, end, top, 0, &r.members)) {
        r.status = scan.error_.status;
        r.error = std::move(scan.error_.message);
        r.members.clear();
        return r;
    }
    while (end < s.size() && is_ws(s[end])) ++end;
    if (end != s.size()) {
        r.status = 400;
        r.error = scan.where("Extra data", end);
        r.members.clear();
        return r;
    }
    r.top = top.what;
    return r;
}

}  // namespace stencila::hub::emulator::detail
