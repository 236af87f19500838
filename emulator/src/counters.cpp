#include "counters.hpp"

#include "json_out.hpp"

#include <algorithm>
#include <type_traits>

namespace stencila::hub::emulator {

namespace {

constexpr std::string_view method_names[] = {"GET", "HEAD", "POST", "DELETE", "OPTIONS", "PUT", "PATCH", "other"};
constexpr std::string_view route_names[] = {"/api/tokens/", "/api/tokens/{token}/", "unrouted"};
constexpr std::string_view kind_names[] = {"latency", "close-after-response", "reset-mid-body",
                                           "stall", "status", "truncated-body",
                                           "malformed-json", "oversized-body", "close-before-response"};

std::size_t method_index(std::string_view m) {
    for (std::size_t i = 0; i + 1 < std::size(method_names); ++i)
        if (method_names[i] == m) return i;
    return std::size(method_names) - 1;
}

}  // namespace

namespace detail {

void counters::count_response(std::string_view method, route r, unsigned status) {
    std::size_t m = method_index(method), ri = static_cast<std::size_t>(r);
    auto s = std::find(statuses.begin(), statuses.end(), status);
    if (s != statuses.end()) {
        auto at = (ri * methods + m) * statuses.size() + static_cast<std::size_t>(s - statuses.begin());
        responses_[at].fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::lock_guard lock(rare_mutex_);
    ++rare_[{ri, m, status}];
}

void counters::count_fault(fault::kind k) { faults_[static_cast<std::size_t>(k)].fetch_add(1, std::memory_order_relaxed); }

void counters::fill(server_stats& out) const {
    std::map<std::tuple<std::size_t, std::size_t, unsigned>, std::uint64_t> all;
    for (std::size_t r = 0; r < routes; ++r)
        for (std::size_t m = 0; m < methods; ++m)
            for (std::size_t s = 0; s < statuses.size(); ++s)
                if (auto n = responses_[(r * methods + m) * statuses.size() + s].load(std::memory_order_relaxed))
                    all[{r, m, statuses[s]}] = n;
    {
        std::lock_guard lock(rare_mutex_);
        for (const auto& [k, n] : rare_) all[k] = n;
    }
    out.responses.clear();
    for (const auto& [k, n] : all)
        out.responses.push_back({std::string(method_names[std::get<1>(k)]), std::string(route_names[std::get<0>(k)]),
                                 std::get<2>(k), n});
    out.faults_fired.clear();
    for (std::size_t k = 0; k < kinds; ++k)
        if (auto n = faults_[k].load(std::memory_order_relaxed)) out.faults_fired.push_back({static_cast<fault::kind>(k), n});
}

}  // namespace detail

std::uint64_t server_stats::count(std::string_view method, std::string_view route, unsigned status) const {
    std::uint64_t n = 0;
    for (const auto& r : responses)
        if (r.method == method && r.route == route && (status == 0 || r.status == status)) n += r.count;
    return n;
}

std::string to_json(const server_stats& s) {
    std::string out;
    auto field = [&out](std::string_view key, auto value) {
        out += '"';
        out += key;
        out += "\":";
        if constexpr (std::is_convertible_v<decltype(value), std::string_view>) detail::append_string(out, value);
        else detail::append_uint(out, value);
    };
    out += '{';
    field("connections_accepted", s.connections_accepted);
    out += ',';
    field("requests", s.requests);
    out += ',';
    field("connections_open", s.connections_open);
    out += ",\"responses\":[";
    for (std::size_t i = 0; i < s.responses.size(); ++i) {
        const auto& r = s.responses[i];
        out += i ? ",{" : "{";
        field("method", std::string_view(r.method));
        out += ',';
        field("route", std::string_view(r.route));
        out += ',';
        field("status", std::uint64_t{r.status});
        out += ',';
        field("count", r.count);
        out += '}';
    }
    out += "],\"faults_fired\":[";
    for (std::size_t i = 0; i < s.faults_fired.size(); ++i) {
        out += i ? ",{" : "{";
        field("kind", kind_names[static_cast<std::size_t>(s.faults_fired[i].what)]);
        out += ',';
        field("count", s.faults_fired[i].count);
        out += '}';
    }
    out += "]}";
    return out;
}

}  // namespace stencila::hub::emulator
