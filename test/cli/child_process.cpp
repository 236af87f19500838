#include "child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace test {

namespace {

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

struct pipe_pair {
    int read = -1;
    int write = -1;
    pipe_pair() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
        read = fds[0];
        write = fds[1];
    }
    ~pipe_pair() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read >= 0) ::close(read);
        read = -1;
    }
    void close_write() {
        if (write >= 0) ::close(write);
        write = -1;
    }
};

// The process's peak resident set so far (VmHWM, KiB); 0 once it has exited (its memory is gone).
long peak_rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
    return 0;
}

// Variables a child needs to run at all here (sanitizer settings, library paths).
const char* inherited[] = {"LD_LIBRARY_PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"};

}  // namespace

child_result run_child(const std::string& program, const child_options& options) {
    pipe_pair in, out, err;

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, options.stdin_fd >= 0 ? options.stdin_fd : in.read, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&actions, options.stderr_fd >= 0 ? options.stderr_fd : err.write, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);  // the test ignores SIGPIPE; the child must not inherit that
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> argv_storage{program};
    argv_storage.insert(argv_storage.end(), options.args.begin(), options.args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    auto env_map = options.env;
    for (const char* name : inherited)
        if (const char* v = std::getenv(name); v && !env_map.count(name)) env_map[name] = v;
    std::vector<std::string> env_storage;
    for (const auto& [k, v] : env_map) env_storage.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        fail("posix_spawn");
    }
    in.close_read();
    out.close_write();
    err.close_write();
    if (options.stdin_fd >= 0) in.close_write();

    child_result result;
    std::size_t written = 0;
    if (options.stdin_fd < 0 && options.input.empty()) in.close_write();
    if (in.write >= 0) ::fcntl(in.write, F_SETFL, O_NONBLOCK);
    auto deadline = std::chrono::steady_clock::now() + options.timeout;

    while (out.read >= 0 || err.read >= 0) {
        pollfd fds[3];
        nfds_t n = 0;
        if (out.read >= 0) fds[n++] = {out.read, POLLIN, 0};
        if (err.read >= 0) fds[n++] = {err.read, POLLIN, 0};
        if (in.write >= 0) fds[n++] = {in.write, POLLOUT, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        if (options.sample_peak_rss) {
            result.peak_rss_kib = std::max(result.peak_rss_kib, peak_rss_kib(pid));
            left = std::min(left, std::chrono::milliseconds{5});
        }
        int ready = ::poll(fds, n, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) fail("poll");
        for (nfds_t i = 0; i < n; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == in.write) {
                auto k = ::write(in.write, options.input.data() + written, options.input.size() - written);
                if (k > 0) written += static_cast<std::size_t>(k);
                if (k < 0 && errno != EAGAIN) in.close_write();  // EPIPE: the child stopped reading
                if (written == options.input.size()) in.close_write();
                continue;
            }
            char buffer[4096];
            auto k = ::read(fds[i].fd, buffer, sizeof buffer);
            bool is_out = fds[i].fd == out.read;
            if (k <= 0) {
                if (k < 0 && errno == EINTR) continue;
                is_out ? out.close_read() : err.close_read();
                continue;
            }
            (is_out ? result.out : result.err).append(buffer, static_cast<std::size_t>(k));
            if (!is_out && options.on_stderr) options.on_stderr(result.err);
        }
    }
    in.close_write();

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) fail("waitpid");
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::string::size_type start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace test
