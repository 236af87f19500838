// The hub-emulator program: prints its base URL first with --port 0, serves, stops on SIGINT.
#include "raw_http.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(program_prints_base_url_first_serves_and_stops_on_sigint) {
    char dir_template[] = "/tmp/hub-emulator-test-XXXXXX";
    std::string dir = mkdtemp(dir_template);
    std::string ca = dir + "/ca.pem", tokens = dir + "/tokens.txt";
    int out[2];
    BOOST_REQUIRE(pipe(out) == 0);
    pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execl(HUB_EMULATOR_PROGRAM, HUB_EMULATOR_PROGRAM, "--port", "0", "--user", "sam:sam", "--seed-tokens", "sam:3",
              "--tokens-out", tokens.c_str(), "--ca-out", ca.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    BOOST_TEST_INFO("first line: " << line);
    BOOST_REQUIRE(line.rfind("https://127.0.0.1:", 0) == 0);
    BOOST_TEST(line.substr(line.size() - 4) == "/api");

    auto slurp = [](const std::string& path) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    rawhttp::endpoint ep;
    ep.port = static_cast<std::uint16_t>(std::stoi(line.substr(18, line.size() - 18 - 4)));
    ep.ca_pem = slurp(ca);
    std::string first_token = slurp(tokens).substr(0, 64);
    auto r = rawhttp::fetch(ep, {.method = "GET", .target = "/api/tokens/" + first_token + "/"});
    BOOST_TEST(r.status == 200u);

    BOOST_REQUIRE(kill(pid, SIGINT) == 0);
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 100 && done == 0; ++i) {
        done = waitpid(pid, &status, WNOHANG);
        if (done == 0) std::this_thread::sleep_for(100ms);
    }
    if (done == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        BOOST_FAIL("hub-emulator did not stop on SIGINT");
    }
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    std::remove(ca.c_str());
    std::remove(tokens.c_str());
    rmdir(dir.c_str());
}
