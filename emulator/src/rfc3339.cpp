// parse_time: RFC 3339 date-times for seeded tokens, to the microsecond the Hub stores.
#include "stencila/hub/emulator.hpp"

#include <stdexcept>

namespace stencila::hub::emulator {

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

unsigned days_in_month(long long y, unsigned m) {
    static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

}  // namespace

time_point parse_time(std::string_view s) {
    auto bad = [&](const char* why) {
        return std::invalid_argument("not an RFC 3339 date-time (" + std::string(why) + "): \"" + std::string(s) + "\"");
    };
    std::size_t i = 0;
    auto number = [&](std::size_t digits) {
        unsigned v = 0;
        for (std::size_t k = 0; k < digits; ++k, ++i) {
            if (i >= s.size() || s[i] < '0' || s[i] > '9') throw bad("expected YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM)");
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
        }
        return v;
    };
    auto expect = [&](std::string_view allowed) {
        if (i >= s.size() || allowed.find(s[i]) == std::string_view::npos) throw bad("expected YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM)");
        ++i;
    };
    long long year = number(4);
    expect("-");
    unsigned month = number(2);
    expect("-");
    unsigned day = number(2);
    expect("Tt ");
    unsigned hour = number(2);
    expect(":");
    unsigned minute = number(2);
    expect(":");
    unsigned second = number(2);
    long long micro = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (++digits > 6) throw bad("more than 6 fraction digits; the Hub stores microseconds");
            micro = micro * 10 + (s[i++] - '0');
        }
        if (digits == 0) throw bad("no digit after the decimal point");
        for (; digits < 6; ++digits) micro *= 10;
    }
    long long offset_minutes = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i++] == '-' ? -1 : 1;
        unsigned oh = number(2);
        expect(":");
        unsigned om = number(2);
        if (oh > 23 || om > 59) throw bad("offset out of range");
        offset_minutes = sign * static_cast<long long>(oh * 60 + om);
    } else {
        throw bad("missing Z or offset");
    }
    if (i != s.size()) throw bad("trailing characters");
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) throw bad("no such date");
    if (hour > 23 || minute > 59 || second > 59) throw bad("no such time");
    long long seconds = days_from_civil(year, month, day) * 86400 + hour * 3600LL + minute * 60LL + second -
                        offset_minutes * 60;
    return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds(seconds * 1'000'000 + micro)));
}

}  // namespace stencila::hub::emulator
