// tokens_api over a scripted transport (src/api/tokens_api.cpp): the requests it builds (method,
// target, body, Authorization) and how it maps answers to models and errors.
#include "samples.hpp"
#include "sansio/call_settings.hpp"
#include "api/injection.hpp"
#include "io/transport.hpp"
#include "sansio/url.hpp"
#include "error_matchers.hpp"

#include <stencila/hub/client.hpp>
#include <stencila/hub/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/system_error.hpp>
#include <boost/test/unit_test.hpp>

#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

namespace {

using samples::token_value;
const std::string create_201 =
    R"({"token":")" + token_value +
    R"(","id":"309cb783","created":"2026-11-27T22:03:37.713379Z","expiry":"2026-12-04T22:03:37.717850Z","user":1,"username":"a-user","firstName":"A","lastName":"User"})";
const std::string read_200 =
    R"({"user":1,"id":"309cb783","created":"2026-11-27T22:03:37.713379Z","expiry":"2026-12-04T22:03:40.000001Z"})";
const std::string list_200 =
    R"({"count":250,"next":"http://127.0.0.1:8700/api/tokens/?limit=10&offset=30","previous":"http://127.0.0.1:8700/api/tokens/?limit=10&offset=10","results":[{"user":5,"id":"059cfd51","created":"2026-11-27T22:03:36.521851Z","expiry":"2026-12-04T22:03:36.521672Z"}]})";

// Records every request; answers from a script, in order.
class scripted_transport final : public detail::transport {
public:
    std::vector<detail::http_request> requests;
    std::deque<detail::http_response> answers;

    void answer(unsigned status, std::string reason, std::string body, std::string content_type = "application/json") {
        detail::http_response r;
        r.status = status;
        r.reason = std::move(reason);
        r.content_type = content_type;
        r.body = std::move(body);
        if (status < 200 || status > 299) {
            if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
            r.headers.emplace_back("Allow", "GET, POST, HEAD, OPTIONS");
        }
        answers.push_back(std::move(r));
    }

    asio::awaitable<void> exchange(const detail::http_request& request, detail::http_response& out) override {
        requests.push_back(request);
        if (answers.empty())
            throw boost::system::system_error(make_error_code(hub::error::connection_closed), "script ran out");
        out = std::move(answers.front());
        answers.pop_front();
        co_return;
    }

    [[nodiscard]] hub::pool_stats stats() const override { return {}; }
};

hub::options api_test_options() {
    hub::options o;
    o.base_url = "https://hub.stenci.la/api";
    o.api_key = "api-key-value-0123456789";
    return o;
}

// Each call is awaited inside a coroutine, so an argument error counts whether it is thrown when
// the call is made or when it is awaited.
asio::awaitable<hub::created_token> create_with(hub::tokens_api api, hub::password_credentials c) {
    co_return co_await api.create(std::move(c));
}
asio::awaitable<hub::created_token> create_with(hub::tokens_api api, hub::openid_credentials c) {
    co_return co_await api.create(std::move(c));
}
asio::awaitable<hub::created_token> create_with_key(hub::tokens_api api) { co_return co_await api.create(); }
asio::awaitable<hub::token_page> list_with(hub::tokens_api api, std::optional<std::int64_t> limit,
                                           std::optional<std::int64_t> offset) {
    co_return co_await api.list(limit, offset);
}
asio::awaitable<hub::token> read_with(hub::tokens_api api, hub::secret t) { co_return co_await api.read(std::move(t)); }
asio::awaitable<void> remove_with(hub::tokens_api api, hub::secret t) { co_await api.remove(std::move(t)); }

struct api_fixture {
    asio::io_context ctx;
    std::shared_ptr<scripted_transport> http = std::make_shared<scripted_transport>();
    hub::options opts = api_test_options();
    // The clients of these tests go through `http`: the public API, scripted.
    hub::client client_of(const hub::options& o) { return detail::injection::client_over(ctx.get_executor(), o, http); }
    hub::tokens_api api = client_of(opts).tokens();

    template <class T>
    T run(asio::awaitable<T> op) {
        std::optional<T> result;
        std::exception_ptr error;
        asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr e, T v) {
            if (e) error = e;
            else result = std::move(v);
        });
        ctx.restart();
        ctx.run();
        if (error) std::rethrow_exception(error);
        BOOST_REQUIRE(result);
        return std::move(*result);
    }

    void run(asio::awaitable<void> op) {
        bool done = false;
        std::exception_ptr error;
        asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr e) {
            done = true;
            error = e;
        });
        ctx.restart();
        ctx.run();
        if (error) std::rethrow_exception(error);
        BOOST_REQUIRE(done);
    }

    const detail::http_request& only_request() {
        BOOST_REQUIRE_EQUAL(http->requests.size(), 1u);
        return http->requests.front();
    }
};

auto api_status(unsigned status, std::string message) {
    return [status, message](const hub::api_error& e) { return e.status() == status && e.message() == message; };
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tokens_api, api_fixture)

BOOST_AUTO_TEST_CASE(create_with_password_posts_credentials_without_authorization) {
    http->answer(201, "Created", create_201);
    (void)run(create_with(api, hub::password_credentials{"sam", "s\"ecret"}));
    const auto& req = only_request();
    BOOST_TEST((req.method == detail::http_method::post));
    BOOST_TEST(req.target == "/api/tokens/");
    BOOST_TEST(!req.authorize);
    BOOST_TEST(!req.idempotent());
    auto body = boost::json::parse(req.body);
    BOOST_REQUIRE(body.is_object());
    BOOST_TEST(body.as_object().size() == 2u);
    BOOST_TEST(std::string(body.at("username").as_string()) == "sam");
    BOOST_TEST(std::string(body.at("password").as_string()) == "s\"ecret");
}

BOOST_AUTO_TEST_CASE(create_answer_is_parsed_into_a_created_token) {
    http->answer(201, "Created", create_201);
    auto t = run(create_with(api, hub::password_credentials{"a-user", "pw"}));
    BOOST_TEST(t.token.reveal() == token_value);
    BOOST_TEST(t.id == "309cb783");
    BOOST_TEST(t.user == 1);
    BOOST_TEST(t.username == "a-user");
    BOOST_TEST(t.first_name == "A");
    BOOST_TEST(t.last_name == "User");
    BOOST_TEST(t.expiry.has_value());
}

BOOST_AUTO_TEST_CASE(create_with_openid_posts_the_jwt_without_authorization) {
    http->answer(201, "Created", create_201);
    (void)run(create_with(api, hub::openid_credentials{"header.payload.signature"}));
    const auto& req = only_request();
    BOOST_TEST((req.method == detail::http_method::post));
    BOOST_TEST(req.target == "/api/tokens/");
    BOOST_TEST(!req.authorize);
    auto body = boost::json::parse(req.body);
    BOOST_TEST(std::string(body.at("openid").as_string()) == "header.payload.signature");
}

BOOST_AUTO_TEST_CASE(create_without_credentials_posts_an_empty_object_with_authorization) {
    http->answer(201, "Created", create_201);
    auto t = run(create_with_key(api));
    const auto& req = only_request();
    BOOST_TEST((req.method == detail::http_method::post));
    BOOST_TEST(req.target == "/api/tokens/");
    BOOST_TEST(req.authorize);
    auto body = boost::json::parse(req.body);
    BOOST_REQUIRE(body.is_object());
    BOOST_TEST(body.as_object().empty());
    BOOST_TEST(t.token.reveal() == token_value);
}

BOOST_AUTO_TEST_CASE(list_with_limit_and_offset_sends_them_with_authorization) {
    http->answer(200, "OK", list_200);
    auto page = run(list_with(api, 10, 20));
    const auto& req = only_request();
    BOOST_TEST((req.method == detail::http_method::get));
    BOOST_TEST(req.target == "/api/tokens/?limit=10&offset=20");
    BOOST_TEST(req.authorize);
    BOOST_TEST(req.body.empty());
    BOOST_TEST(req.idempotent());
    BOOST_TEST(page.count == 250);
    BOOST_REQUIRE(page.next);
    BOOST_TEST(*page.next == "http://127.0.0.1:8700/api/tokens/?limit=10&offset=30");
    BOOST_REQUIRE(page.results.size() == 1u);
    BOOST_TEST(page.results[0].id == "059cfd51");
}

BOOST_AUTO_TEST_CASE(list_without_parameters_sends_none) {
    http->answer(200, "OK", R"({"count":0,"next":null,"previous":null,"results":[]})");
    auto page = run(list_with(api, std::nullopt, std::nullopt));
    BOOST_TEST(only_request().target == "/api/tokens/");
    BOOST_TEST(only_request().authorize);
    BOOST_TEST(page.results.empty());
}

BOOST_AUTO_TEST_CASE(list_with_only_an_offset_sends_only_the_offset) {
    http->answer(200, "OK", R"({"count":0,"next":null,"previous":null,"results":[]})");
    (void)run(list_with(api, std::nullopt, 0));
    BOOST_TEST(only_request().target == "/api/tokens/?offset=0");
}

BOOST_AUTO_TEST_CASE(list_with_non_positive_limit_or_negative_offset_is_rejected_before_any_request) {
    BOOST_CHECK_EXCEPTION(run(list_with(api, 0, std::nullopt)), boost::system::system_error,
                          unit::has_code(hub::error::invalid_argument));
    BOOST_CHECK_EXCEPTION(run(list_with(api, -1, std::nullopt)), boost::system::system_error,
                          unit::has_code(hub::error::invalid_argument));
    BOOST_CHECK_EXCEPTION(run(list_with(api, 10, -1)), boost::system::system_error,
                          unit::has_code(hub::error::invalid_argument));
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(read_sends_authorization_only_from_a_view_with_authorize_reads) {
    const std::string service_key = "service-key-0123456789";
    http->answer(200, "OK", read_200);
    http->answer(200, "OK", read_200);
    http->answer(200, "OK", read_200);
    // Kept: each request points at its view's settings.
    auto keyed = api.with({.api_key = service_key, .authorize_reads = true});
    auto clients_key = api.with({.authorize_reads = true});
    auto key_alone = api.with({.api_key = service_key});  // a key alone: still none
    (void)run(read_with(keyed, hub::secret{token_value}));
    (void)run(read_with(clients_key, hub::secret{token_value}));
    (void)run(read_with(key_alone, hub::secret{token_value}));
    BOOST_REQUIRE_EQUAL(http->requests.size(), 3u);
    BOOST_TEST(http->requests[0].authorize);
    BOOST_TEST(http->requests[0].call->authorization == "Token " + service_key);
    BOOST_TEST(http->requests[1].authorize);
    BOOST_TEST(http->requests[1].call->authorization == "Token api-key-value-0123456789");
    BOOST_TEST(!http->requests[2].authorize);
}

BOOST_AUTO_TEST_CASE(read_gets_the_percent_encoded_token_without_authorization) {
    http->answer(200, "OK", read_200);
    auto t = run(read_with(api, hub::secret{"a/b"}));
    const auto& req = only_request();
    BOOST_TEST((req.method == detail::http_method::get));
    BOOST_TEST(req.target == "/api/tokens/a%2Fb/");
    BOOST_TEST(!req.authorize);
    BOOST_TEST(req.body.empty());
    BOOST_TEST(t.user == 1);
    BOOST_TEST(t.id == "309cb783");
    BOOST_TEST(t.expiry.has_value());
}

BOOST_AUTO_TEST_CASE(request_route_for_logs_never_contains_the_token) {
    http->answer(200, "OK", read_200);
    http->answer(204, "No Content", "", "");
    (void)run(read_with(api, token_value));
    run(remove_with(api, token_value));
    BOOST_REQUIRE(http->requests.size() == 2u);
    for (const auto& req : http->requests) {
        BOOST_TEST(req.target == "/api/tokens/" + token_value + "/");
        BOOST_TEST(std::string(req.route).find(token_value) == std::string::npos, req.route);
    }
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_percent_encoded_token_without_authorization) {
    http->answer(204, "No Content", "", "");
    run(remove_with(api, hub::secret{"a/b c"}));
    const auto& req = only_request();
    BOOST_TEST((req.method == detail::http_method::delete_));
    BOOST_TEST(req.target == "/api/tokens/a%2Fb%20c/");
    BOOST_TEST(!req.authorize);
    BOOST_TEST(req.body.empty());
    BOOST_TEST(req.idempotent());
}

BOOST_AUTO_TEST_CASE(empty_token_is_rejected_before_any_request) {
    BOOST_CHECK_EXCEPTION(run(read_with(api, hub::secret{})), boost::system::system_error,
                          unit::has_code(hub::error::empty_token));
    BOOST_CHECK_EXCEPTION(run(remove_with(api, hub::secret{""})), boost::system::system_error,
                          unit::has_code(hub::error::empty_token));
    BOOST_TEST(http->requests.empty());
}

BOOST_AUTO_TEST_CASE(invalid_token_answer_becomes_api_error_403) {
    http->answer(403, "Forbidden", R"({"message":"Invalid token."})");
    BOOST_CHECK_EXCEPTION(run(list_with(api, std::nullopt, std::nullopt)), hub::api_error,
                          api_status(403, "Invalid token."));
    BOOST_TEST(http->requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(api_error_keeps_reason_headers_and_body) {
    http->answer(403, "Forbidden", R"({"message":"Incorrect authentication credentials."})");
    try {
        (void)run(create_with(api, hub::password_credentials{"evil", "hackz"}));
        BOOST_ERROR("no api_error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 403u);
        BOOST_TEST(e.reason() == "Forbidden");
        BOOST_TEST(e.message() == "Incorrect authentication credentials.");
        BOOST_TEST(e.header("allow").value_or("") == "GET, POST, HEAD, OPTIONS");
        BOOST_TEST(e.body() == R"({"message":"Incorrect authentication credentials."})");
        BOOST_TEST(std::string(e.what()).find("hackz") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(unknown_token_read_becomes_api_error_404) {
    http->answer(404, "Not Found", R"({"message":"Not found."})");
    BOOST_CHECK_EXCEPTION(run(read_with(api, "foo")), hub::api_error, api_status(404, "Not found."));
}

BOOST_AUTO_TEST_CASE(unknown_token_remove_becomes_api_error_404) {
    http->answer(404, "Not Found", R"({"message":"Not found."})");
    BOOST_CHECK_EXCEPTION(run(remove_with(api, "foo")), hub::api_error, api_status(404, "Not found."));
}

BOOST_AUTO_TEST_CASE(api_error_message_never_contains_the_token) {
    http->answer(404, "Not Found", R"({"message":"Not found."})");
    try {
        (void)run(read_with(api, token_value));
        BOOST_ERROR("no api_error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(std::string(e.what()).find(token_value) == std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(remove_answered_204_returns_normally) {
    http->answer(204, "No Content", "", "");
    BOOST_CHECK_NO_THROW(run(remove_with(api, token_value)));
    BOOST_TEST(http->requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(success_with_malformed_json_is_malformed_response) {
    http->answer(200, "OK", R"({"user":1,"id":"309cb783","created":)");
    BOOST_CHECK_EXCEPTION(run(read_with(api, "309cb783")), boost::system::system_error,
                          unit::has_code(hub::error::malformed_response));
    http->answer(200, "OK", "<html>proxy</html>", "text/html");
    BOOST_CHECK_EXCEPTION(run(list_with(api, std::nullopt, std::nullopt)), boost::system::system_error,
                          unit::has_code(hub::error::malformed_response));
    http->answer(201, "Created", R"({"token":")" + token_value + R"(","user":"one"})");
    try {
        (void)run(create_with(api, hub::password_credentials{"sam", "pw"}));
        BOOST_ERROR("no malformed_response");
    } catch (const boost::system::system_error& e) {
        BOOST_TEST((e.code() == make_error_code(hub::error::malformed_response)));
        BOOST_TEST(std::string(e.what()).find(token_value) == std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(server_error_html_page_becomes_api_error) {
    http->answer(502, "Bad Gateway",
                 "<!DOCTYPE html><html><head><title>Error : Stencila</title></head><body></body></html>",
                 "text/html");
    try {
        (void)run(read_with(api, "309cb783"));
        BOOST_ERROR("no api_error");
    } catch (const hub::api_error& e) {
        BOOST_TEST(e.status() == 502u);
        BOOST_TEST(e.message().find("Error : Stencila") != std::string::npos, e.message());
    }
}

BOOST_AUTO_TEST_CASE(transport_failure_propagates_as_system_error) {
    // The script is empty: the transport fails as a closed connection would.
    BOOST_CHECK_EXCEPTION(run(read_with(api, "309cb783")), boost::system::system_error,
                          unit::has_code(hub::error::connection_closed));
}

BOOST_AUTO_TEST_CASE(api_prefix_of_the_base_url_is_used_for_every_target) {
    auto o = opts;
    o.base_url = "http://127.0.0.1:8000/hub/api/";
    auto other = client_of(o).tokens();
    http->answer(200, "OK", R"({"count":0,"next":null,"previous":null,"results":[]})");
    http->answer(200, "OK", read_200);
    (void)run(list_with(other, 5, std::nullopt));
    (void)run(read_with(other, "abc"));
    BOOST_REQUIRE(http->requests.size() == 2u);
    BOOST_TEST(http->requests[0].target == "/hub/api/tokens/?limit=5");
    BOOST_TEST(http->requests[1].target == "/hub/api/tokens/abc/");
}

BOOST_AUTO_TEST_CASE(operation_keeps_the_state_alive_after_the_api_object_is_gone) {
    http->answer(200, "OK", read_200);
    asio::awaitable<hub::token> op = [&] {
        hub::client client = client_of(opts);
        return read_with(client.tokens(), "309cb783");
    }();  // the client and its tokens_api are gone
    api = client_of(opts).tokens();
    auto t = run(std::move(op));
    BOOST_TEST(t.id == "309cb783");
}

BOOST_AUTO_TEST_SUITE_END()
