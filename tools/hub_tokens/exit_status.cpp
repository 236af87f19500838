#include "exit_status.hpp"

#include "command_line.hpp"
#include "terminal.hpp"

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>

#include <string_view>

namespace hub_tokens {

namespace hub = stencila::hub;

namespace {

// One line, whatever the server put in it: line breaks become spaces, other controls are escaped.
std::string one_line(std::string s) {
    for (auto& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return printable(s);
}

// The library's texts read "<context>: <message>[: <detail>]" already. A plain Boost
// system_error's what() is "<context>: <message> [<category>:<value> at <source location>]": keep
// the context and the message, drop the bracket meant for developers.
std::string describe_system_error(const boost::system::system_error& e) {
    std::string_view what = e.what();
    const std::string code_what = e.code().what();
    if (!what.ends_with(code_what)) return one_line(std::string(what));
    auto context = what.substr(0, what.size() - code_what.size());
    if (context.ends_with(": ")) context.remove_suffix(2);
    auto message = e.code().message();
    return one_line(context.empty() ? message : std::string(context) + ": " + message);
}

bool is_argument_error(const boost::system::error_code& ec) {
    return ec == hub::error::invalid_base_url || ec == hub::error::invalid_argument || ec == hub::error::empty_token;
}

}  // namespace

failure describe(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const usage_error& x) {
        return {exit_usage, one_line(x.what())};
    } catch (const hub::api_error& x) {
        int status = x.status() == 401 || x.status() == 403 ? exit_auth
                     : x.status() == 404                    ? exit_not_found
                                                            : exit_server;
        auto text = one_line(x.what());
        if (auto wait = x.retry_after(); wait && x.status() == 429)  // the Hub's throttle: say when
            text += " (try again in " + std::to_string(wait->count() / 1000 + (wait->count() % 1000 != 0)) + " s)";  // up, without overflow
        return {status, text};
    } catch (const boost::system::system_error& x) {
        return {is_argument_error(x.code()) ? exit_usage : exit_network, describe_system_error(x)};
    } catch (const std::exception& x) {
        return {exit_failure, one_line(x.what())};
    } catch (...) {
        return {exit_failure, "unknown error"};
    }
}

}  // namespace hub_tokens
