#include "commands.hpp"

#include "exit_status.hpp"
#include "terminal.hpp"
#include "token_format.hpp"

#include <stencila/hub/client.hpp>
#include <stencila/hub/error.hpp>
#include <stencila/hub/secret.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <iostream>
#include <optional>

#include <unistd.h>

namespace hub_tokens {

namespace asio = boost::asio;
namespace hub = stencila::hub;

namespace {

std::string trimmed(std::string s) {
    const char* space = " \t\r\n";
    auto last = s.find_last_not_of(space);
    s.erase(last == std::string::npos ? 0 : last + 1);
    s.erase(0, s.find_first_not_of(space) == std::string::npos ? s.size() : s.find_first_not_of(space));
    return s;
}

/// A secret argument: the value itself, or "-" for the first line of standard input.
hub::secret argument_or_stdin(const std::string& command, const std::string& value, std::string_view prompt) {
    if (value != "-") return trimmed(value);
    auto line = read_secret_line(prompt);
    if (!line || trimmed(*line).empty()) throw usage_error(command, "nothing to read on standard input");
    return trimmed(std::move(*line));
}

// What the Hub issues: knox's tokens are 64 lowercase hex characters (hub-tokens-api.md §2.1,
// the 201 answer's `token`; §5, AUTH_TOKEN_CHARACTER_LENGTH: binascii.hexlify(os.urandom(32))).
// Anything else is not printed: it could hold escape sequences or a line break, and a script
// reads the line as the token.
bool has_token_shape(std::string_view value) {
    return value.size() == 64 &&
           std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

asio::awaitable<void> login(hub::client client, login_args args, hub::secret secret, known_secrets& secrets) {
    auto tokens = client.tokens();
    hub::created_token created;
    if (args.openid) {
        hub::openid_credentials credentials{std::move(secret)};
        created = co_await tokens.create(std::move(credentials));
    } else {
        hub::password_credentials credentials{args.username, std::move(secret)};
        created = co_await tokens.create(std::move(credentials));
    }
    if (!has_token_shape(created.token.reveal()))
        throw unusable_answer("POST /tokens/: malformed response: the new token is not 64 lowercase hex characters; "
                              "it is not printed");
    secrets.add(created.token.reveal());  // kept out of anything printed after it
    // The one place a token value is printed: the user asked for it.
    std::cout << created.token.reveal() << '\n';
}

asio::awaitable<void> list_page(hub::client client, list_args args, const known_secrets& secrets) {
    auto page = co_await client.tokens().list(args.limit, args.offset);
    secrets.redact(page.results);
    auto offset = args.offset.value_or(0);
    if (args.json) {
        std::cout << json_text(to_json(page.count, offset, page.results)) << '\n';
        co_return;
    }
    std::cout << format_table(page.results);
    if (page.next && is_terminal(STDERR_FILENO))
        std::cerr << "(tokens " << offset + 1 << "-" << offset + static_cast<std::int64_t>(page.results.size())
                  << " of " << page.count << "; --offset " << offset + static_cast<std::int64_t>(page.results.size())
                  << " for more, or --all)\n";
}

// Every token, printed as the pages come: memory stays that of the pages in flight whatever the
// count. The table's columns are sized by the first page (all of a listing's tokens belong to one
// user, so the widths hold); the JSON's `count`, the walk's final total, comes last.
asio::awaitable<void> list_all(hub::client client, list_args args, const known_secrets& secrets) {
    hub::paging paging;
    paging.page_size = args.page_size;
    paging.offset = args.offset.value_or(0);
    paging.prefetch = 2;
    paging.concurrency = 4;  // pages by offset, over the pool, yielded in order
    paging.deadline = std::chrono::milliseconds{static_cast<std::int64_t>(args.all_timeout_seconds * 1000.0 + 0.5)};
    paging.listing_changed = hub::paging::on_change::report;
    paging.repair = args.repair;  // the Hub's listing has no order, and its tokens move as they are used
    auto pages = client.tokens().pages(paging);

    json_listing_writer json(std::cout, paging.offset);
    std::optional<table_layout> table;
    std::int64_t listed = 0;
    std::optional<std::int64_t> first_count;
    bool count_changed = false;
    progress_line progress;
    while (auto page = co_await pages.next()) {
        if (!first_count) first_count = page->count;
        count_changed = count_changed || page->count != *first_count;
        secrets.redact(page->results);
        if (args.json) {
            for (const auto& t : page->results) json.add(t);
        } else {
            if (!table) std::cout << table.emplace(page->results).header();
            for (const auto& t : page->results) std::cout << table->row(t);
        }
        if (!std::cout) co_return;  // stdout is gone (a closed pipe): main reports it; stop asking the Hub
        listed += static_cast<std::int64_t>(page->results.size());
        progress.update(listed, std::max<std::int64_t>(pages.count().value_or(page->count) - paging.offset, 0));
    }
    progress.finish();

    // What the walk could tell: `count` changed (tokens created or deleted), tokens came again
    // (left out: never listed twice) or were missed (the repair passes did not find them all).
    const auto repeats = pages.repeats_dropped(), missed = pages.shortfall();
    count_changed = count_changed || (first_count && pages.count() && *pages.count() != *first_count) ||
                    (pages.listing_changed() && repeats == 0 && missed == 0);
    if (args.strict && (count_changed || missed > 0)) {
        std::string what = count_changed ? "tokens were created or deleted" : "";
        if (missed > 0)
            what += (what.empty() ? "" : "; ") + std::to_string(missed) + " tokens missed, " + std::to_string(repeats) +
                    " repeats left out";
        // (The JSON is left unfinished, as after any failure: no parser takes it for the listing.)
        throw boost::system::system_error(hub::error::listing_changed, "--strict: " + what);
    }
    if (args.json) json.finish(pages.count().value_or(0));
    else if (!table) std::cout << table_layout({}).header();
    if (count_changed)
        std::cerr << "hub-tokens: list: warning: the listing changed during the walk (tokens were created or "
                     "deleted): a token may be missing, run it again for a consistent list\n";
    if (missed > 0)
        std::cerr << "hub-tokens: list: warning: the listing moved during the walk (the Hub lists tokens in no fixed "
                     "order, and a token moves when it is used): "
                  << missed << " tokens missed, " << repeats << " repeats left out; run it again for a consistent list\n";
    else if (repeats > 0)
        std::cerr << "hub-tokens: list: note: the listing moved during the walk (the Hub lists tokens in no fixed "
                     "order, and a token moves when it is used): "
                  << repeats << " repeats left out, none missed (tokens found by a second pass are listed last)\n";
}

asio::awaitable<void> read(hub::client client, read_args args, hub::secret token, const known_secrets& secrets) {
    auto t = secrets.redact(co_await client.tokens().read(std::move(token)));
    if (args.json) std::cout << json_text(to_json(t)) << '\n';
    else std::cout << format_details(t);
}

asio::awaitable<void> remove(hub::client client, hub::secret token) {
    auto id = token.reveal().substr(0, 8);  // the public id, as `list` shows it
    const auto lost_before = client.call_stats().removed_earlier;
    co_await client.tokens().remove(std::move(token));
    std::cout << "deleted token " << id << '\n';
    // The library took a retry's 404 for a success: say what it went by.
    if (client.call_stats().removed_earlier > lost_before)
        std::cerr << "hub-tokens: delete: note: the first attempt's answer was lost and the retry found no such "
                     "token: the Hub no longer has it\n";
}

}  // namespace

void run_command(const invocation& inv, hub::options options, known_secrets& secrets) {
    const auto& command = inv.command;

    // Input first, before any I/O: a prompt must not race with anything.
    hub::secret secret;
    if (const auto* a = std::get_if<login_args>(&inv.args)) {
        if (a->openid) {
            secret = argument_or_stdin(command, *a->openid, "OpenID token: ");
        } else {
            auto line = read_secret_line("Password for " + printable(a->username) + ": ");
            if (!line || line->empty()) throw usage_error(command, "no password given");
            secret = std::move(*line);
        }
    } else if (const auto* r = std::get_if<read_args>(&inv.args)) {
        secret = argument_or_stdin(command, r->token, "Token: ");
    } else if (const auto* d = std::get_if<delete_args>(&inv.args)) {
        secret = argument_or_stdin(command, d->token, "Token: ");
    } else if (std::holds_alternative<list_args>(inv.args) && options.api_key.empty()) {
        throw usage_error(command, "set STENCILA_HUB_TOKEN to an API token (for example from `hub-tokens login`)");
    }
    secrets.add(secret.reveal());

    asio::io_context io;
    hub::client client{io.get_executor(), std::move(options)};
    asio::awaitable<void> work;
    if (const auto* a = std::get_if<login_args>(&inv.args)) work = login(client, *a, std::move(secret), secrets);
    else if (const auto* l = std::get_if<list_args>(&inv.args)) work = l->all ? list_all(client, *l, secrets) : list_page(client, *l, secrets);
    else if (const auto* r = std::get_if<read_args>(&inv.args)) work = read(client, *r, std::move(secret), secrets);
    else work = remove(client, std::move(secret));

    std::exception_ptr failed;
    asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) { failed = e; });
    io.run();
    if (failed) std::rethrow_exception(failed);
}

}  // namespace hub_tokens
