// Fault injection, each mode observed on the wire; and the server-wide idle and request limits.
// Timing assertions are lower bounds only, so a slow machine cannot fail them.
#include "fixture.hpp"

#include <thread>

using namespace std::chrono_literals;
using kind = emu::fault::kind;

namespace {
std::string raw_get(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(faults, hub_fixture)

BOOST_AUTO_TEST_CASE(latency_delays_the_answer) {
    hub.inject({.what = kind::latency, .delay = 300ms});
    auto start = std::chrono::steady_clock::now();
    BOOST_TEST(get("/api/tokens/x").status == 404u);
    BOOST_TEST((std::chrono::steady_clock::now() - start) >= 300ms);
}

BOOST_AUTO_TEST_CASE(status_fault_with_retry_after_and_json_body) {
    hub.inject({.what = kind::status, .path_prefix = "/api/tokens/", .times = 2, .status = 503, .retry_after = "1"});
    for (int i = 0; i < 2; ++i) {
        auto r = get("/api/tokens/x");
        BOOST_TEST(r.status == 503u);
        BOOST_TEST(r.header("Retry-After") == "1");
        BOOST_TEST(r.header("Content-Type") == "application/json");
        BOOST_TEST(json_object(r).contains("message"));
    }
    BOOST_TEST(get("/api/tokens/x").status == 404u);  // times exhausted
}

BOOST_AUTO_TEST_CASE(status_fault_html_502_page_and_http_date_retry_after) {
    hub.inject({.what = kind::status, .status = 502, .retry_after = "Wed, 21 Oct 2015 07:28:00 GMT", .html = true});
    auto r = get("/api/tokens/");
    BOOST_TEST(r.status == 502u);
    BOOST_TEST(r.header("Content-Type") == "text/html");
    BOOST_TEST(r.header("Retry-After") == "Wed, 21 Oct 2015 07:28:00 GMT");
    BOOST_TEST(r.body.rfind("<!DOCTYPE html>", 0) == 0);
    BOOST_TEST(r.body.find("<title>Error : Stencila</title>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(status_429_message_counts_seconds) {
    hub.inject({.what = kind::status, .status = 429, .retry_after = "1"});
    BOOST_TEST(get("/api/tokens/x").body == R"({"message":"Request was throttled. Expected available in 1 second."})");
}

BOOST_AUTO_TEST_CASE(faults_match_method_and_path_and_honour_skip) {
    hub.inject({.what = kind::status, .method = "DELETE", .path_prefix = "/api/tokens/", .skip = 1, .status = 500});
    BOOST_TEST(get("/api/tokens/x").status == 404u);               // wrong method
    BOOST_TEST(send("DELETE", "/api/tokens/x").status == 404u);    // skipped
    BOOST_TEST(send("DELETE", "/api/tokens/x").status == 500u);    // applied
    BOOST_TEST(send("DELETE", "/api/tokens/x").status == 404u);    // done
    hub.inject({.what = kind::status, .times = 0, .status = 504});
    BOOST_TEST(get("/").status == 504u);
    BOOST_TEST(get("/").status == 504u);
    hub.clear_faults();
    BOOST_TEST(get("/").status == 404u);
}

BOOST_AUTO_TEST_CASE(every_matching_fault_counts_a_request_against_its_skip_and_the_first_spent_one_applies) {
    // "fail the 3rd request with 500 and the 5th with 503", injected in either order.
    hub.inject({.what = kind::status, .skip = 2, .status = 500});
    hub.inject({.what = kind::status, .skip = 4, .status = 503});
    std::vector<unsigned> got;
    for (int i = 0; i < 6; ++i) got.push_back(get("/api/tokens/x").status);
    const std::vector<unsigned> expected{404, 404, 500, 404, 503, 404};
    BOOST_TEST(got == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(of_two_faults_due_on_the_same_request_the_earlier_injected_applies_and_the_other_waits) {
    hub.inject({.what = kind::status, .path_prefix = "/api/tokens/", .skip = 1, .status = 500});
    hub.inject({.what = kind::status, .skip = 1, .times = 2, .status = 503});
    BOOST_TEST(get("/api/tokens/x").status == 404u);  // both skip it
    BOOST_TEST(get("/api/tokens/x").status == 500u);  // both due: the first injected applies
    BOOST_TEST(get("/api/tokens/x").status == 503u);  // the second waited; its skip was not re-counted
    BOOST_TEST(get("/").status == 503u);              // only the second matches "/"
    BOOST_TEST(get("/api/tokens/x").status == 404u);
}

BOOST_AUTO_TEST_CASE(a_fault_for_every_request_keeps_later_faults_on_the_same_requests_from_applying) {
    hub.inject({.what = kind::status, .method = "GET", .times = 0, .status = 502});
    hub.inject({.what = kind::status, .status = 504});
    BOOST_TEST(get("/api/tokens/x").status == 502u);
    BOOST_TEST(get("/api/tokens/x").status == 502u);
    BOOST_TEST(send("DELETE", "/api/tokens/x").status == 504u);  // the GET-only fault does not match
}

BOOST_AUTO_TEST_CASE(close_after_response_promises_keep_alive_then_closes) {
    hub.inject({.what = kind::close_after_response});
    rawhttp::connection c(ep);
    auto r = c.send({.method = "GET", .target = "/api/tokens/x"});
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.header("Connection") == "keep-alive");
    BOOST_TEST(c.closed_by_peer(5s));
}

BOOST_AUTO_TEST_CASE(reset_mid_body_sends_part_of_the_body_then_rst) {
    auto t = create_token();
    hub.inject({.what = kind::reset_mid_body});
    auto plain_ep = ep;
    auto r = rawhttp::exchange_raw(plain_ep, raw_get("/api/tokens/" + t + "/"), 5s);
    BOOST_TEST((r.how == rawhttp::ending::reset || r.how == rawhttp::ending::eof || r.how == rawhttp::ending::other));
    BOOST_TEST(r.how != rawhttp::ending::timeout);
    auto head_end = r.bytes.find("\r\n\r\n");
    BOOST_REQUIRE(head_end != std::string::npos);
    BOOST_TEST(r.bytes.find("Content-Length: 105") != std::string::npos);
    BOOST_TEST(r.bytes.size() - head_end - 4 < 105u);
}

BOOST_AUTO_TEST_CASE(truncated_body_sends_less_than_content_length_then_closes) {
    hub.inject({.what = kind::truncated_body});
    auto r = rawhttp::exchange_raw(ep, raw_get("/api/tokens/x"), 5s);
    BOOST_TEST(r.how != rawhttp::ending::timeout);
    BOOST_TEST(r.bytes.find("Content-Length: 1048") != std::string::npos);  // 24 + 1024
    auto head_end = r.bytes.find("\r\n\r\n");
    BOOST_TEST(r.bytes.substr(head_end + 4) == R"({"message":"Not found."})");
}

BOOST_AUTO_TEST_CASE(malformed_json_is_200_with_unparseable_body) {
    hub.inject({.what = kind::malformed_json});
    auto r = get("/api/tokens/x");
    BOOST_TEST(r.status == 200u);
    boost::system::error_code ec;
    boost::json::parse(r.body, ec);
    BOOST_TEST(ec.failed());
}

BOOST_AUTO_TEST_CASE(oversized_body_is_200_with_the_requested_size) {
    hub.inject({.what = kind::oversized_body, .oversized_bytes = 3u << 20});
    auto r = get("/api/tokens/x");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.body.size() == (3u << 20));
    BOOST_TEST(boost::json::parse(r.body).is_object());
}

BOOST_AUTO_TEST_CASE(stall_never_answers_without_blocking_others_and_stop_ends_it) {
    hub.inject({.what = kind::stall});
    rawhttp::connection stalled(ep);
    auto start = std::chrono::steady_clock::now();
    BOOST_CHECK_THROW(stalled.send({.method = "GET", .target = "/api/tokens/x"}, 500ms), std::exception);
    BOOST_TEST((std::chrono::steady_clock::now() - start) >= 500ms);
    // While one connection is stalled, the others are served.
    hub.inject({.what = kind::stall});
    std::thread t([this] {
        try { rawhttp::fetch(ep, {.method = "GET", .target = "/api/tokens/x"}, 30s); } catch (...) {}
    });
    std::this_thread::sleep_for(100ms);
    BOOST_TEST(get("/api/tokens/x").status == 404u);
    hub.stop();  // ends the stalled session: the thread's read fails
    t.join();
}

BOOST_AUTO_TEST_CASE(faults_are_refused_when_not_enabled) {
    emu::server plain{emu::server_options{}};
    BOOST_CHECK_THROW(plain.inject({}), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(idle_timeout_closes_idle_keep_alive_connections) {
    auto o = test_options();
    o.idle_timeout = 200ms;
    hub_fixture f(o);
    rawhttp::connection c(f.ep);
    BOOST_TEST(c.send({.method = "GET", .target = "/api/tokens/x"}).status == 404u);
    auto start = std::chrono::steady_clock::now();
    BOOST_TEST(c.closed_by_peer(10s));
    BOOST_TEST((std::chrono::steady_clock::now() - start) >= 150ms);
}

BOOST_AUTO_TEST_CASE(max_requests_closes_after_the_nth_response) {
    auto o = test_options();
    o.max_requests_per_connection = 3;
    hub_fixture f(o);
    rawhttp::connection c(f.ep);
    BOOST_TEST(c.send({.method = "GET", .target = "/api/tokens/x"}).header("Connection") == "keep-alive");
    BOOST_TEST(c.send({.method = "GET", .target = "/api/tokens/x"}).header("Connection") == "keep-alive");
    BOOST_TEST(c.send({.method = "GET", .target = "/api/tokens/x"}).header("Connection") == "close");
    BOOST_TEST(c.closed_by_peer(5s));
}
