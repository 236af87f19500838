// hub-tokens: log in to a Stencila Hub, and list, read or delete API tokens.
//
//   hub-tokens login --username sam            # prints a new token
//   STENCILA_HUB_TOKEN=... hub-tokens list --all
//
// `hub-tokens --help` and tools/README.md describe the commands, environment and exit statuses.
#include "command_line.hpp"
#include "commands.hpp"
#include "exit_status.hpp"

#include <stencila/hub/options.hpp>
#include <stencila/hub/version.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace hub = stencila::hub;
using namespace hub_tokens;

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

std::string trimmed(std::string s) {
    const char* space = " \t\r\n";
    auto first = s.find_first_not_of(space);
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(space) - first + 1);
}

hub::options client_options(const global_options& g) {
    hub::options o;
    if (!g.url.empty()) o.base_url = g.url;
    o.api_key = trimmed(environment("STENCILA_HUB_TOKEN"));
    o.tls.ca_file = g.ca_file;
    o.tls.verify = !g.insecure;
    o.user_agent = std::string("hub-tokens/") + hub::version;
    if (g.timeout_seconds) {
        auto limit = std::chrono::milliseconds{static_cast<std::int64_t>(*g.timeout_seconds * 1000.0 + 0.5)};
        if (limit < std::chrono::milliseconds{1}) limit = std::chrono::milliseconds{1};
        o.timeouts.request = limit;
        o.timeouts.connect = std::min(o.timeouts.connect, limit);
        o.timeouts.tls_handshake = std::min(o.timeouts.tls_handshake, limit);
    }
    return o;
}

std::string prefix(const std::string& command) { return command.empty() ? "hub-tokens: " : "hub-tokens: " + command + ": "; }

}  // namespace

int main(int argc, char** argv) {
    std::string command;
    known_secrets secrets;  // kept out of everything printed, errors included
    try {
        auto inv = parse_command_line(std::vector<std::string>(argv + 1, argv + argc), environment("STENCILA_HUB_URL"));
        command = inv.command;
        if (inv.what == invocation::action::version) {
            std::cout << "hub-tokens " << hub::version << '\n';
            return exit_ok;
        }
        if (inv.what == invocation::action::help) {
            std::cout << help_text(inv.command);
            return exit_ok;
        }
        if (inv.global.insecure)
            std::cerr << "hub-tokens: warning: --insecure: the Hub's TLS certificate is not verified\n";
        auto options = client_options(inv.global);
        secrets.add(options.api_key.reveal());  // whether or not the command sends it
        run_command(inv, std::move(options), secrets);
        std::cout.flush();
        if (!std::cout) {
            std::cerr << prefix(command) << "cannot write to standard output\n";
            return exit_failure;
        }
        return exit_ok;
    } catch (...) {
        auto f = describe(std::current_exception(), secrets);
        bool show_usage = false;
        try {
            throw;
        } catch (const usage_error& e) {
            command = e.command();  // known even when parsing stopped before `command` was set
            show_usage = true;
        } catch (...) {
        }
        if (f.status == exit_auth && command == "list") f.message += " (is STENCILA_HUB_TOKEN a valid API token?)";
        std::cerr << prefix(command) << f.message << '\n';
        if (show_usage)
            std::cerr << usage_line(command) << "\nTry 'hub-tokens " << (command.empty() ? "" : command + " ")
                      << "--help' for more information.\n";
        return f.status;
    }
}
