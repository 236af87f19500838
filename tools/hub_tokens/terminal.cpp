#include "terminal.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include <termios.h>
#include <unistd.h>

namespace hub_tokens {

bool is_terminal(int fd) noexcept { return ::isatty(fd) == 1; }

namespace {

// State for the signal handler: a signal while echo is off must not leave the terminal mute.
struct termios saved_mode{};
volatile std::sig_atomic_t echo_is_off = 0;
constexpr int restoring_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};

extern "C" void restore_echo_and_reraise(int sig) {
    if (echo_is_off) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_mode);
    echo_is_off = 0;
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// Turns echo off for its lifetime.
class echo_off {
public:
    echo_off() {
        if (::tcgetattr(STDIN_FILENO, &saved_mode) != 0) return;
        struct sigaction sa{};
        sa.sa_handler = restore_echo_and_reraise;
        sigemptyset(&sa.sa_mask);
        for (std::size_t i = 0; i < std::size(restoring_signals); ++i)
            ::sigaction(restoring_signals[i], &sa, &previous_[i]);
        struct termios quiet = saved_mode;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;  // the Enter key still moves to a new line
        echo_is_off = 1;
        active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        if (!active_) echo_is_off = 0;
    }
    ~echo_off() {
        if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_mode);
        echo_is_off = 0;
        for (std::size_t i = 0; i < std::size(restoring_signals); ++i)
            ::sigaction(restoring_signals[i], &previous_[i], nullptr);
    }
    echo_off(const echo_off&) = delete;
    echo_off& operator=(const echo_off&) = delete;

private:
    bool active_ = false;
    struct sigaction previous_[std::size(restoring_signals)]{};
};

std::optional<std::string> read_line() {
    std::string line;
    if (!std::getline(std::cin, line) && line.empty()) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace

std::optional<std::string> read_secret_line(std::string_view prompt) {
    if (!is_terminal(STDIN_FILENO)) return read_line();
    echo_off quiet;  // before the prompt: whatever is typed after it must not show
    std::cerr << prompt << std::flush;
    return read_line();
}

progress_line::progress_line(std::chrono::milliseconds delay)
    : enabled_(is_terminal(STDERR_FILENO)), start_(std::chrono::steady_clock::now()), delay_(delay) {}

progress_line::~progress_line() { finish(); }

void progress_line::update(std::int64_t done, std::int64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (!enabled_ || now - start_ < delay_) return;
    if (drawn_ == 0 && done >= total) return;  // over already: a line drawn now would only flash
    if (drawn_ != 0 && done < total && now - last_draw_ < std::chrono::milliseconds{100}) return;  // no flicker
    last_draw_ = now;
    // Appended piece by piece: `" " + std::to_string(...)` makes g++ 12 at -O3 report a false
    // -Wrestrict inside std::string's replace.
    std::string text = " ";
    text += std::to_string(done);
    text += '/';
    text += std::to_string(total);
    text += " tokens";
    std::string pad(drawn_ > text.size() ? drawn_ - text.size() : 0, ' ');
    std::cerr << '\r' << text << pad << std::flush;
    drawn_ = text.size();
}

void progress_line::finish() {
    if (drawn_ == 0) return;
    std::cerr << '\r' << std::string(drawn_, ' ') << '\r' << std::flush;
    drawn_ = 0;
}

std::string escape_controls(std::string_view text, std::string_view prefix, bool c0) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    auto escape = [&](unsigned char c) {
        out += prefix;
        out += hex[c >> 4];
        out += hex[c & 15];
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if ((c0 && c < 0x20) || c == 0x7f) {
            escape(c);
        } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            escape(static_cast<unsigned char>(text[++i]));  // a C1 control, as UTF-8
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string printable(std::string_view text) { return escape_controls(text, "\\x", true); }

}  // namespace hub_tokens
