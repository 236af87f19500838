// docs/emulator.md shows what these tests run: its in-process snippet is compiled and run here,
// its option table matches `hub-emulator --help`, and its counters example is `to_json`'s output.
#include "fixture.hpp"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The non-blank lines between two markers, less the indentation of the first.
std::string region(const std::string& text, const std::string& begin, const std::string& end) {
    auto a = text.find(begin);
    auto b = text.find(end, a);
    BOOST_REQUIRE(a != std::string::npos && b != std::string::npos);
    std::istringstream lines(text.substr(a + begin.size() + 1, b - a - begin.size() - 1));
    std::string out, line;
    std::size_t indent = std::string::npos;
    while (std::getline(lines, line)) {
        if (line.find_first_not_of(' ') == std::string::npos) continue;
        if (indent == std::string::npos) indent = line.find_first_not_of(' ');
        out += line.substr(std::min(indent, line.find_first_not_of(' '))) + "\n";
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_in_process_snippet_of_the_docs_compiles_and_runs) {
    struct {
        std::string base_url;
        struct { std::string ca_pem; } tls;
    } options;
    // snippet begin
    namespace emu = stencila::hub::emulator;
    using namespace std::chrono_literals;
    emu::server hub{{.https = true, .faults = true, .openid_test_audiences = {"test-aud"},
                     .throttle = {.anon = {100, 1h}, .user = {5000, 1h}}, .manual_clock = true}};
    int sam = hub.add_user({.username = "sam", .password = "sam"});
    auto tokens = hub.seed_tokens("sam", 1000);          // secrets, in creation order
    auto old = hub.seed_token("sam", emu::parse_time("2026-11-20T00:00:00Z"),
                              hub.now() - 24h);          // stored exactly so: already expired
    auto forever = hub.seed_token("sam", hub.now(), std::nullopt);  // expiry null
    options.base_url = hub.base_url();                   // https://127.0.0.1:PORT/api
    options.tls.ca_pem = hub.ca_pem();
    hub.inject({.what = emu::fault::kind::status, .path_prefix = "/api/tokens/", .times = 2,
                .status = 503, .retry_after = "1"});
    hub.advance_clock(std::chrono::hours(24 * 8));       // expire every token; slide throttle windows
    auto counters = emu::to_json(hub.stats());           // answers by route and status, faults fired
    auto [cert, key] = hub.make_client_certificate("me"); // for require_client_certificate
    hub.stop();                                          // idempotent; the destructor calls it
    // snippet end
    BOOST_TEST(sam == 1);
    BOOST_TEST(tokens.size() == 1000u);
    BOOST_TEST(old != forever);
    BOOST_TEST(hub.token_count() == 1002u);
    BOOST_TEST(options.base_url == "https://127.0.0.1:" + std::to_string(hub.port()) + "/api");
    BOOST_TEST(!options.tls.ca_pem.empty());
    BOOST_TEST(counters.rfind(R"({"connections_accepted":0,)", 0) == 0);
    BOOST_TEST(!cert.empty());
    BOOST_TEST(!key.empty());
}

BOOST_AUTO_TEST_CASE(the_docs_show_the_snippet_this_file_runs) {
    std::string docs = read_text(HUB_EMULATOR_DOCS);
    std::string snippet = region(read_text(DOC_TESTS_SOURCE), "// snippet begin", "// snippet end");
    BOOST_TEST_INFO("snippet:\n" << snippet);
    BOOST_TEST(docs.find("```cpp\n" + snippet + "```") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_docs_option_table_lists_exactly_the_programs_options) {
    std::string docs = read_text(HUB_EMULATOR_DOCS);
    auto table = docs.substr(docs.find("| option | meaning |"));
    table = table.substr(0, table.find("\n\n"));
    std::set<std::string> documented, offered;
    std::regex flag(R"(--[a-z][a-z-]*)");
    std::istringstream rows(table);
    for (std::string row; std::getline(rows, row);) {
        std::string first = row.substr(0, row.find('|', 1));  // the option column
        for (std::sregex_iterator it(first.begin(), first.end(), flag), end; it != end; ++it) documented.insert(it->str());
    }
    std::string help_file = "/tmp/hub-emulator-help-" + std::to_string(::getpid());
    BOOST_REQUIRE(std::system((std::string(HUB_EMULATOR_PROGRAM) + " --help > " + help_file).c_str()) == 0);
    std::string help = read_text(help_file);
    std::remove(help_file.c_str());
    std::regex option(R"(\n  (--[a-z-]+))");
    for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it) offered.insert((*it)[1]);
    offered.erase("--help");
    BOOST_TEST(documented == offered, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_docs_counters_example_is_to_json_output) {
    using kind = emu::fault::kind;
    emu::server_stats s{.connections_accepted = 3, .requests = 4, .connections_open = 1,
                        .responses = {{"GET", "/api/tokens/{token}/", 200, 2}, {"other", "unrouted", 400, 1}},
                        .faults_fired = {{kind::reset_mid_body, 5}}};
    BOOST_TEST(read_text(HUB_EMULATOR_DOCS).find("```json\n" + emu::to_json(s) + "\n```") != std::string::npos);
}
