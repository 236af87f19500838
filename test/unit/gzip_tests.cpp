// gunzip (src/sansio/gzip.cpp): what the Hub's front compresses comes back whole; truncated, foreign
// and oversized streams fail with the documented codes.
#include "sansio/gzip.hpp"

#include <stencila/hub/error.hpp>

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hub = stencila::hub;
namespace detail = stencila::hub::detail;

namespace {

// gzip framing (windowBits 16 + MAX_WBITS), as an HTTP front sends with `Content-Encoding: gzip`.
std::string compress_gzip(std::string_view in, int level = Z_DEFAULT_COMPRESSION) {
    z_stream z{};
    BOOST_REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    deflateEnd(&z);
    BOOST_REQUIRE(rc == Z_STREAM_END);
    out.resize(z.total_out);
    return out;
}

// A list page as the Hub writes it, repeated to about `size` bytes.
std::string json_like(std::size_t size) {
    std::string s = R"({"count":100000,"next":null,"previous":null,"results":[)";
    for (std::size_t i = 0; s.size() < size; ++i) {
        if (i) s += ',';
        s += R"({"user":1,"id":")" + std::to_string(10000000 + i) +
             R"(","created":"2026-11-27T22:03:37.713379Z","expiry":"2026-12-04T22:03:37.717850Z"})";
    }
    s += "]}";
    return s;
}

// Bytes a compressor cannot shrink much (a linear congruential sequence).
std::string noise(std::size_t size) {
    std::string s(size, '\0');
    std::uint32_t x = 12345;
    for (auto& c : s) {
        x = x * 1664525u + 1013904223u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

constexpr std::size_t no_limit = 64u << 20;

}  // namespace

BOOST_AUTO_TEST_SUITE(gzip)

BOOST_AUTO_TEST_CASE(gunzip_round_trips_a_small_body) {
    const std::string body = R"({"count":0,"next":null,"previous":null,"results":[]})";
    std::string out = "left over from before";
    auto ec = detail::gunzip(compress_gzip(body), out, no_limit);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(out == body);
}

BOOST_AUTO_TEST_CASE(gunzip_round_trips_a_one_byte_and_an_empty_body) {
    std::string out;
    auto ec = detail::gunzip(compress_gzip("x"), out, no_limit);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(out == "x");

    out = "stale";
    ec = detail::gunzip(compress_gzip(""), out, no_limit);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(gunzip_round_trips_a_one_megabyte_json_body) {
    const std::string body = json_like(1u << 20);
    const std::string packed = compress_gzip(body);
    BOOST_TEST(packed.size() < body.size() / 4);  // it compresses a lot: many output chunks per input
    std::string out;
    auto ec = detail::gunzip(packed, out, no_limit);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(out.size() == body.size());
    BOOST_TEST((out == body));
}

BOOST_AUTO_TEST_CASE(gunzip_round_trips_a_one_megabyte_incompressible_body) {
    const std::string body = noise(1u << 20);
    std::string out;
    auto ec = detail::gunzip(compress_gzip(body, Z_BEST_SPEED), out, no_limit);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST((out == body));
}

BOOST_AUTO_TEST_CASE(gunzip_accepts_a_body_exactly_at_the_limit) {
    const std::string body = json_like(100'000);
    std::string out;
    auto ec = detail::gunzip(compress_gzip(body), out, body.size());
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST((out == body));
}

BOOST_AUTO_TEST_CASE(gunzip_of_a_truncated_stream_is_malformed) {
    const std::string packed = compress_gzip(json_like(200'000));
    for (std::size_t cut : {std::size_t{1}, std::size_t{4}, std::size_t{8}, packed.size() / 2}) {
        BOOST_TEST_CONTEXT("cut " << cut << " of " << packed.size() << " bytes") {
            std::string out;
            auto ec = detail::gunzip(std::string_view(packed).substr(0, packed.size() - cut), out, no_limit);
            BOOST_TEST((ec == make_error_code(hub::error::malformed_response)), ec.message());
        }
    }
}

BOOST_AUTO_TEST_CASE(gunzip_of_a_stream_cut_after_its_header_is_malformed) {
    const std::string packed = compress_gzip("hello");
    std::string out;
    auto ec = detail::gunzip(std::string_view(packed).substr(0, 10), out, no_limit);
    BOOST_TEST((ec == make_error_code(hub::error::malformed_response)), ec.message());
}

BOOST_AUTO_TEST_CASE(gunzip_of_a_corrupted_checksum_is_malformed) {
    std::string packed = compress_gzip("some body worth checking");
    packed[packed.size() - 6] ^= 0x5a;  // inside the CRC-32 trailer
    std::string out;
    auto ec = detail::gunzip(packed, out, no_limit);
    BOOST_TEST((ec == make_error_code(hub::error::malformed_response)), ec.message());
}

BOOST_AUTO_TEST_CASE(gunzip_of_garbage_is_malformed) {
    for (std::string garbage : {std::string("not gzip at all"), std::string(R"({"count":0})"), noise(4096),
                                std::string("\x1f\x8b\x08\x00garbage-after-magic", 23)}) {
        std::string out;
        auto ec = detail::gunzip(garbage, out, no_limit);
        BOOST_TEST((ec == make_error_code(hub::error::malformed_response)), ec.message());
    }
}

BOOST_AUTO_TEST_CASE(gunzip_of_a_raw_zlib_stream_is_malformed) {
    // compress2 writes zlib framing, not gzip: not what `Content-Encoding: gzip` promises.
    const std::string body = "a zlib stream, not a gzip one";
    uLongf size = compressBound(static_cast<uLong>(body.size()));
    std::string packed(size, '\0');
    BOOST_REQUIRE(compress2(reinterpret_cast<Bytef*>(packed.data()), &size,
                            reinterpret_cast<const Bytef*>(body.data()), static_cast<uLong>(body.size()),
                            Z_DEFAULT_COMPRESSION) == Z_OK);
    packed.resize(size);
    std::string out;
    auto ec = detail::gunzip(packed, out, no_limit);
    BOOST_TEST((ec == make_error_code(hub::error::malformed_response)), ec.message());
}

BOOST_AUTO_TEST_CASE(gunzip_of_empty_input_is_malformed) {
    std::string out;
    auto ec = detail::gunzip("", out, no_limit);
    BOOST_TEST((ec == make_error_code(hub::error::malformed_response)), ec.message());
}

BOOST_AUTO_TEST_CASE(gunzip_past_the_limit_is_body_too_large) {
    const std::string body = json_like(1u << 20);
    const std::string packed = compress_gzip(body);
    for (std::size_t limit : {std::size_t{1}, std::size_t{1000}, std::size_t{65'536}, body.size() - 1}) {
        BOOST_TEST_CONTEXT("limit " << limit) {
            std::string out;
            auto ec = detail::gunzip(packed, out, limit);
            BOOST_TEST((ec == make_error_code(hub::error::body_too_large)), ec.message());
            BOOST_TEST(out.size() <= limit);  // memory stays bounded by the limit
        }
    }
}

BOOST_AUTO_TEST_CASE(gunzip_with_zero_limit_of_a_nonempty_body_is_body_too_large) {
    std::string out;
    auto ec = detail::gunzip(compress_gzip("x"), out, 0);
    BOOST_TEST((ec == make_error_code(hub::error::body_too_large)), ec.message());
}

BOOST_AUTO_TEST_SUITE_END()
