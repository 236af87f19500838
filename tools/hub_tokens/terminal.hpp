// The terminal: reading a secret without echo, and a progress line on standard error.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hub_tokens {

[[nodiscard]] bool is_terminal(int fd) noexcept;

/// Text that came from a server, safe to print: control characters (C0, DEL, C1), which could
/// move the cursor, clear the screen or set a window title, are shown as `\xNN` instead.
[[nodiscard]] std::string printable(std::string_view text);

/// `text` with DEL and the C1 controls (as UTF-8), and the C0 controls too when `c0`, written as
/// `prefix` and two hex digits (`\x1b`, or `\u007f` inside JSON strings).
[[nodiscard]] std::string escape_controls(std::string_view text, std::string_view prefix, bool c0);

/// Reads one line from standard input, without its line ending. When standard input is a
/// terminal, `prompt` goes to standard error first and echo is off while the user types (and is
/// restored even if a signal ends the program). Nothing at end of input: nothing.
[[nodiscard]] std::optional<std::string> read_secret_line(std::string_view prompt);

/// `\r 1200/5000 tokens` on standard error, redrawn in place; only when standard error is a
/// terminal and the work has lasted longer than `delay`, so short runs and logs stay clean.
class progress_line {
public:
    explicit progress_line(std::chrono::milliseconds delay = std::chrono::milliseconds{300});
    ~progress_line();
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;

    void update(std::int64_t done, std::int64_t total);
    /// Erases the line, if one was drawn.
    void finish();

private:
    bool enabled_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::milliseconds delay_;
    std::chrono::steady_clock::time_point last_draw_{};
    std::size_t drawn_ = 0;  // width of what is on screen
};

}  // namespace hub_tokens
