// Runs a program as a child process with a given environment and standard input, and collects
// its standard output, standard error and exit status (posix_spawn and poll; no Boost.Process).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace test {

struct child_result {
    int exit_code = -1;  ///< the exit status, or 128 + signal number
    std::string out;
    std::string err;     ///< empty when `stderr_fd` was given
    bool timed_out = false;
    /// With `child_options::sample_peak_rss`: the highest VmHWM (peak resident set, KiB) read from
    /// /proc/<pid>/status while the child ran, sampled every few milliseconds and at every read of
    /// its output. (wait4's ru_maxrss would do without sampling, but posix_spawn's vfork-style
    /// exec makes the kernel fold this process's own peak into it.)
    long peak_rss_kib = 0;
};

struct child_options {
    std::vector<std::string> args{};            ///< argv[1...]
    std::map<std::string, std::string> env{};   ///< the whole environment (a few of ours are added)
    std::string input{};                        ///< written to standard input, which is then closed
    int stdin_fd = -1;   ///< use this (e.g. a terminal) as standard input instead of `input`
    int stderr_fd = -1;  ///< use this as standard error instead of a pipe
    /// Called with everything read from standard error so far, after each read (for prompts).
    std::function<void(const std::string&)> on_stderr{};
    std::chrono::milliseconds timeout{60'000};  ///< then the child is killed
    bool sample_peak_rss = false;               ///< fill `child_result::peak_rss_kib`
};

[[nodiscard]] child_result run_child(const std::string& program, const child_options& options);

/// The lines of `text` (a child's output), without their line endings.
[[nodiscard]] std::vector<std::string> lines_of(const std::string& text);

}  // namespace test
