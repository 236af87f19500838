// Success answers whose JSON is not what the Hub sends: wrong types, missing fields, extra
// fields, junk, numbers and date-times out of range, duplicate keys, an empty new token.
#include "fixture.hpp"

using namespace hostile_test;

namespace {

const std::string created_at = R"("created":"2022-02-01T20:42:43.123456Z")";
const std::string expiry_at = R"("expiry":"2022-02-08T20:42:43.130002Z")";

/// A read answer with these fields, in this order.
std::string token_with(const std::string& fields) { return "{" + fields + "}"; }

struct bad_read {
    const char* name;
    std::string json;
    const char* field;  ///< the field the message must name; nullptr: the body as a whole
};

// Every read answer here is a 200 whose body a careful client must refuse.
std::vector<bad_read> bad_reads() {
    const std::string id = R"("id":"3f0c9a1b")";
    const std::string user = R"("user":1)";
    return {
        {"user as a string", token_with(R"("user":"1",)" + id + "," + created_at), "user"},
        {"user as a float", token_with(R"("user":1.5,)" + id + "," + created_at), "user"},
        {"user past INT64_MAX", token_with(R"("user":9223372036854775808,)" + id + "," + created_at), "user"},
        {"user past 2^64", token_with(R"("user":18446744073709551616,)" + id + "," + created_at), "user"},
        {"user as 1e400", token_with(R"("user":1e400,)" + id + "," + created_at), nullptr},
        {"user as an object", token_with(R"("user":{"id":1,"junk":[1,[2,[3]]]},)" + id + "," + created_at), "user"},
        {"user as null", token_with(R"("user":null,)" + id + "," + created_at), "user"},
        {"id as a number", token_with(user + R"(,"id":12345678,)" + created_at), "id"},
        {"id as an array", token_with(user + R"(,"id":["3f0c9a1b"],)" + created_at), "id"},
        {"created as a number", token_with(user + "," + id + R"(,"created":1643748163)"), "created"},
        {"expiry as true", token_with(user + "," + id + "," + created_at + R"(,"expiry":true)"), "expiry"},
        {"no user", token_with(id + "," + created_at), "user"},
        {"no id", token_with(user + "," + created_at), "id"},
        {"no created", token_with(user + "," + id), "created"},
        {"February 30th", token_with(user + "," + id + R"(,"created":"2022-02-30T20:42:43Z")"), "created"},
        {"hour 25", token_with(user + "," + id + R"(,"created":"2022-02-01T25:42:43Z")"), "created"},
        {"no time zone", token_with(user + "," + id + R"(,"created":"2022-02-01T20:42:43.123456")"), "created"},
        {"a word for a date", token_with(user + "," + id + R"(,"created":"yesterday")"), "created"},
        {"an empty date", token_with(user + "," + id + R"(,"created":"")"), "created"},
        {"a year 10000 expiry", token_with(user + "," + id + "," + created_at + R"(,"expiry":"10000-01-01T00:00:00Z")"), "expiry"},
        {"duplicate user keys", token_with(user + R"(,"user":2,)" + id + "," + created_at), "user"},
        {"not JSON", "<html>hello</html>", nullptr},
        {"JSON cut short", token_with(user + "," + id).substr(0, 20), nullptr},
        {"JSON with trailing junk", token_with(user + "," + id + "," + created_at) + " trailing", nullptr},
        {"two JSON documents", token_with(user + "," + id + "," + created_at) + token_with(user), nullptr},
        {"an array", "[" + token_with(user + "," + id + "," + created_at) + "]", nullptr},
        {"an empty body", "", nullptr},
        {"invalid UTF-8 in a string", token_with(user + ",\"id\":\"\xff\xfe\"," + created_at), nullptr},
        {"100,000 nested arrays in an unknown field",
         token_with(user + "," + id + "," + created_at + R"(,"junk":)" + std::string(100000, '[') + std::string(100000, ']')),
         nullptr},
    };
}

}  // namespace

BOOST_AUTO_TEST_CASE(wrong_typed_user_field_is_malformed_response_naming_the_call_host_and_field) {
    hostile_case c{hostile::always(hostile::send(hostile::with_length(200, token_with(R"("user":"1","id":"3f0c9a1b",)" + created_at))))};
    auto cli = c.cli_read();
    auto o = c.read();
    EXPECT_CODE(o, hub::error::malformed_response);
    EXPECT_HAS(o.what, "GET /tokens/{token}/");
    EXPECT_HAS(o.what, c.lib.host_port());
    EXPECT_HAS(o.what, "user: expected an integer");
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        BOOST_TEST(r.err.starts_with("hub-tokens: read: GET /tokens/{token}/: "), r.err);
        EXPECT_HAS(r.err, "user: expected an integer");
    });
}

BOOST_AUTO_TEST_CASE(read_answers_that_are_not_a_token_are_malformed_response_naming_the_field) {
    for (const auto& b : bad_reads()) {
        BOOST_TEST_CONTEXT(b.name) {
            hostile_case c{hostile::always(hostile::send(hostile::with_length(200, b.json)))};
            auto cli = c.cli_read();
            auto o = c.read();
            EXPECT_CODE(o, hub::error::malformed_response);
            BOOST_TEST(c.read_tokens.empty());
            BOOST_TEST(c.lib.request_count() == 1u, "a malformed answer is not worth another try");
            EXPECT_HAS(o.what, "GET /tokens/{token}/");
            if (b.field) EXPECT_HAS(o.what, std::string(b.field));
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 5, describe(r));
                BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
                if (b.field) EXPECT_HAS(r.err, std::string(b.field));
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_fields_and_junk_under_them_are_ignored) {
    const std::string plain = token_with(R"("user":1,"id":"3f0c9a1b",)" + created_at + "," + expiry_at);
    const std::string extra = token_with(
        R"("links":{"self":"http://x/","nested":[[1,2,{"deep":{"deeper":[null,true,-0.5e-3]}}]]},"user":1,"token":"ignored",)"
        R"("id":"3f0c9a1b","kind":"knox",)" + created_at + R"(,"annotations":[],)" + expiry_at + R"(,"z":"\u00e9\ud83d\ude00")");
    std::vector<hub::token> reference, got;
    hostile_case p{hostile::always(hostile::send(hostile::with_length(200, plain)))};
    auto o = p.through_client(read_call(p.keys.token, &reference));
    BOOST_TEST(o.ok(), describe(o));
    hostile_case c{hostile::always(hostile::send(hostile::with_length(200, extra)))};
    auto cli = c.cli_read({}, {"--json"});
    o = c.through_client(read_call(c.keys.token, &got));
    BOOST_TEST(o.ok(), describe(o));
    BOOST_TEST((got == reference));
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 0, describe(r));
        EXPECT_HAS(r.out, "3f0c9a1b");
    });
}

BOOST_AUTO_TEST_CASE(created_token_without_a_usable_value_is_malformed_response) {
    const std::string rest = R"("id":"3f0c9a1b",)" + created_at + "," + expiry_at + R"(,"user":1,"username":"sam","firstName":"","lastName":"")";
    const auto value = secrets::make().created;
    struct bad {
        const char* name;
        std::string json;
    } cases[] = {
        {"an empty token", R"({"token":"",)" + rest + "}"},
        {"a null token", R"({"token":null,)" + rest + "}"},
        {"no token", "{" + rest + "}"},
        {"a numeric token", R"({"token":1234,)" + rest + "}"},
        {"two token keys", R"({"token":")" + value + R"(","token":"",)" + rest + "}"},
        {"a wrong-typed user beside the new token", R"({"token":")" + value + R"(",)" +
                                                        std::string(rest).replace(rest.find(R"("user":1)"), 8, R"("user":"1")") + "}"},
    };
    for (const auto& b : cases) {
        BOOST_TEST_CONTEXT(b.name) {
            hostile_case c{hostile::always(hostile::send(hostile::with_length(201, b.json)))};
            auto cli = c.cli_login();
            std::optional<hub::created_token> created;
            auto o = c.through_client(create_call(c.keys.password, &created));
            EXPECT_CODE(o, hub::error::malformed_response);
            EXPECT_HAS(o.what, "POST /tokens/");
            // The answer held a new token: whatever went wrong, its value is not quoted.
            BOOST_TEST(o.what.find(value) == std::string::npos, o.what);
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 5, describe(r));
                BOOST_TEST(r.out.empty(), "a token was printed: " << describe(r));
                BOOST_TEST(r.err.find(value) == std::string::npos, r.err);
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(list_pages_that_are_not_a_page_are_malformed_response_naming_the_field) {
    const std::string item = hostile::token_json(0);
    struct bad {
        const char* name;
        std::string json;
        const char* field;
    } cases[] = {
        {"count as a string", R"({"count":"1","next":null,"previous":null,"results":[)" + item + "]}", "count"},
        {"a negative count", R"({"count":-1,"next":null,"previous":null,"results":[)" + item + "]}", "count"},
        {"count past INT64_MAX", R"({"count":9223372036854775808,"next":null,"previous":null,"results":[]})", "count"},
        {"no count", R"({"next":null,"previous":null,"results":[)" + item + "]}", "count"},
        {"results as an object", R"({"count":1,"next":null,"previous":null,"results":{"0":)" + item + "}}", "results"},
        {"no results", R"({"count":1,"next":null,"previous":null})", "results"},
        {"an item that is a string", R"({"count":1,"next":null,"previous":null,"results":["3f0c9a1b"]})", "results"},
        {"an item without an id", R"({"count":1,"next":null,"previous":null,"results":[{"user":1,)" + created_at + "}]}", "id"},
        {"next as a number", R"({"count":1,"next":2,"previous":null,"results":[)" + item + "]}", "next"},
    };
    for (const auto& b : cases) {
        BOOST_TEST_CONTEXT(b.name) {
            hostile_case c{hostile::always(hostile::send(hostile::with_length(200, b.json)))};
            auto cli = c.cli({"list"});
            std::optional<hub::token_page> page;
            auto o = c.through_client(list_call(&page));
            EXPECT_CODE(o, hub::error::malformed_response);
            EXPECT_HAS(o.what, "GET /tokens/");
            EXPECT_HAS(o.what, b.field);
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });
        }
    }
}
