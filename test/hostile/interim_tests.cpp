// Interim (1xx) answers, RFC 9110 §15.2: a client must parse any number of them before the final
// answer, even unasked for, and skip them; 101 switches protocols, which nobody asked for here.
#include "fixture.hpp"

using namespace hostile_test;
using hostile::answer;
using hostile::ending;

namespace {

std::string interim(unsigned status, const hostile::header_list& headers = {}) { return hostile::head(status, headers); }

}  // namespace

BOOST_AUTO_TEST_CASE(interim_answers_before_the_final_one_are_skipped) {
    answer paused{.pieces = {interim(100), token_answer}, .pause = 50ms};
    struct variant {
        const char* name;
        answer a;
    } cases[] = {
        {"100 Continue, then 200", hostile::send(interim(100) + token_answer)},
        {"103 Early Hints with Link fields, then 200",
         hostile::send(interim(103, {{"Link", "</style.css>; rel=preload; as=style"}, {"Link", "</app.js>; rel=preload"}}) +
                       token_answer)},
        {"100, 102, 103, 103, then 200",
         hostile::send(interim(100) + interim(102) + interim(103, {{"Link", "</a>"}}) + interim(103) + token_answer)},
        {"100 Continue, a pause, then 200", paused},
    };
    for (const auto& v : cases) {
        BOOST_TEST_CONTEXT(v.name) {
            hostile_case c{hostile::always(v.a)};
            auto cli = c.cli_read();
            auto o = c.read(std::nullopt, 2);
            BOOST_TEST(o.ok(), describe(o));
            BOOST_TEST(c.read_tokens.size() == 2u);
            for (const auto& t : c.read_tokens) BOOST_TEST(t.id == hostile::token_id(5));
            BOOST_TEST(c.lib.connections() == 1u, "the connection stays usable after interim answers");
            with_cli(cli, c.keys, [](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 0, describe(r));
                EXPECT_HAS(r.out, hostile::token_id(5));
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(interim_answer_to_a_create_is_skipped_and_the_create_sent_once) {
    hostile_case c{hostile::always(hostile::send(interim(100) + hostile::with_length(201, hostile::created_json(9, secrets::make().created))))};
    auto cli = c.cli_login();
    std::optional<hub::created_token> got;
    auto o = c.through_client(create_call(c.keys.password, &got));
    BOOST_TEST(o.ok(), describe(o));
    BOOST_TEST((got && got->id == hostile::token_id(9)));
    BOOST_TEST(c.lib.request_count() == 1u);
    with_cli(cli, c.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 0, describe(r));
        BOOST_TEST(c.cli_server.request_count() == 1u);
    });
}

BOOST_AUTO_TEST_CASE(endless_interim_answers_end_at_the_deadline) {
    answer a = hostile::send(interim(100));
    a.pause = 20ms;
    a.more = [] { return std::optional<std::string>(interim(103, {{"Link", "</x>"}})); };
    hostile_case c{hostile::always(a)};
    auto cli = c.cli_read({"--timeout", "1"});
    auto opts = c.options();
    opts.timeouts.request = 1s;
    auto o = c.read(opts);
    BOOST_TEST(!o.ok());
    BOOST_TEST(!o.status.has_value(), "an interim answer is not the Hub's answer: " << describe(o));
    BOOST_TEST(o.took < 6s, describe(o));
    with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });
}

BOOST_AUTO_TEST_CASE(unasked_101_switching_protocols_is_malformed_and_what_follows_is_not_taken_as_the_answer) {
    // RFC 9110 §7.8: a server must not switch to a protocol the request did not offer. After a
    // 101 the bytes are another protocol's, even if they look like a 200.
    hostile_case c{hostile::always(hostile::send(
        interim(101, {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}}) + token_answer))};
    auto cli = c.cli_read();
    auto o = c.read();
    EXPECT_CODE(o, hub::error::malformed_response);
    BOOST_TEST(c.read_tokens.empty());
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        BOOST_TEST(r.out.empty());
    });
}
