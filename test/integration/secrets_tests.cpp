// Secrets never leave the library in a message: the whole flow, logging at its most verbose,
// failures included, and neither the API key nor any token value shows up.
#include "fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <mutex>
#include <sstream>

using namespace test;

BOOST_AUTO_TEST_SUITE(secrets)

BOOST_AUTO_TEST_CASE(no_log_line_or_exception_text_contains_the_key_or_a_token) {
    emu::server_options so;
    so.faults = true;
    hub_fixture f{so};
    auto key = f.server.seed_tokens(username, 1).at(0);

    std::mutex m;
    std::vector<std::string> lines;
    auto opts = f.options();
    opts.api_key = key;
    opts.min_log_level = hub::log_level::debug;
    opts.logger = [&](hub::log_level, std::string_view line) {
        std::lock_guard lock(m);
        lines.emplace_back(line);
    };
    opts.retry.initial_backoff = std::chrono::milliseconds(1);
    hub::client c{f.io.get_executor(), opts};
    std::vector<std::string> texts;  // exception messages and printed values

    auto created = f.run(c.tokens().create(hub::password_credentials{username, password}));
    std::string token = created.token.reveal();
    std::ostringstream printed;
    printed << created << " " << opts.api_key << " " << created.token;
    texts.push_back(printed.str());

    f.run(c.tokens().list());
    f.run(c.tokens().read(created.token));
    f.server.inject({.what = emu::fault::kind::status, .times = 1, .status = 503});  // logged retry
    f.run(c.tokens().read(created.token));
    f.server.inject({.what = emu::fault::kind::close_before_response});              // logged stale retry
    f.run(c.tokens().read(created.token));
    auto walk = c.tokens().all({.page_size = 1});
    f.run(walk.collect());
    f.run(c.tokens().remove(created.token));
    for (auto op : {0, 1, 2}) {
        try {
            if (op == 0) f.run(c.tokens().read(created.token));  // 404 now
            if (op == 1) f.run(c.tokens().remove(created.token));
            if (op == 2) f.run(c.tokens().create(hub::password_credentials{username, token}));  // token as a password
        } catch (const std::exception& e) {
            texts.emplace_back(e.what());
        }
    }
    hub::options broken = opts;
    broken.base_url = "https://" + key + ":" + token + "@127.0.0.1/api";
    try {
        hub::client bad{f.io.get_executor(), broken};
    } catch (const std::exception& e) {
        texts.emplace_back(e.what());
    }

    BOOST_TEST(lines.size() > 5u);
    BOOST_TEST(texts.size() == 5u);
    for (const auto& l : lines) {
        BOOST_TEST(l.find(key) == std::string::npos, l);
        BOOST_TEST(l.find(token) == std::string::npos, l);
        BOOST_TEST(l.find(token.substr(8)) == std::string::npos, l);
    }
    for (const auto& t : texts) {
        BOOST_TEST(t.find(key) == std::string::npos, t);
        BOOST_TEST(t.find(token) == std::string::npos, t);
    }
}

BOOST_AUTO_TEST_SUITE_END()
