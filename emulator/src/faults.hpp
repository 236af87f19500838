// Queued faults, matched deterministically against upcoming requests (in arrival order).
#pragma once

#include "stencila/hub/emulator.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace stencila::hub::emulator::detail {

class fault_queue {
public:
    void push(fault f);
    void clear();
    /// The fault this request gets, if any, by the matching rules documented at `fault`; after
    /// `times` applications (0 = forever) a fault is dropped.
    std::optional<fault> take(std::string_view method, std::string_view target);

private:
    std::mutex mutex_;
    std::vector<fault> faults_;
    std::atomic<bool> any_{false};
};

/// The body and status line parts of a `status` fault.
std::string_view reason_phrase(unsigned status);

}  // namespace stencila::hub::emulator::detail
