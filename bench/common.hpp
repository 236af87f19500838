// What every benchmark program shares: command-line flags, the measures (wall clock, the
// process's CPU from getrusage, peak and current RSS, the emulator's CPU from /proc/PID/stat,
// heap-allocation counts) and the one output format scripts/bench turns into a table:
//
//     RESULT workload=W1 impl=hub proto=https calls=20000 secs=0.61 ...
#pragma once


#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// Defined in alloc_counter.cpp: heap allocations and live heap bytes (malloc_usable_size).
extern std::atomic<std::uint64_t> allocations;
extern std::atomic<std::int64_t> live_bytes;
extern std::atomic<std::int64_t> peak_live_bytes;

/// `--name value` pairs; `--flag` alone reads as "1".
class flags {
public:
    flags(int argc, char** argv, int first) {
        for (int i = first; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (arg.substr(0, 2) != "--") throw std::runtime_error("unexpected argument " + std::string(arg));
            std::string k(arg.substr(2));
            if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) values_[k] = argv[++i];
            else values_[k].assign(1, '1');
        }
    }
    [[nodiscard]] std::string str(const std::string& k, std::string def = {}) const {
        auto it = values_.find(k);
        return it == values_.end() ? def : it->second;
    }
    [[nodiscard]] long num(const std::string& k, long def) const {
        auto it = values_.find(k);
        return it == values_.end() ? def : std::stol(it->second);
    }
    [[nodiscard]] std::string need(const std::string& k) const {
        auto it = values_.find(k);
        if (it == values_.end()) throw std::runtime_error("--" + k + " is required");
        return it->second;
    }

private:
    std::map<std::string, std::string> values_;
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::vector<std::string> read_lines(const std::string& path, std::size_t max = SIZE_MAX) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<std::string> lines;
    for (std::string line; lines.size() < max && std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    if (lines.empty()) throw std::runtime_error(path + " holds no tokens");
    return lines;
}

using clock = std::chrono::steady_clock;

inline double seconds_since(clock::time_point t0) {
    return std::chrono::duration<double>(clock::now() - t0).count();
}

/// User + system CPU seconds of this process (all threads) so far.
inline double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return tv(u.ru_utime) + tv(u.ru_stime);
}

/// Peak resident set of this process so far, in KiB.
inline long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/// Resident set now, in KiB (/proc/self/statm).
inline long rss_kib() {
    std::ifstream in("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    in >> pages_total >> pages_resident;
    return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// CPU seconds (user + system) used so far by another process, from /proc/PID/stat; 0 if pid is 0.
inline double process_cpu_seconds(long pid) {
    if (pid <= 0) return 0;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) return 0;
    std::istringstream rest(text.substr(close + 2));
    std::vector<std::string> fields;
    for (std::string f; rest >> f;) fields.push_back(f);
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    if (fields.size() < 13) return 0;
    return static_cast<double>(std::stoull(fields[11]) + std::stoull(fields[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// One timed part: wall clock, our CPU, the emulator's CPU, heap allocations.
class measure {
public:
    explicit measure(long emulator_pid) : pid_(emulator_pid) {}
    void start() {
        emu0_ = process_cpu_seconds(pid_);
        cpu0_ = cpu_seconds();
        allocs0_ = allocations.load();
        t0_ = clock::now();
    }
    void stop() {
        secs = seconds_since(t0_);
        cpu = cpu_seconds() - cpu0_;
        allocs = allocations.load() - allocs0_;
        emulator_cpu = process_cpu_seconds(pid_) - emu0_;
    }
    double secs = 0, cpu = 0, emulator_cpu = 0;
    std::uint64_t allocs = 0;

private:
    long pid_;
    double emu0_ = 0, cpu0_ = 0;
    std::uint64_t allocs0_ = 0;
    clock::time_point t0_{};
};

/// Accumulates `key=value` pairs and prints them as one RESULT line on stdout.
class result {
public:
    explicit result(std::string workload) { add("workload", std::move(workload)); }
    result& add(const std::string& k, const std::string& v) {
        line_ += (line_.empty() ? "" : " ") + k + "=" + v;
        return *this;
    }
    result& add(const std::string& k, double v, int precision = 3) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", precision, v);
        return add(k, std::string(buf));
    }
    result& add(const std::string& k, std::uint64_t v) { return add(k, std::to_string(v)); }
    result& add(const std::string& k, long v) { return add(k, std::to_string(v)); }
    result& add(const std::string& k, int v) { return add(k, std::to_string(v)); }
    void print() const { std::cout << "RESULT " << line_ << std::endl; }

private:
    std::string line_;
};

/// The CPU figures of a timed part of `calls` calls.
inline void add_cpu(result& r, const measure& m, std::uint64_t calls) {
    r.add("calls", calls).add("secs", m.secs).add("calls_per_s", static_cast<double>(calls) / m.secs, 0);
    r.add("cpu_us_per_call", m.cpu * 1e6 / static_cast<double>(calls), 2);
    r.add("emu_cpu_share", m.secs > 0 ? m.emulator_cpu / m.secs : 0.0, 2);
    r.add("allocs_per_call", static_cast<double>(m.allocs) / static_cast<double>(calls), 1);
}

/// The median of `v` (sorted in place).
inline double median(std::vector<double>& v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/// "https://127.0.0.1:PORT/api" -> host, port, path prefix, https.
struct endpoint {
    bool https = true;
    std::string host;
    std::string port;
    std::string prefix;  ///< e.g. "/api"

    static endpoint parse(const std::string& url) {
        endpoint e;
        auto scheme_end = url.find("://");
        if (scheme_end == std::string::npos) throw std::runtime_error("bad URL " + url);
        e.https = url.compare(0, scheme_end, "https") == 0;
        auto host_start = scheme_end + 3;
        auto path_start = url.find('/', host_start);
        auto authority = url.substr(host_start, path_start - host_start);
        auto colon = authority.rfind(':');
        e.host = authority.substr(0, colon);
        e.port = colon == std::string::npos ? (e.https ? "443" : "80") : authority.substr(colon + 1);
        e.prefix = path_start == std::string::npos ? "" : url.substr(path_start);
        return e;
    }
    [[nodiscard]] std::string host_header() const { return host + ":" + port; }
};

}  // namespace bench
