#include <stencila/hub/datetime.hpp>

#include <cstdio>

namespace stencila::hub {
namespace {

// Reads exactly `n` digits at `s[i]`, advancing `i`.
bool digits(std::string_view s, std::size_t& i, int n, int& out) noexcept {
    if (i + static_cast<std::size_t>(n) > s.size()) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
        char c = s[i++];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

bool expect(std::string_view s, std::size_t& i, char c) noexcept {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
}

}  // namespace

std::optional<timestamp> parse_datetime(std::string_view s) noexcept {
    using namespace std::chrono;
    std::size_t i = 0;
    int y, mo, d, h, mi, sec;
    if (!digits(s, i, 4, y) || !expect(s, i, '-') || !digits(s, i, 2, mo) || !expect(s, i, '-') ||
        !digits(s, i, 2, d))
        return std::nullopt;
    if (i >= s.size() || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return std::nullopt;
    ++i;
    if (!digits(s, i, 2, h) || !expect(s, i, ':') || !digits(s, i, 2, mi) || !expect(s, i, ':') ||
        !digits(s, i, 2, sec))
        return std::nullopt;

    long long micros = 0;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        int n = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (n < 6) micros = micros * 10 + (s[i] - '0');
            ++n;
            ++i;
        }
        if (n == 0 || n > 9) return std::nullopt;
        for (int k = n; k < 6; ++k) micros *= 10;
    }

    minutes offset{0};
    if (i >= s.size()) return std::nullopt;  // a time zone is required
    if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
    } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        ++i;
        int oh, om;
        if (!digits(s, i, 2, oh)) return std::nullopt;
        if (i < s.size() && s[i] == ':') ++i;
        if (!digits(s, i, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset = minutes{sign * (oh * 60 + om)};
    } else {
        return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;

    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
    auto t = timestamp{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{sec} + microseconds{micros} - offset;
    // An offset may carry the instant out of years 0000-9999, which the Hub's format cannot write.
    auto y_utc = static_cast<int>(year_month_day{floor<days>(t)}.year());
    if (y_utc < 0 || y_utc > 9999) return std::nullopt;
    return t;
}

std::string format_datetime(timestamp t) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss<microseconds> tod{t - day};
    char buf[40];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02lld", static_cast<int>(ymd.year()),
                          static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                          static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                          static_cast<long long>(tod.seconds().count()));
    std::string out(buf, static_cast<std::size_t>(n));
    if (auto us = tod.subseconds().count(); us != 0) {
        n = std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(us));
        out.append(buf, static_cast<std::size_t>(n));
    }
    out += 'Z';
    return out;
}

}  // namespace stencila::hub
