#include "fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hostile_test {

namespace {

std::string hex64(std::mt19937_64& engine) {
    std::string out;
    char piece[17];
    for (int i = 0; i < 4; ++i) {
        std::snprintf(piece, sizeof piece, "%016llx", static_cast<unsigned long long>(engine()));
        out += piece;
    }
    return out;
}

/// The CA of the hostile servers in a file, for hub-tokens --ca-file.
const std::string& ca_file() {
    static const std::string path = [] {
        char name[] = "/tmp/hostile-ca-XXXXXX";
        int fd = ::mkstemp(name);
        if (fd < 0) throw std::runtime_error("mkstemp");
        ::close(fd);
        std::ofstream{name} << hostile::server::ca_pem();
        return std::string(name);
    }();
    return path;
}

struct remove_ca_file {
    ~remove_ca_file() { std::remove(ca_file().c_str()); }
};

}  // namespace

secrets secrets::make() {
    static std::mutex mutex;
    static std::mt19937_64 engine{20240611};  // fixed: the same values every run
    std::lock_guard lock(mutex);
    return {hex64(engine), hex64(engine), hex64(engine), hex64(engine)};
}

std::string describe(const outcome& o) {
    if (o.hung) return "still running after the guard: it hangs";
    if (o.ok()) return "it succeeded (" + std::to_string(o.took.count()) + " ms)";
    std::string s = "it failed after " + std::to_string(o.took.count()) + " ms: " + o.what;
    if (o.code) s += " [" + std::string(o.code->category().name()) + ":" + std::to_string(o.code->value()) + "]";
    if (o.status) s += " [status " + std::to_string(*o.status) + "]";
    return s;
}

std::string describe(const test::child_result& r) {
    return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (killed: it hangs)" : "") + "\n--- stdout\n" +
           r.out.substr(0, 400) + (r.out.size() > 400 ? "...\n" : "") + "--- stderr\n" + r.err.substr(0, 1000);
}

call read_call(std::string token, std::vector<hub::token>* got, int times) {
    return [token, got, times](hub::client& c) -> asio::awaitable<void> {
        for (int i = 0; i < times; ++i) got->push_back(co_await c.tokens().read(token));
    };
}

call remove_call(std::string token) {
    return [token](hub::client& c) -> asio::awaitable<void> { co_await c.tokens().remove(token); };
}

call list_call(std::optional<hub::token_page>* got) {
    return [got](hub::client& c) -> asio::awaitable<void> { *got = co_await c.tokens().list(10, 0); };
}

call create_call(std::string password, std::optional<hub::created_token>* got) {
    return [password, got](hub::client& c) -> asio::awaitable<void> {
        hub::password_credentials credentials{"sam", password};
        *got = co_await c.tokens().create(std::move(credentials));
    };
}

outcome run_library(hub::options o, const call& body, milliseconds guard) {
    outcome out;
    struct sink {
        std::mutex mutex;
        std::vector<std::string> lines;
    };
    auto log = std::make_shared<sink>();
    o.min_log_level = hub::log_level::debug;
    o.logger = [log](hub::log_level, std::string_view m) {
        std::lock_guard lock(log->mutex);
        log->lines.emplace_back(m);
    };
    asio::io_context io;
    bool done = false;
    auto start = std::chrono::steady_clock::now();
    {
        std::optional<hub::client> client;
        try {
            client.emplace(io.get_executor(), o);
        } catch (...) {
            out.error = std::current_exception();
            done = true;
        }
        if (client) {
            asio::co_spawn(io, body(*client), [&](std::exception_ptr e) {
                done = true;
                out.error = e;
            });
            io.run_for(guard);
            out.stats = client->stats();
        }
    }
    out.took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    out.hung = !done;
    if (out.error) {
        try {
            std::rethrow_exception(out.error);
        } catch (const hub::api_error& e) {
            out.what = e.what();
            out.status = e.status();
            out.details = e.message();
            for (const auto& f : e.errors()) out.details += "\n" + f.field.value_or("") + ": " + f.message;
        } catch (const boost::system::system_error& e) {
            out.what = e.what();
            out.code = e.code();
        } catch (const std::exception& e) {
            out.what = e.what();
        }
    }
    std::lock_guard lock(log->mutex);
    out.log = log->lines;
    return out;
}

std::uint16_t closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::optional<test::child_result> run_hub_tokens(const std::string& base_url, const std::string& api_key,
                                                 std::vector<std::string> args, std::string input,
                                                 milliseconds guard) {
#ifdef HUB_TOKENS_PATH
    static remove_ca_file cleanup;
    test::child_options o;
    o.args = {"--url", base_url};
    if (base_url.starts_with("https:")) o.args.insert(o.args.end(), {"--ca-file", ca_file()});
    o.args.insert(o.args.end(), args.begin(), args.end());
    o.env = {{"STENCILA_HUB_TOKEN", api_key}};
    o.input = std::move(input);
    o.timeout = guard;
    return test::run_child(HUB_TOKENS_PATH, o);
#else
    (void)base_url, (void)api_key, (void)args, (void)input, (void)guard;
    return std::nullopt;
#endif
}

void expect_no_secret(const secrets& keys, const std::string& where, const std::string& text) {
    for (const auto* value : {&keys.api_key, &keys.token, &keys.password}) {
        // The whole value, or a piece of it past the 8 characters a token shows as its id.
        bool leaked = text.find(*value) != std::string::npos || text.find(value->substr(8, 16)) != std::string::npos;
        BOOST_TEST(!leaked, where << " shows a secret (" << value->substr(0, 8) << "...): " << text.substr(0, 4000));
    }
}

void expect_no_secret(const secrets& keys, const outcome& o) {
    expect_no_secret(keys, "the exception's what()", o.what);
    expect_no_secret(keys, "api_error::message() / errors()", o.details);
    std::string log;
    for (const auto& line : o.log) log += line + "\n";
    expect_no_secret(keys, "the log", log);
}

void expect_no_secret(const secrets& keys, const test::child_result& r) {
    expect_no_secret(keys, "hub-tokens' standard output", r.out);
    expect_no_secret(keys, "hub-tokens' standard error", r.err);
}

hostile_case::hostile_case(const hostile::script& s, hostile::server_options so)
    : keys(secrets::make()), lib(s, so), cli_server(s, so) {}

hub::options hostile_case::options() const {
    hub::options o;
    o.base_url = lib.base_url();
    o.api_key = keys.api_key;
    o.tls.ca_pem = hostile::server::ca_pem();
    return o;
}

outcome hostile_case::through_client(const call& body, std::optional<hub::options> o, milliseconds guard) {
    auto out = run_library(o ? *o : options(), body, guard);
    BOOST_TEST(!out.hung, "the library call hangs");
    expect_no_secret(keys, out);
    return out;
}

std::future<std::optional<test::child_result>> hostile_case::cli(std::vector<std::string> args, std::string input,
                                                                 milliseconds guard) {
    return std::async(std::launch::async, [url = cli_server.base_url(), key = keys.api_key, args = std::move(args),
                                           input = std::move(input), guard] {
        return run_hub_tokens(url, key, args, input, guard);
    });
}

std::future<std::optional<test::child_result>> hostile_case::cli_login(milliseconds guard) {
    return cli({"login", "-u", "sam"}, keys.password + "\n", guard);
}

std::future<std::optional<test::child_result>> hostile_case::cli_read(std::vector<std::string> options,
                                                                      std::vector<std::string> after) {
    options.insert(options.end(), {"read", keys.token});
    options.insert(options.end(), after.begin(), after.end());
    return cli(std::move(options));
}

outcome hostile_case::read(std::optional<hub::options> o, int times) {
    return through_client(read_call(keys.token, &read_tokens, times), std::move(o));
}

void with_cli(std::future<std::optional<test::child_result>>& run, const secrets& keys,
              const std::function<void(const test::child_result&)>& check) {
    auto r = run.get();
    if (!r) return;  // built without hub-tokens
    BOOST_TEST(!r->timed_out, "hub-tokens hangs: " << describe(*r));
    expect_no_secret(keys, *r);
    check(*r);
}

std::optional<std::size_t> control_character_in(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f) return i;
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9f)
            return i;
    }
    return std::nullopt;
}

}  // namespace hostile_test
