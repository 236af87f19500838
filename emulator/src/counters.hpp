// The server's counters: answers by method, route and status, and faults applied by kind.
// Lock-free on the common statuses, so counting costs one relaxed increment per answer.
#pragma once

#include "stencila/hub/emulator.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <tuple>

namespace stencila::hub::emulator::detail {

/// The Hub's two token routes, or neither (Django's HTML 404, unparseable requests).
enum class route { list, detail, unrouted };

class counters {
public:
    void count_response(std::string_view method, route r, unsigned status);
    void count_fault(fault::kind k);
    /// Fills `responses` and `faults_fired`.
    void fill(server_stats& s) const;

private:
    static constexpr std::array<unsigned, 16> statuses{200, 201, 204, 400, 403, 404, 405, 406,
                                                       413, 414, 415, 429, 500, 502, 503, 504};
    static constexpr std::size_t methods = 8, routes = 3, kinds = 9;
    std::array<std::atomic<std::uint64_t>, routes * methods * statuses.size()> responses_{};
    std::array<std::atomic<std::uint64_t>, kinds> faults_{};
    mutable std::mutex rare_mutex_;  // answers with a status outside `statuses` (e.g. a 418 fault)
    std::map<std::tuple<std::size_t, std::size_t, unsigned>, std::uint64_t> rare_;
};

}  // namespace stencila::hub::emulator::detail
