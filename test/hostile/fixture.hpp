// What every hostile test needs: secrets to look for, the library run in-process against a
// hostile server (logging at debug level, with a hang guard), the real hub-tokens run as a child
// process against another server with the same script, and checks that no secret came out.
#pragma once

#include "child_process.hpp"
#include "hostile_server.hpp"
#include "responses.hpp"

#include <stencila/hub/hub.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

namespace hostile_test {

namespace asio = boost::asio;
namespace hub = stencila::hub;
using namespace std::chrono_literals;
using hostile::milliseconds;
using boost::system::error_code;

/// Secret values for one case: 64 lower-case hex characters each, from a generator with a fixed
/// seed (so runs are repeatable) and distinct between cases.
struct secrets {
    std::string api_key;
    std::string token;     ///< the token a case reads or deletes
    std::string password;  ///< for `create` / `hub-tokens login`
    std::string created;   ///< the value a server gives back as a new token (printed by login)
    static secrets make();
};

/// The token most cases answer with (id `hostile::token_id(5)`), and a whole 200 answer of it.
inline const std::string token_body = hostile::token_json(5);
inline const std::string token_answer = hostile::with_length(200, token_body);

/// What one library call did.
struct outcome {
    std::exception_ptr error{};
    std::string what{};
    std::optional<error_code> code{};     ///< for a system_error
    std::optional<unsigned> status{};     ///< for an api_error
    std::string details{};                ///< api_error: message() and every field error
    milliseconds took{};
    std::vector<std::string> log{};       ///< every log line, debug level and up
    hub::pool_stats stats{};
    bool hung = false;                    ///< still running when the guard ran out
    [[nodiscard]] bool ok() const { return !error && !hung; }
};

/// Text for failure messages.
std::string describe(const outcome& o);
std::string describe(const test::child_result& r);
using test::lines_of;

using call = std::function<asio::awaitable<void>(hub::client&)>;

// Calls for `hostile_case::library`, storing what they give back.
call read_call(std::string token, std::vector<hub::token>* got, int times = 1);
call remove_call(std::string token);
call list_call(std::optional<hub::token_page>* got);
call create_call(std::string password, std::optional<hub::created_token>* got);

/// Runs `body` on a client made from `o` (with a logger at debug level) on its own io_context,
/// for at most `guard`.
outcome run_library(hub::options o, const call& body, milliseconds guard = 20s);

/// A local port nobody listens on.
std::uint16_t closed_port();

/// The first control character in `text` other than the newline ending a line: C0, DEL, or C1
/// (as UTF-8), or nothing.
std::optional<std::size_t> control_character_in(const std::string& text);

/// Runs hub-tokens `args` against `base_url` (trusting the hostile CA for https) with
/// STENCILA_HUB_TOKEN set to `api_key`. Nothing in builds without the tool.
std::optional<test::child_result> run_hub_tokens(const std::string& base_url, const std::string& api_key,
                                                 std::vector<std::string> args, std::string input = {},
                                                 milliseconds guard = 30s);

/// Fails the test when `text` holds any of `keys`' values (or a 16-character piece of one).
void expect_no_secret(const secrets& keys, const std::string& where, const std::string& text);
void expect_no_secret(const secrets& keys, const outcome& o);
void expect_no_secret(const secrets& keys, const test::child_result& r);

/// One behaviour, twice: a hostile server for the library and one for hub-tokens, both with the
/// same script, so the two runs (which may go on at once) do not see each other's requests.
class hostile_case {
public:
    explicit hostile_case(const hostile::script& s, hostile::server_options so = {});

    /// Options that reach `lib` with `keys.api_key`, trusting its CA.
    [[nodiscard]] hub::options options() const;
    /// The library, in-process, against `lib`; its outcome is checked for secrets.
    outcome through_client(const call& body, std::optional<hub::options> o = std::nullopt, milliseconds guard = 20s);
    /// hub-tokens against `cli`, started now on another thread; `get()` it after the library run.
    std::future<std::optional<test::child_result>> cli(std::vector<std::string> args, std::string input = {},
                                                       milliseconds guard = 30s);
    /// The same for `hub-tokens login -u sam` with `keys.password` on standard input.
    std::future<std::optional<test::child_result>> cli_login(milliseconds guard = 30s);
    /// The same for `hub-tokens [options] read TOKEN [after]`.
    std::future<std::optional<test::child_result>> cli_read(std::vector<std::string> options = {},
                                                            std::vector<std::string> after = {});
    /// `tokens().read(keys.token)`, `times` times, in-process; the tokens it gives go to `read_tokens`.
    outcome read(std::optional<hub::options> o = std::nullopt, int times = 1);

    secrets keys;
    std::vector<hub::token> read_tokens;
    hostile::server lib;
    hostile::server cli_server;
};

/// Asserts on a finished CLI run, if the tool was built: `check(result)` after the secret check.
void with_cli(std::future<std::optional<test::child_result>>& run, const secrets& keys,
              const std::function<void(const test::child_result&)>& check);

/// The error code of a failed outcome is `e`.
#define EXPECT_CODE(o, e)                                                                          \
    BOOST_TEST(((o).code && *(o).code == (e)), "expected " << error_code(e).message() << "; " << describe(o))
/// The outcome is an api_error with status `s`.
#define EXPECT_STATUS(o, s) BOOST_TEST(((o).status && *(o).status == (s)), "expected status " << (s) << "; " << describe(o))
/// `text` contains `part`.
#define EXPECT_HAS(text, part) BOOST_TEST(((text).find(part) != std::string::npos), "expected \"" << (part) << "\" in: " << (text))

}  // namespace hostile_test
