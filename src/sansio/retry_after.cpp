// Reading the wait a server states (retry_after.hpp): Retry-After's delta-seconds and HTTP-dates.
#include "sansio/retry_after.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace stencila::hub::detail {
namespace {

using namespace std::chrono;

std::optional<int> month_of(std::string_view m) {
    static constexpr std::array<std::string_view, 12> names{"jan", "feb", "mar", "apr", "may", "jun",
                                                            "jul", "aug", "sep", "oct", "nov", "dec"};
    if (m.size() != 3) return std::nullopt;
    std::string lower;
    for (char c : m) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == lower) return static_cast<int>(i) + 1;
    return std::nullopt;
}

std::optional<int> number(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::optional<seconds> time_of_day(std::string_view s) {
    if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
    auto h = number(s.substr(0, 2)), m = number(s.substr(3, 2)), sec = number(s.substr(6, 2));
    if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
    return hours{*h} + minutes{*m} + seconds{*sec};
}

std::vector<std::string_view> split(std::string_view s, std::string_view separators) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && separators.find(s[i]) != std::string_view::npos) ++i;
        std::size_t j = i;
        while (j < s.size() && separators.find(s[j]) == std::string_view::npos) ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
// asctime "Sun Nov  6 08:49:37 1994".
std::optional<sys_seconds> parse_http_date(std::string_view v) {
    auto parts = split(v, " ,-");
    std::optional<int> y, mo, d;
    std::optional<seconds> tod;
    if (parts.size() == 6 && parts[5] == "GMT") {  // IMF-fixdate or RFC 850
        d = number(parts[1]);
        mo = month_of(parts[2]);
        if (parts[3].size() == 4 || parts[3].size() == 2) y = number(parts[3]);
        if (y && parts[3].size() == 2) *y += *y < 70 ? 2000 : 1900;
        tod = time_of_day(parts[4]);
    } else if (parts.size() == 5) {  // asctime
        mo = month_of(parts[1]);
        d = number(parts[2]);
        tod = time_of_day(parts[3]);
        if (parts[4].size() == 4) y = number(parts[4]);
    }
    if (!y || !mo || !d || !tod) return std::nullopt;
    year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_seconds{sys_days{ymd}} + *tod;  // seconds: no overflow for any 4-digit year
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value, system_clock::time_point now) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9) return max_stated_wait;  // absurdly far: saturated
        return saturate_wait(seconds{*number(value)});
    }
    auto when = parse_http_date(value);
    if (!when) return std::nullopt;
    // In milliseconds, not the clock's nanoseconds: dates far off stay representable.
    sys_time<milliseconds> at{*when}, from = floor<milliseconds>(now);
    return at <= from ? milliseconds{0} : saturate_wait(at - from);
}

}  // namespace stencila::hub::detail
