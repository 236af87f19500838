#include "throttle.hpp"

#include "pagination.hpp"

#include <stdexcept>

namespace stencila::hub::emulator {

namespace {

/// SimpleRateThrottle.parse_rate: `num, period = rate.split('/')`, `int(num)`, and a duration
/// chosen by the period's first letter alone.
throttle_rate parse_rate(std::string_view scope, std::string_view rate) {
    auto bad = [&](const std::string& why) {
        return std::invalid_argument("throttle rate " + std::string(scope) + "=" + std::string(rate) + ": " + why);
    };
    auto slash = rate.find('/');
    if (slash == std::string_view::npos || rate.find('/', slash + 1) != std::string_view::npos)
        throw bad("expected N/period, e.g. 100/hour");
    auto n = detail::python_int(rate.substr(0, slash));
    if (!n) throw bad("the number of requests is not an integer");
    if (*n < 0 || *n > 0xffffffffLL) throw bad("the number of requests must be between 0 and 4294967295");
    std::string_view period = rate.substr(slash + 1);
    if (period.empty()) throw bad("the period is empty");
    std::chrono::seconds duration{0};
    switch (period.front()) {
    case 's': duration = std::chrono::seconds(1); break;
    case 'm': duration = std::chrono::minutes(1); break;
    case 'h': duration = std::chrono::hours(1); break;
    case 'd': duration = std::chrono::hours(24); break;
    default: throw bad("the period must start with s, m, h or d (second, minute, hour, day)");
    }
    return {static_cast<unsigned>(*n), duration};
}

}  // namespace

throttle_options parse_throttle(std::string_view spec) {
    throttle_options o;
    if (spec == "hub") return throttle_options::hub();
    if (spec.empty()) throw std::invalid_argument("throttle: expected hub or anon=N/period,user=N/period");
    for (bool more = true; more;) {
        auto comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        more = comma != std::string_view::npos;
        if (more) spec.remove_prefix(comma + 1);
        auto eq = item.find('=');
        std::string_view scope = item.substr(0, eq);
        if (eq == std::string_view::npos || (scope != "anon" && scope != "user"))
            throw std::invalid_argument("throttle: expected hub, anon=N/period or user=N/period, got \"" + std::string(item) + "\"");
        (scope == "anon" ? o.anon : o.user) = parse_rate(scope, item.substr(eq + 1));
    }
    return o;
}

namespace detail {

throttle::throttle(const throttle_options& o)
    : anon_{o.anon.requests, o.anon.period.count() * 1'000'000LL},
      user_{o.user.requests, o.user.period.count() * 1'000'000LL} {}

bool throttle::allow(const rate& r, const std::string& key, micros now, std::optional<std::uint64_t>& wait) {
    auto& history = history_[key];
    while (!history.empty() && history.back() <= now - r.duration) history.pop_back();
    if (static_cast<std::int64_t>(history.size()) < r.requests) {
        history.push_front(now);
        return true;
    }
    // wait(): the oldest request's remaining window, shared among the requests still available.
    micros remaining = history.empty() ? r.duration : r.duration - (now - history.back());
    std::int64_t available = r.requests - static_cast<std::int64_t>(history.size()) + 1;
    if (available > 0) {
        auto seconds = static_cast<std::uint64_t>((remaining + available * 1'000'000 - 1) / (available * 1'000'000));
        if (!wait || seconds > *wait) wait = seconds;
    }
    return false;
}

throttle_verdict throttle::check(int user, std::string_view ident, micros now) {
    throttle_verdict v;
    std::lock_guard lock(mutex_);
    std::optional<std::uint64_t> wait;
    if (anon_.duration > 0 && user == 0) {
        if (!allow(anon_, "throttle_anon_" + std::string(ident), now, wait)) v.allowed = false;
    }
    if (user_.duration > 0) {
        std::string key = "throttle_user_" + (user != 0 ? std::to_string(user) : std::string(ident));
        if (!allow(user_, key, now, wait)) v.allowed = false;
    }
    if (!v.allowed) v.wait_seconds = wait;
    return v;
}

std::string client_ident(std::string_view forwarded_for, std::string_view remote_addr) {
    if (forwarded_for.empty()) return std::string(remote_addr);
    // ''.join(xff.split()) on the latin-1 decoded header: Python's whitespace, byte by byte.
    std::string xff;
    for (char c : forwarded_for) {
        auto b = static_cast<unsigned char>(c);
        bool space = (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x20) || b == 0x85 || b == 0xa0;
        if (!space) xff.push_back(c);
    }
    return xff;
}

std::string throttled_message(const throttle_verdict& v) {
    std::string m = "Request was throttled.";
    if (v.wait_seconds) {
        m += " Expected available in " + std::to_string(*v.wait_seconds);
        m += *v.wait_seconds == 1 ? " second." : " seconds.";  // ngettext: singular for 1 only
    }
    return m;
}

}  // namespace detail

}  // namespace stencila::hub::emulator
