#include "faults.hpp"

namespace stencila::hub::emulator::detail {

void fault_queue::push(fault f) {
    std::lock_guard lock(mutex_);
    faults_.push_back(std::move(f));
    any_ = true;
}

void fault_queue::clear() {
    std::lock_guard lock(mutex_);
    faults_.clear();
    any_ = false;
}

std::optional<fault> fault_queue::take(std::string_view method, std::string_view target) {
    std::string_view path = target.substr(0, target.find('?'));
    if (!any_.load(std::memory_order_relaxed)) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto chosen = faults_.end();
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        if (!it->method.empty() && it->method != method) continue;
        std::string_view subject = it->path_prefix.find('?') == std::string::npos ? path : target;
        if (subject.substr(0, it->path_prefix.size()) != it->path_prefix) continue;
        // Every matching fault counts the request against its skip, even one that another fault
        // takes; the first whose skip was already spent applies.
        if (it->skip > 0) --it->skip;
        else if (chosen == faults_.end()) chosen = it;
    }
    if (chosen == faults_.end()) return std::nullopt;
    fault f = *chosen;
    if (chosen->times > 0 && --chosen->times == 0) faults_.erase(chosen);
    any_ = !faults_.empty();
    return f;
}

std::string_view reason_phrase(unsigned status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
    }
}

}  // namespace stencila::hub::emulator::detail
