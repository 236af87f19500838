// HTTP/1.1 message framing (RFC 9112 §6): Content-Length, chunked, close-delimited; and the
// ways a body can be cut short, lie about its length or grow without end.
#include "fixture.hpp"

using namespace hostile_test;
using hostile::answer;
using hostile::ending;

namespace {

struct framing {
    const char* name;
    answer a;
    bool tls = false;
    bool reusable = true;  ///< the connection may carry the next call
};

answer in_pieces(answer a, std::size_t size) {
    std::string all;
    for (const auto& p : a.pieces) all += p;
    a.pieces = hostile::split_every(all, size);
    a.pause = 1ms;
    return a;
}

std::vector<framing> framings() {
    using hostile::send;
    answer cl = send(hostile::with_length(200, token_body));
    answer ch = send(hostile::chunked(200, token_body));
    answer cd = send(hostile::close_delimited(200, token_body), ending::close);
    answer h10 = send(hostile::head(200, hostile::json_type, "HTTP/1.0") + token_body, ending::close);
    answer h10_length = send(hostile::head(200, {{"Content-Type", "application/json"},
                                                  {"Content-Length", std::to_string(token_body.size())}}, "HTTP/1.0") + token_body);
    return {
        {"Content-Length", cl},
        {"chunked with extensions and trailers", ch},
        {"close-delimited", cd, false, false},
        {"HTTP/1.0, close-delimited", h10, false, false},
        {"HTTP/1.0 with Content-Length, not keep-alive", h10_length, false, false},
        {"Content-Length in 3-byte pieces", in_pieces(cl, 3)},
        {"chunked in 2-byte pieces", in_pieces(ch, 2)},
        {"close-delimited in 5-byte pieces", in_pieces(cd, 5), false, false},
        {"TLS, Content-Length", cl, true},
        {"TLS, chunked", ch, true},
        {"TLS, close-delimited ended by close_notify", cd, true, false},
    };
}

}  // namespace

BOOST_AUTO_TEST_CASE(content_length_chunked_and_close_delimited_bodies_give_the_same_answer) {
    std::vector<hub::token> reference;
    std::string reference_cli;
    for (const auto& f : framings()) {
        BOOST_TEST_CONTEXT(f.name) {
            hostile_case c{hostile::always(f.a), {.tls = f.tls}};
            auto cli = c.cli_read({}, {"--json"});
            auto o = c.read(std::nullopt, 2);
            BOOST_TEST(o.ok(), describe(o));
            BOOST_REQUIRE(c.read_tokens.size() == 2u);
            BOOST_TEST(c.read_tokens[0].id == hostile::token_id(5));
            BOOST_TEST(c.read_tokens[0].user == 1);
            BOOST_TEST(c.read_tokens[0].expiry.has_value());
            if (reference.empty()) reference = c.read_tokens;
            BOOST_TEST((c.read_tokens == reference), "parsed differently from a Content-Length body");
            // A connection whose body ended with its close, or that HTTP/1.0 does not keep, is
            // never reused; the others are.
            BOOST_TEST(c.lib.connections() == (f.reusable ? 1u : 2u));
            with_cli(cli, c.keys, [&](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 0, describe(r));
                if (reference_cli.empty()) reference_cli = r.out;
                BOOST_TEST(r.out == reference_cli);
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(close_delimited_body_over_tls_without_close_notify_is_a_truncation_error) {
    // Without close_notify a TCP FIN may come from an attacker: the body may be cut (RFC 8446
    // §6.1), so it must not be taken as whole.
    answer a = hostile::send(hostile::close_delimited(200, token_body), ending::close);
    a.close_notify = false;
    hostile_case c{hostile::always(a), {.tls = true}};
    auto cli = c.cli_read();
    auto o = c.read();
    EXPECT_CODE(o, hub::error::connection_closed);
    BOOST_TEST(c.read_tokens.empty());
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        BOOST_TEST(r.out.empty());
    });
}

BOOST_AUTO_TEST_CASE(bodies_cut_short_are_connection_closed_never_a_shorter_answer) {
    std::string half = token_body.substr(0, token_body.size() / 2);
    std::string cl_head = hostile::head(200, {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(token_body.size())}});
    std::string chunked_cut = hostile::chunked(200, token_body);
    chunked_cut.resize(chunked_cut.find("0;last"));  // every chunk but the last one
    answer tls_cut = hostile::send(cl_head + half, ending::close);
    tls_cut.close_notify = false;
    struct cut {
        const char* name;
        answer a;
        bool tls;
    } cuts[] = {
        {"Content-Length, half the body, then close", hostile::send(cl_head + half, ending::close), false},
        {"chunked without its last chunk, then close", hostile::send(chunked_cut, ending::close), false},
        {"Content-Length over TLS, half the body, then TCP close", tls_cut, true},
        {"Content-Length over TLS, half the body, then close_notify", hostile::send(cl_head + half, ending::close), true},
    };
    for (const auto& k : cuts) {
        BOOST_TEST_CONTEXT(k.name) {
            hostile_case c{hostile::always(k.a), {.tls = k.tls}};
            auto cli = c.cli_read();
            auto o = c.read();
            EXPECT_CODE(o, hub::error::connection_closed);
            EXPECT_HAS(o.what, "GET /tokens/{token}/");
            EXPECT_HAS(o.what, c.lib.host_port());
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });
        }
    }
}

BOOST_AUTO_TEST_CASE(content_length_larger_than_sent_on_an_open_connection_ends_at_the_deadline) {
    std::string h = hostile::head(200, {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(token_body.size() + 100)}});
    hostile_case c{hostile::always(hostile::send(h + token_body))};  // and then nothing, connection open
    auto cli = c.cli_read({"--timeout", "1"});
    auto opts = c.options();
    opts.timeouts.request = 1s;
    auto o = c.read(opts);
    EXPECT_CODE(o, hub::error::request_timeout);
    BOOST_TEST(o.took < 6s);
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 5, describe(r));
        EXPECT_HAS(r.err, "timed out");
    });
}

BOOST_AUTO_TEST_CASE(ambiguous_framing_is_malformed_response_and_not_retried) {
    // RFC 9112 §6.3: differing Content-Length values are an unrecoverable error; so is a length
    // that is not a number.
    auto with_fields = [](std::vector<std::pair<std::string, std::string>> fields) {
        fields.insert(fields.begin(), {"Content-Type", "application/json"});
        return hostile::send(hostile::head(200, fields) + token_body, ending::close);
    };
    auto n = std::to_string(token_body.size());
    struct bad {
        const char* name;
        answer a;
    } cases[] = {
        {"two different Content-Length fields", with_fields({{"Content-Length", n}, {"Content-Length", std::to_string(token_body.size() - 9)}})},
        {"one Content-Length with two different values", with_fields({{"Content-Length", n + ", " + std::to_string(token_body.size() + 9)}})},
        {"a negative Content-Length", with_fields({{"Content-Length", "-" + n}})},
        {"a hexadecimal Content-Length", with_fields({{"Content-Length", "0x20"}})},
        {"a Content-Length with trailing junk", with_fields({{"Content-Length", n + "abc"}})},
        {"a Content-Length past 2^64", with_fields({{"Content-Length", "18446744073709551617"}})},
        {"a chunk size past 2^64", hostile::send(hostile::head(200, {{"Transfer-Encoding", "chunked"}}) +
                                                     "1ffffffffffffffff\r\n" + token_body + "\r\n0\r\n\r\n", ending::close)},
    };
    for (const auto& k : cases) {
        BOOST_TEST_CONTEXT(k.name) {
            hostile_case c{hostile::always(k.a)};
            auto cli = c.cli_read();
            auto o = c.read();
            BOOST_TEST(!o.ok(), "accepted: " << describe(o));
            BOOST_TEST((o.code == error_code(hub::error::malformed_response) || o.code == error_code(hub::error::body_too_large)),
                       describe(o));
            BOOST_TEST(c.lib.request_count() == 1u, "a malformed answer is not worth another try");
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });
        }
    }
}

BOOST_AUTO_TEST_CASE(transfer_encoding_with_content_length_is_chunked_or_an_error_never_the_length) {
    // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length, and such a message "ought to be
    // handled as an error" (smuggling). Either is fine; reading it by its length is not.
    std::string ch = hostile::chunked(200, token_body, 7, {{"Content-Type", "application/json"}, {"Content-Length", "5"}});
    hostile_case c{hostile::always(hostile::send(ch))};
    auto cli = c.cli_read();
    auto o = c.read(std::nullopt, 2);
    if (o.ok()) {
        BOOST_TEST(c.read_tokens.at(0).id == hostile::token_id(5));
        BOOST_TEST(c.read_tokens.at(1).id == hostile::token_id(5));
    } else {
        EXPECT_CODE(o, hub::error::malformed_response);
    }
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST((r.exit_code == 0 || r.exit_code == 5), describe(r));
        if (r.exit_code == 0) EXPECT_HAS(r.out, hostile::token_id(5));
    });
}

BOOST_AUTO_TEST_CASE(answers_that_are_not_http_are_malformed_response) {
    struct garbage {
        const char* name;
        std::string bytes;
        bool may_look_cut = false;  ///< ends before any line does: "closed too soon" is true too
    } cases[] = {
        {"an SSH banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"},
        {"a TLS alert (an https port spoken to in plain text)", std::string("\x15\x03\x01\x00\x02\x02\x46", 7), true},
        {"an HTTP/2 SETTINGS frame", std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9)},
        {"a status code with letters", "HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n"},
        {"an HTML page without a status line", "<html><body>hello</body></html>\r\n\r\n"},
        {"NUL bytes", std::string(64, '\0')},
        {"a header line without a colon", "HTTP/1.1 200 OK\r\nContent-Length 10\r\n\r\n0123456789"},
        {"HTTP/9.9", "HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\n{}"},
        {"HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"},
        {"HTTP/0.9", "HTTP/0.9 200 OK\r\nContent-Length: 2\r\n\r\n{}"},
    };
    for (const auto& g : cases) {
        BOOST_TEST_CONTEXT(g.name) {
            hostile_case c{hostile::always(hostile::send(g.bytes, ending::close))};
            auto cli = c.cli_read();
            auto o = c.read();
            if (g.may_look_cut && o.code == error_code(hub::error::connection_closed)) BOOST_TEST_MESSAGE(g.name << ": " << o.what);
            else EXPECT_CODE(o, hub::error::malformed_response);
            EXPECT_HAS(o.what, "GET /tokens/{token}/");
            EXPECT_HAS(o.what, c.lib.host_port());
            with_cli(cli, c.keys, [](const test::child_result& r) {
                BOOST_TEST(r.exit_code == 5, describe(r));
                BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(headers_past_the_limit_are_header_too_large_even_when_they_never_end) {
    std::string big = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(100 << 10, 'a') + "\r\nContent-Length: 2\r\n\r\n{}";
    answer endless = hostile::send("HTTP/1.1 200 OK\r\n");
    endless.more = [] { return std::optional<std::string>("X-Filler: " + std::string(1000, 'b') + "\r\n"); };
    std::string many = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 20000; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    many += "Content-Length: 2\r\n\r\n{}";
    struct huge {
        const char* name;
        answer a;
    } cases[] = {{"one 100 KiB header line", hostile::send(big)},
                 {"20,000 small header lines", hostile::send(many)},
                 {"header lines that never end", endless}};
    for (const auto& h : cases) {
        BOOST_TEST_CONTEXT(h.name) {
            hostile_case c{hostile::always(h.a)};
            auto cli = c.cli_read();
            auto o = c.read();
            EXPECT_CODE(o, hub::error::header_too_large);
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });
        }
    }
}

BOOST_AUTO_TEST_CASE(bodies_past_max_response_body_are_too_large_declared_or_not) {
    // The library runs with a 1 MiB body limit (64 KiB of header); hub-tokens with the default
    // 8 MiB: each answer passes both.
    const std::string chunk = std::string(64 << 10, ' ');
    auto endless = [&](std::string first) {
        answer a = hostile::send(std::move(first));
        a.more = [&chunk, n = std::size_t{0}]() mutable -> std::optional<std::string> {
            if (++n > 200) return std::nullopt;  // 12.8 MiB, then the server gives up
            char size[16];
            std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
            return std::string(size) + chunk + "\r\n";
        };
        return a;
    };
    answer declared = hostile::send(hostile::head(200, {{"Content-Type", "application/json"}, {"Content-Length", "67108864"}}));
    answer chunked = endless(hostile::head(200, {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}}));
    answer close_delimited = hostile::send(hostile::head(200, hostile::json_type));
    close_delimited.more = [&chunk, n = std::size_t{0}]() mutable -> std::optional<std::string> {
        return ++n > 200 ? std::nullopt : std::optional<std::string>(chunk);
    };
    close_delimited.then = ending::close;
    answer extension = hostile::send(hostile::head(200, {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}}) + "2;x=");
    extension.more = [&chunk, n = std::size_t{0}]() mutable -> std::optional<std::string> {
        return ++n > 200 ? std::nullopt : std::optional<std::string>(chunk);
    };
    answer trailers = hostile::send(hostile::head(200, {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}}) +
                                    "2\r\n{}\r\n0\r\n");
    trailers.more = [n = std::size_t{0}]() mutable -> std::optional<std::string> {
        return ++n > 20000 ? std::nullopt : std::optional<std::string>("X-Trailer: " + std::string(1000, 't') + "\r\n");
    };
    struct huge {
        const char* name;
        answer a;
    } cases[] = {{"a declared 64 MiB body", declared}, {"an endless chunked body", chunked},
                 {"an endless close-delimited body", close_delimited}, {"an endless chunk extension", extension},
                 {"endless trailer fields", trailers}};
    for (const auto& h : cases) {
        BOOST_TEST_CONTEXT(h.name) {
            hostile_case c{hostile::always(h.a)};
            // The server gives up after ~13 MiB and keeps the connection open: a client that does
            // not stop at its limit ends at the deadline instead, having held all of it.
            auto cli = c.cli_read({"--timeout", "2"});
            auto opts = c.options();
            opts.timeouts.request = 2s;
            opts.max_response_body = 1 << 20;
            auto o = c.read(opts);
            BOOST_TEST((o.code == error_code(hub::error::body_too_large) || o.code == error_code(hub::error::header_too_large)),
                       describe(o));
            BOOST_TEST(c.lib.request_count() == 1u, "a body too large is not worth another try");
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 5, describe(r)); });
        }
    }
}

BOOST_AUTO_TEST_CASE(gzip_bombs_stop_at_the_limit_and_invalid_gzip_is_malformed) {
    static const std::string bomb = hostile::gzip(std::string(64u << 20, '0'));  // 64 MiB in ~64 KiB
    const std::string good = hostile::gzip(token_body);
    auto gzipped = [](const std::string& bytes) {
        return hostile::send(hostile::with_length(200, bytes, {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}}));
    };
    struct encoded {
        const char* name;
        answer a;
        std::optional<error_code> expected;  ///< nothing: the answer is read as `token_body`
    } cases[] = {
        {"a valid gzip body", gzipped(good), std::nullopt},
        // RFC 1952 §2.2: a gzip file is a series of members; `gzip -d` reads them all.
        {"a gzip body of two members", gzipped(hostile::gzip(token_body.substr(0, 20)) + hostile::gzip(token_body.substr(20))), std::nullopt},
        {"a gzip bomb of 64 MiB", gzipped(bomb), error_code(hub::error::body_too_large)},
        {"a body that is not gzip", gzipped("this is not gzip at all"), error_code(hub::error::malformed_response)},
        {"a gzip stream cut in half", gzipped(good.substr(0, good.size() / 2)), error_code(hub::error::malformed_response)},
    };
    for (const auto& e : cases) {
        BOOST_TEST_CONTEXT(e.name) {
            hostile_case c{hostile::always(e.a)};
            auto cli = c.cli_read();
            auto o = c.read();
            if (e.expected) {
                EXPECT_CODE(o, *e.expected);
                BOOST_TEST(c.lib.request_count() == 1u);
            } else {
                BOOST_TEST(o.ok(), describe(o));
                BOOST_TEST(c.read_tokens.size() == 1u);
            }
            with_cli(cli, c.keys, [&](const test::child_result& r) { BOOST_TEST(r.exit_code == (e.expected ? 5 : 0), describe(r)); });
        }
    }
}

BOOST_AUTO_TEST_CASE(a_204_with_a_body_does_not_poison_the_next_call_on_the_pool) {
    // RFC 9112 §6.3: a 204 ends at its header, whatever it says; the bytes after it are not the
    // next answer.
    hostile::script s = [](const hostile::request& r) {
        if (r.method == "DELETE")
            return hostile::send(hostile::head(204, {{"Content-Length", "44"}}) +
                                 hostile::with_length(200, R"({"user":666,"id":"poisond","created":"2022-02-01T20:42:43Z"})"));
        return hostile::send(hostile::with_length(200, token_body));
    };
    hostile_case c{s};
    auto cli = c.cli({"delete", c.keys.token});
    std::vector<hub::token> got;
    call remove = remove_call(c.keys.token), read = read_call(c.keys.token, &got);
    call both = [&](hub::client& client) -> asio::awaitable<void> {
        co_await remove(client);
        co_await read(client);
    };
    auto o = c.through_client(both);
    BOOST_TEST(o.ok(), describe(o));
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].id == hostile::token_id(5), "the read got the bytes that followed the 204");
    BOOST_TEST(got[0].user == 1);
    with_cli(cli, c.keys, [&](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 0, describe(r));
        BOOST_TEST(r.out == "deleted token " + c.keys.token.substr(0, 8) + "\n");
    });
}

namespace {

// RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing: read to the
// close, and the connection closed after it, whatever `Connection: keep-alive` says.
const hostile::header_list faulty_1_0{{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"},
                                      {"Connection", "keep-alive"}};

}  // namespace

BOOST_AUTO_TEST_CASE(an_http_1_0_answer_with_transfer_encoding_is_read_to_the_close) {
    // A body a 1.0 hop passed on unchunked: its end is the close.
    answer a = hostile::send(hostile::head(200, faulty_1_0, "HTTP/1.0") + token_body, ending::close);
    hostile_case c{hostile::always(a)};
    auto cli = c.cli_read();
    auto o = c.read(std::nullopt, 2);
    BOOST_TEST(o.ok(), describe(o));
    BOOST_REQUIRE(c.read_tokens.size() == 2u);
    BOOST_TEST(c.read_tokens[1].id == hostile::token_id(5));
    BOOST_TEST(c.lib.connections() == 2u);
    with_cli(cli, c.keys, [](const test::child_result& r) {
        BOOST_TEST(r.exit_code == 0, describe(r));
        EXPECT_HAS(r.out, hostile::token_id(5));
    });
}

BOOST_AUTO_TEST_CASE(a_connection_that_carried_an_http_1_0_answer_with_transfer_encoding_is_never_reused) {
    // No body (a 204), the connection left open and said to be kept: the next call opens another.
    hostile::script s = [](const hostile::request& r) {
        if (r.method == "DELETE") return hostile::send(hostile::head(204, faulty_1_0, "HTTP/1.0"));
        return hostile::send(hostile::with_length(200, token_body));
    };
    hostile_case c{s};
    std::vector<hub::token> got;
    call remove = remove_call(c.keys.token), read = read_call(c.keys.token, &got);
    call both = [&](hub::client& client) -> asio::awaitable<void> {
        co_await remove(client);
        co_await read(client);
    };
    auto o = c.through_client(both);
    BOOST_TEST(o.ok(), describe(o));
    BOOST_TEST(got.size() == 1u);
    auto seen = c.lib.requests();
    BOOST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(seen[1].connection == 2u, "the read went out on the connection of the faulty answer");
    BOOST_TEST(c.lib.connections() == 2u);
}

BOOST_AUTO_TEST_CASE(an_answer_of_a_higher_http_1_minor_version_is_read_as_http_1_1) {
    // RFC 9110 §2.5: a recipient reads a higher minor version as the highest it knows.
    for (std::string version : {"HTTP/1.2", "HTTP/1.9"}) {
        BOOST_TEST_CONTEXT(version) {
            answer a = hostile::send(hostile::head(200, {{"Content-Type", "application/json"},
                                                         {"Content-Length", std::to_string(token_body.size())}}, version) +
                                     token_body);
            hostile_case c{hostile::always(a)};
            auto cli = c.cli_read();
            auto o = c.read(std::nullopt, 2);
            BOOST_TEST(o.ok(), describe(o));
            BOOST_REQUIRE(c.read_tokens.size() == 2u);
            BOOST_TEST(c.read_tokens[0].id == hostile::token_id(5));
            BOOST_TEST(c.lib.connections() == 1u, "kept alive as HTTP/1.1 would be");
            with_cli(cli, c.keys, [](const test::child_result& r) { BOOST_TEST(r.exit_code == 0, describe(r)); });
        }
    }
}
