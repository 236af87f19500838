// The wire details of the transcript: methods, headers, framing, keep-alive, gzip, TLS, HTTP.
#include "fixture.hpp"

BOOST_FIXTURE_TEST_SUITE(wire, hub_fixture)

BOOST_AUTO_TEST_CASE(other_methods_are_405_with_route_allow) {
    auto t = create_token();
    struct row { std::string method, target, allow; };
    const row rows[] = {{"PUT", "/api/tokens/" + t, "GET, DELETE, HEAD, OPTIONS"},
                        {"PUT", "/api/tokens/", "GET, POST, HEAD, OPTIONS"},
                        {"PATCH", "/api/tokens/" + t, "GET, DELETE, HEAD, OPTIONS"},
                        {"DELETE", "/api/tokens/", "GET, POST, HEAD, OPTIONS"},
                        {"POST", "/api/tokens/" + t, "GET, DELETE, HEAD, OPTIONS"}};
    for (const auto& r : rows) {
        auto res = send(r.method, r.target);
        BOOST_TEST(res.status == 405u);
        BOOST_TEST(res.header("Allow") == r.allow);
        BOOST_TEST(res.body == R"({"message":"Method \")" + r.method + R"(\" not allowed."})");
    }
}

BOOST_AUTO_TEST_CASE(method_override_header_turns_post_into_delete) {
    auto t = create_token();
    auto r = send("POST", "/api/tokens/" + t, {{"X-HTTP-Method-Override", "DELETE"}});
    BOOST_TEST(r.status == 204u);
    BOOST_TEST(hub.token_count() == 0u);
}

BOOST_AUTO_TEST_CASE(options_returns_drf_metadata) {
    auto l = send("OPTIONS", "/api/tokens/");
    BOOST_TEST(l.status == 200u);
    BOOST_TEST(l.body.size() == 558u);
    auto d = send("OPTIONS", "/api/tokens/abc");
    BOOST_TEST(d.body.size() == 189u);
    BOOST_TEST(d.header("Allow") == "GET, DELETE, HEAD, OPTIONS");
}

BOOST_AUTO_TEST_CASE(head_is_get_without_body) {
    auto t = create_token();
    auto h = send("HEAD", "/api/tokens/" + t);
    BOOST_TEST(h.status == 200u);
    BOOST_TEST(h.header("Content-Length") == "105");
    BOOST_TEST(h.body.empty());
    auto anon = send("HEAD", "/api/tokens/");
    BOOST_TEST(anon.status == 403u);
    BOOST_TEST(anon.header("Content-Length") == "59");
}

BOOST_AUTO_TEST_CASE(unsatisfiable_accept_is_406) {
    auto r = get("/api/tokens/x", {{"Accept", "text/html"}});
    BOOST_TEST(r.status == 406u);
    BOOST_TEST(r.body == R"({"message":"Could not satisfy the request Accept header."})");
    BOOST_TEST(get("/api/tokens/x", {{"Accept", "text/html, application/json;q=0.9"}}).status == 404u);
    BOOST_TEST(get("/api/tokens/x", {{"Accept", "*/*"}}).status == 404u);
}

BOOST_AUTO_TEST_CASE(unroutable_paths_get_djangos_html_404) {
    for (std::string target : {"/api/tokens/abc%2Fdef", "/api/tokens/abc.def", "/api/tokens//", "/api/nothing", "/"}) {
        auto r = get(target);
        BOOST_TEST_CONTEXT(target) {
            BOOST_TEST(r.status == 404u);
            BOOST_TEST(r.header("Content-Type") == "text/html");
            BOOST_TEST(r.header("Content-Length") == "179");
            BOOST_TEST(!r.has("Allow"));
            BOOST_TEST(r.body.find("<title>Not Found</title>") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(json_is_compact_with_exact_content_type_and_no_trailing_newline) {
    auto r = get("/api/tokens/x");
    BOOST_TEST(r.header("Content-Type") == "application/json");
    BOOST_TEST(r.body == R"({"message":"Not found."})");
    BOOST_TEST(r.header("Content-Length") == "24");
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_many_requests_on_one_connection) {
    rawhttp::connection c(ep);
    auto t = create_token();
    for (int i = 0; i < 5; ++i) {
        auto r = c.send({.method = "GET", .target = "/api/tokens/" + t + "/"});
        BOOST_TEST(r.status == 200u);
        BOOST_TEST(r.header("Connection") == "keep-alive");
    }
    BOOST_TEST(c.send({.method = "DELETE", .target = "/api/tokens/" + t + "/"}).status == 204u);
    BOOST_TEST(c.send({.method = "GET", .target = "/api/tokens/" + t + "/"}).status == 404u);
    BOOST_TEST(hub.stats().connections_accepted >= 2u);
}

BOOST_AUTO_TEST_CASE(connection_close_and_http10_close_after_the_response) {
    rawhttp::connection c(ep);
    auto r = c.send({.method = "GET", .target = "/api/tokens/abc", .headers = {{"Connection", "close"}}});
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.header("Connection") == "close");
    BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
    rawhttp::connection c10(ep);
    auto r10 = c10.send({.method = "GET", .target = "/api/tokens/abc", .version = 10});
    BOOST_TEST(r10.version == 10u);
    BOOST_TEST(r10.status == 404u);
    BOOST_TEST(r10.header("Connection") == "close");
    BOOST_TEST(c10.closed_by_peer(std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(large_list_is_gzipped_and_chunked_when_accepted) {
    auto t = hub.seed_tokens("sam", 120)[0];
    auto big = get("/api/tokens/?limit=100", {{"Authorization", "Token " + t}, {"Accept-Encoding", "gzip"}});
    BOOST_TEST(big.status == 200u);
    BOOST_TEST(big.header("Content-Encoding") == "gzip");
    BOOST_TEST(big.header("Transfer-Encoding") == "chunked");
    BOOST_TEST(!big.has("Content-Length"));
    auto plain = rawhttp::gunzip(big.body);
    BOOST_TEST(boost::json::parse(plain).as_object().at("results").as_array().size() == 100u);
    auto small = get("/api/tokens/?limit=50", {{"Authorization", "Token " + t}, {"Accept-Encoding", "gzip"}});
    BOOST_TEST(!small.has("Content-Encoding"));
    BOOST_TEST(small.has("Content-Length"));
    auto unasked = get("/api/tokens/?limit=100", {{"Authorization", "Token " + t}});
    BOOST_TEST(!unasked.has("Content-Encoding"));
    BOOST_TEST(unasked.body == plain);
}

BOOST_AUTO_TEST_CASE(stop_is_idempotent_and_closes_open_connections) {
    rawhttp::connection c(ep);
    BOOST_TEST(c.send({.method = "GET", .target = "/api/tokens/x"}).status == 404u);
    BOOST_TEST(hub.stats().connections_open == 1u);
    hub.stop();
    hub.stop();
    BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
    BOOST_TEST(hub.stats().connections_open == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(http_mode_serves_plain_http) {
    auto o = test_options();
    o.https = false;
    hub_fixture f(o);
    BOOST_TEST(f.hub.base_url() == "http://127.0.0.1:" + std::to_string(f.hub.port()) + "/api");
    BOOST_TEST(f.hub.ca_pem().empty());
    auto t = f.create_token();
    BOOST_TEST(f.get("/api/tokens/" + t + "/").status == 200u);
}

BOOST_AUTO_TEST_CASE(https_base_url_and_ca) {
    hub_fixture f;
    BOOST_TEST(f.hub.base_url() == "https://127.0.0.1:" + std::to_string(f.hub.port()) + "/api");
    BOOST_TEST(f.hub.ca_pem().find("BEGIN CERTIFICATE") != std::string::npos);
    auto wrong = f.ep;
    wrong.ca_pem = emu::server{}.ca_pem();  // another emulator's CA: verification must fail
    BOOST_TEST(!rawhttp::handshake_succeeds(wrong));
}

BOOST_AUTO_TEST_CASE(mtls_required_rejects_clients_without_certificate_and_accepts_issued_ones) {
    auto o = test_options();
    o.require_client_certificate = true;
    hub_fixture f(o);
    BOOST_TEST(!rawhttp::handshake_succeeds(f.ep));
    auto [cert, key] = f.hub.make_client_certificate("tester");
    auto with = f.ep;
    with.client_cert_pem = cert;
    with.client_key_pem = key;
    BOOST_TEST(rawhttp::handshake_succeeds(with));
    BOOST_TEST(rawhttp::fetch(with, {.method = "GET", .target = "/api/tokens/x"}).status == 404u);
}

BOOST_AUTO_TEST_CASE(request_log_redacts_tokens) {
    auto o = test_options();
    auto lines = std::make_shared<std::vector<std::string>>();
    auto m = std::make_shared<std::mutex>();
    o.request_log = [lines, m](std::string_view l) { std::lock_guard g(*m); lines->emplace_back(l); };
    hub_fixture f(o);
    auto t = f.create_token();
    f.get("/api/tokens/" + t + "/");
    f.hub.stop();
    BOOST_REQUIRE_EQUAL(lines->size(), 2u);
    BOOST_TEST(lines->at(0).rfind("POST /api/tokens/ 201 ", 0) == 0);
    BOOST_TEST(lines->at(1).rfind("GET /api/tokens/<redacted>/ 200 ", 0) == 0);
    for (const auto& l : *lines) BOOST_TEST(l.find(t.substr(0, 8)) == std::string::npos);
}
