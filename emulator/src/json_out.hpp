// Compact JSON output written by hand into a reusable string, and the Hub's datetime format.
//
// The Hub renders with Python's json module (compact separators, no ASCII escaping), and
// datetimes with `isoformat()` where `+00:00` becomes `Z` and a zero microsecond part is left out.
#pragma once

#include <charconv>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace stencila::hub::emulator::detail {

/// Microseconds since the Unix epoch (UTC).
using micros = std::int64_t;

inline void append_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// A JSON string literal as Python's `json.dumps(ensure_ascii=False)` writes it.
inline void append_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out.push_back(hex[(c >> 4) & 0xf]);
                out.push_back(hex[c & 0xf]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or `YYYY-MM-DDTHH:MM:SSZ` when the microseconds are zero.
inline void append_datetime(std::string& out, micros t) {
    std::int64_t secs = t / 1'000'000;
    std::int64_t us = t % 1'000'000;
    if (us < 0) { us += 1'000'000; --secs; }
    std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[40];
    auto two = [&](char* p, int v) { p[0] = static_cast<char>('0' + v / 10); p[1] = static_cast<char>('0' + v % 10); };
    int year = tm.tm_year + 1900;
    buf[0] = static_cast<char>('0' + (year / 1000) % 10);
    buf[1] = static_cast<char>('0' + (year / 100) % 10);
    buf[2] = static_cast<char>('0' + (year / 10) % 10);
    buf[3] = static_cast<char>('0' + year % 10);
    buf[4] = '-'; two(buf + 5, tm.tm_mon + 1);
    buf[7] = '-'; two(buf + 8, tm.tm_mday);
    buf[10] = 'T'; two(buf + 11, tm.tm_hour);
    buf[13] = ':'; two(buf + 14, tm.tm_min);
    buf[16] = ':'; two(buf + 17, tm.tm_sec);
    std::size_t n = 19;
    if (us != 0) {
        buf[n++] = '.';
        for (int d = 100000; d > 0; d /= 10) buf[n++] = static_cast<char>('0' + (us / d) % 10);
    }
    buf[n++] = 'Z';
    out.push_back('"');
    out.append(buf, n);
    out.push_back('"');
}

}  // namespace stencila::hub::emulator::detail
