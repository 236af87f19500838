// Failures that are not the user's: network, TLS, timeouts and server errors, each one line on
// stderr with its own exit status.
#include "cli_fixture.hpp"

#include <chrono>

using namespace test;

BOOST_AUTO_TEST_SUITE(failures)

BOOST_AUTO_TEST_CASE(unreachable_url_exits_5_with_one_line) {
    auto url = "https://127.0.0.1:" + std::to_string(closed_port()) + "/api";
    for (const auto& args : std::vector<std::vector<std::string>>{{"read", std::string(64, 'c')},
                                                                  {"login", "-u", "sam"},
                                                                  {"list"}}) {
        auto r = run_hub_tokens(args, {{"STENCILA_HUB_URL", url}, {"STENCILA_HUB_TOKEN", "key-never-shown"}}, "pw\n");
        BOOST_TEST(r.exit_code == 5, describe(r));
        BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
        BOOST_TEST(r.err.find("Connection refused") != std::string::npos, r.err);
        BOOST_TEST(r.err.find(" [system:") == std::string::npos, "no developer detail: " << r.err);
        BOOST_TEST(r.err.find("key-never-shown") == std::string::npos);
        BOOST_TEST(r.err.find(std::string(64, 'c')) == std::string::npos);
    }
}

BOOST_FIXTURE_TEST_CASE(untrusted_certificate_exits_5, cli_fixture) {
    auto token = server.seed_tokens(username, 1).front();
    auto r = run_hub_tokens({"read", token}, env());  // no --ca-file: the system store
    BOOST_TEST(r.exit_code == 5, describe(r));
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
    BOOST_TEST(r.err.find("TLS certificate not trusted") != std::string::npos, r.err);
}

BOOST_FIXTURE_TEST_CASE(insecure_skips_verification_with_a_warning, cli_fixture) {
    auto token = server.seed_tokens(username, 1).front();
    auto r = run_hub_tokens({"--insecure", "read", token}, env());
    BOOST_TEST(r.exit_code == 0, describe(r));
    BOOST_TEST(r.err == "hub-tokens: warning: --insecure: the Hub's TLS certificate is not verified\n");
}

BOOST_AUTO_TEST_CASE(a_stalled_hub_times_out_with_exit_5) {
    cli_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).front();
    f.server.inject({.what = emu::fault::kind::stall, .times = 0});
    auto start = std::chrono::steady_clock::now();
    auto r = f.run({"--timeout", "0.5", "read", token});
    auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(r.exit_code == 5, describe(r));
    BOOST_TEST(r.err.find("timed out") != std::string::npos, r.err);
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
    BOOST_TEST(took < std::chrono::seconds{10});
}

BOOST_AUTO_TEST_CASE(a_server_error_exits_6) {
    cli_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).front();
    f.server.inject({.what = emu::fault::kind::status, .times = 0, .status = 500});
    auto r = f.run({"read", token});
    BOOST_TEST(r.exit_code == 6, describe(r));
    BOOST_TEST(r.err.starts_with("hub-tokens: read: Hub answered 500"), r.err);
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
}

BOOST_AUTO_TEST_CASE(an_html_error_page_is_one_line_too) {
    cli_fixture f{with_faults()};
    auto key = f.api_key();
    f.server.inject({.what = emu::fault::kind::status, .times = 0, .status = 502, .html = true});
    auto r = f.run({"list", "--all"}, {{"STENCILA_HUB_TOKEN", key}});
    BOOST_TEST(r.exit_code == 6, describe(r));
    BOOST_TEST(r.err.starts_with("hub-tokens: list: Hub answered 502"), r.err);
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
    BOOST_TEST(r.err.find(key) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_malformed_answer_exits_5) {
    cli_fixture f{with_faults()};
    auto token = f.server.seed_tokens(username, 1).front();
    f.server.inject({.what = emu::fault::kind::malformed_json, .times = 0});
    auto r = f.run({"read", token});
    BOOST_TEST(r.exit_code == 5, describe(r));
    BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
