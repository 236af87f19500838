// The command line of hub-tokens: global options, one command and its options, parsed into an
// `invocation`. Parsing never does I/O; help texts are built here so they match the parser.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace hub_tokens {

/// The command line is wrong. Exit status 2; the usage line of `command` follows the message.
class usage_error : public std::runtime_error {
public:
    usage_error(std::string command, const std::string& message)
        : std::runtime_error(message), command_(std::move(command)) {}
    [[nodiscard]] const std::string& command() const noexcept { return command_; }

private:
    std::string command_;
};

/// Options that apply to every command.
struct global_options {
    std::string url{};              ///< empty: the library's default
    std::string ca_file{};
    bool insecure = false;
    std::optional<double> timeout_seconds{};
};

struct login_args {
    std::string username{};
    std::optional<std::string> openid{};  ///< the JWT, or "-" to read it from stdin
};

struct list_args {
    std::optional<std::int64_t> limit{};
    std::optional<std::int64_t> offset{};
    bool all = false;
    std::int64_t page_size = 100;  ///< for --all
    double all_timeout_seconds = 600;  ///< for --all: the whole walk ends by then
    std::size_t repair = 2;  ///< for --all: passes again for tokens missed because the listing moved
    bool strict = false;     ///< for --all: a listing that changed is an error (exit status 5), not a warning
    bool json = false;
};

struct read_args {
    std::string token{};  ///< or "-" to read it from stdin
    bool json = false;
};

struct delete_args {
    std::string token{};  ///< or "-" to read it from stdin
};

/// What the user asked for.
struct invocation {
    enum class action { run, help, version } what = action::run;
    std::string command{};  ///< "login", "list", "read", "delete"; empty for the tool itself
    global_options global{};
    std::variant<std::monostate, login_args, list_args, read_args, delete_args> args{};
};

/// Parses `argv`. `default_url` is the value of STENCILA_HUB_URL (empty if unset). Throws
/// `usage_error` for anything wrong.
[[nodiscard]] invocation parse_command_line(const std::vector<std::string>& argv, const std::string& default_url);

/// The full help of the tool (`command` empty) or of one command.
[[nodiscard]] std::string help_text(const std::string& command);
/// One line: `usage: hub-tokens ...` for the tool or one command.
[[nodiscard]] std::string usage_line(const std::string& command);

}  // namespace hub_tokens
