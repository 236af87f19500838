// Two passes: the first takes the global options (wherever they are) and the command name,
// leaving everything else; the second parses that rest with the command's own options.
#include "command_line.hpp"

#include <stencila/hub/options.hpp>
#include <stencila/hub/version.hpp>

#include <boost/program_options.hpp>

#include <algorithm>
#include <sstream>

namespace hub_tokens {

namespace po = boost::program_options;

namespace {

constexpr int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

const std::vector<std::string> commands = {"login", "list", "read", "delete"};

std::string default_url_text() { return stencila::hub::options{}.base_url; }

po::options_description global_description(global_options* g, bool* help, bool* version) {
    po::options_description d{"Global options", 100};
    auto url = g ? po::value(&g->url) : po::value<std::string>();
    auto ca = g ? po::value(&g->ca_file) : po::value<std::string>();
    auto insecure = g ? po::bool_switch(&g->insecure) : po::bool_switch();
    d.add_options()
        ("url", url->value_name("URL"),
         ("the Hub's API base URL (default: $STENCILA_HUB_URL, else " + default_url_text() + ")").c_str())
        ("ca-file", ca->value_name("PEM"), "trust the CA certificates in this PEM file, not the system's")
        ("insecure", insecure, "do not verify the Hub's TLS certificate (prints a warning)")
        ("timeout", po::value<double>()->value_name("SECONDS"), "give up on a request after this long (default 30)")
        ("help,h", help ? po::bool_switch(help) : po::bool_switch(), "show help (hub-tokens COMMAND --help for a command)")
        ("version", version ? po::bool_switch(version) : po::bool_switch(), "show the version");
    return d;
}

po::options_description command_description(const std::string& command, invocation* inv) {
    po::options_description d{"Options of " + command, 100};
    if (command == "login") {
        auto* a = inv ? &std::get<login_args>(inv->args) : nullptr;
        d.add_options()
            ("username,u", a ? po::value(&a->username)->value_name("NAME") : po::value<std::string>()->value_name("NAME"),
             "log in with this username (or email) and a password: typed without echo on a terminal, "
             "else the first line of standard input")
            ("openid", po::value<std::string>()->value_name("JWT"),
             "log in with an OpenID Connect token instead; '-' reads it from standard input");
    } else if (command == "list") {
        d.add_options()
            ("limit", po::value<std::int64_t>()->value_name("N"), "list at most N tokens (the Hub's default: 50)")
            ("offset", po::value<std::int64_t>()->value_name("N"), "skip the first N tokens")
            ("all", "list every token, walking all the pages")
            ("page-size", po::value<std::int64_t>()->value_name("N"), "with --all: tokens per request (default 100)")
            ("all-timeout", po::value<double>()->value_name("SECONDS"),
             "with --all: give up on the whole listing after this long (default 600)")
            ("repair", po::value<std::int64_t>()->value_name("N"),
             "with --all: walk again up to N times for tokens the walk missed because the listing moved "
             "(default 2)")
            ("strict", "with --all: fail (exit status 5) when the listing changed during the walk, instead of warning")
            ("json", "print JSON instead of a table");
    } else if (command == "read") {
        d.add_options()("json", "print JSON instead of text");
    }
    return d;
}

po::options_description hidden_token() {
    po::options_description d;
    d.add_options()("token", po::value<std::vector<std::string>>());
    return d;
}

bool takes_token(const std::string& command) { return command == "read" || command == "delete"; }

std::int64_t checked(const po::variables_map& vm, const char* name, std::int64_t min, const std::string& command) {
    auto v = vm[name].as<std::int64_t>();
    if (v < min)
        throw usage_error(command, "--" + std::string(name) + " must be at least " + std::to_string(min));
    return v;
}

void parse_command(invocation& inv, const std::vector<std::string>& rest) {
    const auto& command = inv.command;
    if (command == "login") inv.args = login_args{};
    else if (command == "list") inv.args = list_args{};
    else if (command == "read") inv.args = read_args{};
    else inv.args = delete_args{};

    po::options_description all;
    all.add(command_description(command, &inv));
    po::positional_options_description positional;
    if (takes_token(command)) {
        all.add(hidden_token());
        positional.add("token", -1);
    }
    po::variables_map vm;
    po::store(po::command_line_parser(rest).options(all).positional(positional).style(style).run(), vm);
    po::notify(vm);

    if (auto* a = std::get_if<login_args>(&inv.args)) {
        if (vm.count("openid")) a->openid = vm["openid"].as<std::string>();
        if (a->openid && !a->username.empty())
            throw usage_error(command, "give either --username or --openid, not both");
        if (!a->openid && a->username.empty()) throw usage_error(command, "give --username NAME or --openid JWT");
        if (a->openid && a->openid->empty()) throw usage_error(command, "--openid is empty");
    } else if (auto* l = std::get_if<list_args>(&inv.args)) {
        l->all = vm.count("all") > 0;
        l->json = vm.count("json") > 0;
        if (vm.count("limit")) l->limit = checked(vm, "limit", 1, command);
        if (vm.count("offset")) l->offset = checked(vm, "offset", 0, command);
        if (vm.count("page-size")) l->page_size = checked(vm, "page-size", 1, command);
        if (l->all && l->limit) throw usage_error(command, "--all lists every token: leave out --limit");
        if (!l->all && vm.count("page-size")) throw usage_error(command, "--page-size goes with --all");
        if (!l->all && vm.count("repair")) throw usage_error(command, "--repair goes with --all");
        if (!l->all && vm.count("strict")) throw usage_error(command, "--strict goes with --all");
        if (vm.count("repair")) l->repair = static_cast<std::size_t>(checked(vm, "repair", 0, command));
        l->strict = vm.count("strict") > 0;
        if (vm.count("all-timeout")) {
            if (!l->all) throw usage_error(command, "--all-timeout goes with --all");
            double t = vm["all-timeout"].as<double>();
            if (!(t > 0) || t > 7 * 86400) throw usage_error(command, "--all-timeout must be between 0 and 604800 seconds");
            l->all_timeout_seconds = t;
        }
    } else {
        std::vector<std::string> tokens;
        if (vm.count("token")) tokens = vm["token"].as<std::vector<std::string>>();
        if (tokens.empty()) throw usage_error(command, "missing TOKEN");
        if (tokens.size() > 1) throw usage_error(command, "expected one TOKEN, got " + std::to_string(tokens.size()));
        if (auto* r = std::get_if<read_args>(&inv.args)) {
            r->token = tokens.front();
            r->json = vm.count("json") > 0;
        } else {
            std::get<delete_args>(inv.args).token = tokens.front();
        }
    }
}

}  // namespace

invocation parse_command_line(const std::vector<std::string>& argv, const std::string& default_url) {
    invocation inv;
    bool help = false;
    bool version = false;
    po::options_description global = global_description(&inv.global, &help, &version);
    po::options_description first = global;
    first.add_options()("command", po::value(&inv.command))("rest", po::value<std::vector<std::string>>());
    po::positional_options_description positional;
    positional.add("command", 1).add("rest", -1);

    std::vector<std::string> rest;
    try {
        auto parsed = po::command_line_parser(argv).options(first).positional(positional).style(style)
                          .allow_unregistered().run();
        po::variables_map vm;
        po::store(parsed, vm);
        po::notify(vm);
        // Everything but the global options and the command name, in order, for the second pass.
        for (const auto& o : parsed.options)
            if (o.string_key != "command" && (o.unregistered || o.position_key != -1))
                rest.insert(rest.end(), o.original_tokens.begin(), o.original_tokens.end());
        if (vm.count("timeout")) {
            double t = vm["timeout"].as<double>();
            if (!(t > 0) || t > 86400) throw usage_error(inv.command, "--timeout must be between 0 and 86400 seconds");
            inv.global.timeout_seconds = t;
        }
    } catch (const po::error& e) {
        // The parse stopped early; name the command anyway if one was given.
        auto named = std::find_first_of(argv.begin(), argv.end(), commands.begin(), commands.end());
        throw usage_error(named == argv.end() ? inv.command : *named, e.what());
    }
    if (inv.global.url.empty()) inv.global.url = default_url;

    if (inv.command == "help") {  // `hub-tokens help [COMMAND]`
        inv.command = rest.empty() ? "" : rest.front();
        help = true;
        rest.clear();
    }
    if (!inv.command.empty() && std::find(commands.begin(), commands.end(), inv.command) == commands.end()) {
        if (inv.command.starts_with("-")) throw usage_error("", "unrecognised option '" + inv.command + "'");
        throw usage_error("", "unknown command '" + inv.command + "'");
    }
    if (version) {
        inv.what = invocation::action::version;
        return inv;
    }
    if (help) {
        inv.what = invocation::action::help;
        return inv;
    }
    if (inv.command.empty()) {
        if (!rest.empty()) throw usage_error("", "unrecognised option '" + rest.front() + "'");
        throw usage_error("", "missing COMMAND");
    }
    try {
        parse_command(inv, rest);
    } catch (const po::error& e) {
        throw usage_error(inv.command, e.what());
    }
    return inv;
}

std::string usage_line(const std::string& command) {
    if (command == "login") return "usage: hub-tokens login (--username NAME | --openid JWT|-) [global options]";
    if (command == "list")
        return "usage: hub-tokens list [--limit N] [--offset N] [--all [--page-size N] [--all-timeout SECONDS] "
               "[--repair N] [--strict]] [--json] [global options]";
    if (command == "read") return "usage: hub-tokens read TOKEN|- [--json] [global options]";
    if (command == "delete") return "usage: hub-tokens delete TOKEN|- [global options]";
    return "usage: hub-tokens [global options] COMMAND [options]   (COMMAND: login, list, read, delete)";
}

namespace {

const char* summary(const std::string& command) {
    if (command == "login")
        return "Creates a new API token (valid 7 days) and prints it, alone, on standard output.\n";
    if (command == "list")
        return "Lists the tokens of the account whose API token is in STENCILA_HUB_TOKEN: a table with\n"
               "the columns ID, USER, CREATED, EXPIRY (UTC), or JSON. Token values are never listed.\n";
    if (command == "read")
        return "Prints a token's details. The Hub pushes its expiry 7 days ahead on every read.\n"
               "'-' reads the token from standard input, keeping it out of the process list.\n";
    if (command == "delete")
        return "Deletes a token. '-' reads the token from standard input.\n";
    return "Manages Stencila Hub API tokens.\n"
           "\n"
           "Commands:\n"
           "  login   create a token with a username and password (or an OpenID token) and print it\n"
           "  list    list the tokens of the account in STENCILA_HUB_TOKEN\n"
           "  read    print a token's details (and refresh its expiry)\n"
           "  delete  delete a token\n"
           "  help    hub-tokens help COMMAND is hub-tokens COMMAND --help\n";
}

}  // namespace

std::string help_text(const std::string& command) {
    std::ostringstream out;
    out << usage_line(command) << "\n\n" << summary(command) << "\n";
    if (!command.empty()) {
        auto d = command_description(command, nullptr);
        if (!d.options().empty()) out << d << "\n";
    }
    out << global_description(nullptr, nullptr, nullptr) << "\n"
        << "Environment:\n"
           "  STENCILA_HUB_URL    the default for --url\n"
           "  STENCILA_HUB_TOKEN  the API token that `list` sends (e.g. the output of `hub-tokens login`)\n"
           "\n"
           "Exit status:\n"
           "  0  success\n"
           "  1  any other failure\n"
           "  2  usage: a bad command line, --url or --ca-file\n"
           "  3  the Hub refused the credentials or the API token (401, 403)\n"
           "  4  not found (404): no such token, or it has expired\n"
           "  5  no usable answer: network, TLS or timeout failure, a malformed answer\n"
           "  6  any other error answer from the Hub\n"
           "\n"
           "Errors are one line on standard error. Token values and the API token are never printed (but\n"
           "the new token, by `login`); what the Hub sends is shown with control characters escaped.\n"
           "hub-tokens " << stencila::hub::version << "\n";
    return out.str();
}

}  // namespace hub_tokens
