// parse_datetime / format_datetime: the Hub's ISO 8601 forms (hub-tokens-api.md §6).
#include <stencila/hub/datetime.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

namespace hub = stencila::hub;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

hub::timestamp at(year_month_day ymd, hours h, minutes m, seconds s, microseconds us = 0us) {
    return hub::timestamp{sys_days{ymd}} + h + m + s + us;
}

// 2022-02-01T20:42:43Z, the contract's example instant.
const hub::timestamp example = at(2022y / 2 / 1, 20h, 42min, 43s);

}  // namespace

BOOST_AUTO_TEST_SUITE(datetime)

BOOST_AUTO_TEST_CASE(datetime_with_six_digit_fraction_parses_to_the_microsecond) {
    auto t = hub::parse_datetime("2022-02-01T20:42:43.123456Z");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example + 123456us));
}

BOOST_AUTO_TEST_CASE(datetime_without_fraction_parses_to_whole_second) {
    auto t = hub::parse_datetime("2022-02-01T20:42:43Z");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example));
}

BOOST_AUTO_TEST_CASE(datetime_with_positive_offset_is_converted_to_utc) {
    auto t = hub::parse_datetime("2022-02-01T22:12:43+01:30");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example));
}

BOOST_AUTO_TEST_CASE(datetime_with_negative_offset_is_converted_to_utc) {
    auto t = hub::parse_datetime("2022-02-01T15:42:43-05:00");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example));
}

BOOST_AUTO_TEST_CASE(datetime_offset_crossing_new_year_moves_the_date) {
    auto t = hub::parse_datetime("2021-12-31T23:30:00-01:00");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == at(2022y / 1 / 1, 0h, 30min, 0s)));
}

BOOST_AUTO_TEST_CASE(datetime_with_zero_offset_equals_z) {
    auto t = hub::parse_datetime("2022-02-01T20:42:43.5+00:00");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example + 500000us));
}

BOOST_AUTO_TEST_CASE(datetime_offset_without_colon_is_accepted) {
    auto t = hub::parse_datetime("2022-02-01T21:42:43+0100");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example));
}

BOOST_AUTO_TEST_CASE(datetime_fraction_of_one_to_nine_digits_is_scaled_to_microseconds) {
    struct { const char* text; microseconds expected; } cases[] = {
        {"2022-02-01T20:42:43.1Z", 100000us},
        {"2022-02-01T20:42:43.12Z", 120000us},
        {"2022-02-01T20:42:43.123Z", 123000us},
        {"2022-02-01T20:42:43.1234Z", 123400us},
        {"2022-02-01T20:42:43.12345Z", 123450us},
        {"2022-02-01T20:42:43.000001Z", 1us},
        {"2022-02-01T20:42:43.1234567Z", 123456us},
        {"2022-02-01T20:42:43.12345678Z", 123456us},
        {"2022-02-01T20:42:43.123456999Z", 123456us},  // truncated, not rounded
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.text) {
            auto t = hub::parse_datetime(c.text);
            BOOST_REQUIRE(t);
            BOOST_TEST((*t - example).count() == c.expected.count());
        }
    }
}

BOOST_AUTO_TEST_CASE(datetime_fraction_of_ten_digits_or_none_is_rejected) {
    BOOST_TEST(!hub::parse_datetime("2022-02-01T20:42:43.1234567890Z"));
    BOOST_TEST(!hub::parse_datetime("2022-02-01T20:42:43.Z"));
}

BOOST_AUTO_TEST_CASE(datetime_lower_case_t_and_z_are_accepted) {
    auto t = hub::parse_datetime("2022-02-01t20:42:43.123456z");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example + 123456us));
}

BOOST_AUTO_TEST_CASE(datetime_space_may_stand_for_t) {
    auto t = hub::parse_datetime("2022-02-01 20:42:43Z");
    BOOST_REQUIRE(t);
    BOOST_TEST((*t == example));
}

BOOST_AUTO_TEST_CASE(datetime_garbage_is_rejected) {
    for (const char* text : {"", "garbage", "2022", "2022-02-01", "2022-02-01T", "2022-02-01T20:42Z",
                             "2022-2-1T20:42:43Z", "22-02-01T20:42:43Z", "2022/02/01T20:42:43Z",
                             "2022-02-01X20:42:43Z", "2022-02-01T20-42-43Z", "2022-02-01T2a:42:43Z",
                             " 2022-02-01T20:42:43Z", "2022-02-01T20:42:43 Z"}) {
        BOOST_TEST_CONTEXT("'" << text << "'") { BOOST_TEST(!hub::parse_datetime(text)); }
    }
}

BOOST_AUTO_TEST_CASE(datetime_without_zone_is_rejected) {
    BOOST_TEST(!hub::parse_datetime("2022-02-01T20:42:43"));
    BOOST_TEST(!hub::parse_datetime("2022-02-01T20:42:43.123456"));
}

BOOST_AUTO_TEST_CASE(datetime_with_incomplete_or_out_of_range_offset_is_rejected) {
    for (const char* text : {"2022-02-01T20:42:43+01", "2022-02-01T20:42:43+1:00", "2022-02-01T20:42:43+01:0",
                             "2022-02-01T20:42:43+24:00", "2022-02-01T20:42:43+01:60", "2022-02-01T20:42:43+",
                             "2022-02-01T20:42:43UTC"}) {
        BOOST_TEST_CONTEXT(text) { BOOST_TEST(!hub::parse_datetime(text)); }
    }
}

BOOST_AUTO_TEST_CASE(datetime_out_of_range_fields_are_rejected) {
    for (const char* text : {"2022-13-01T00:00:00Z", "2022-00-01T00:00:00Z", "2022-01-32T00:00:00Z",
                             "2022-01-00T00:00:00Z", "2022-04-31T00:00:00Z", "2022-02-01T24:00:00Z",
                             "2022-02-01T23:60:00Z", "2022-02-01T23:59:60Z"}) {
        BOOST_TEST_CONTEXT(text) { BOOST_TEST(!hub::parse_datetime(text)); }
    }
}

BOOST_AUTO_TEST_CASE(datetime_feb_29_is_accepted_only_in_leap_years) {
    BOOST_TEST(!hub::parse_datetime("2023-02-29T00:00:00Z"));
    BOOST_TEST(!hub::parse_datetime("1900-02-29T00:00:00Z"));
    auto leap = hub::parse_datetime("2024-02-29T00:00:00Z");
    BOOST_REQUIRE(leap);
    BOOST_TEST((*leap == at(2024y / 2 / 29, 0h, 0min, 0s)));
    BOOST_TEST(hub::parse_datetime("2000-02-29T12:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(datetime_with_trailing_junk_is_rejected) {
    for (const char* text : {"2022-02-01T20:42:43Zjunk", "2022-02-01T20:42:43Z ", "2022-02-01T20:42:43+01:00x",
                             "2022-02-01T20:42:43.123456ZZ", "2022-02-01T20:42:43+01:00:00"}) {
        BOOST_TEST_CONTEXT(text) { BOOST_TEST(!hub::parse_datetime(text)); }
    }
}

BOOST_AUTO_TEST_CASE(format_datetime_omits_a_zero_fraction) {
    BOOST_TEST(hub::format_datetime(example) == "2022-02-01T20:42:43Z");
}

BOOST_AUTO_TEST_CASE(format_datetime_pads_the_fraction_to_six_digits) {
    BOOST_TEST(hub::format_datetime(example + 123456us) == "2022-02-01T20:42:43.123456Z");
    BOOST_TEST(hub::format_datetime(example + 5us) == "2022-02-01T20:42:43.000005Z");
    BOOST_TEST(hub::format_datetime(example + 500000us) == "2022-02-01T20:42:43.500000Z");
}

BOOST_AUTO_TEST_CASE(format_datetime_pads_date_and_time_fields) {
    BOOST_TEST(hub::format_datetime(at(2026y / 1 / 2, 3h, 4min, 5s)) == "2026-01-02T03:04:05Z");
}

BOOST_AUTO_TEST_CASE(format_datetime_before_the_epoch_is_correct) {
    BOOST_TEST(hub::format_datetime(at(1969y / 12 / 31, 23h, 59min, 59s, 250000us)) ==
               "1969-12-31T23:59:59.250000Z");
}

BOOST_AUTO_TEST_CASE(hub_strings_round_trip_through_parse_and_format) {
    for (const char* text : {"2022-02-01T20:42:43.123456Z", "2022-02-01T20:42:43Z", "2026-11-27T22:03:37.713379Z",
                             "2024-02-29T00:00:00.000001Z", "1999-12-31T23:59:59.999999Z"}) {
        BOOST_TEST_CONTEXT(text) {
            auto t = hub::parse_datetime(text);
            BOOST_REQUIRE(t);
            BOOST_TEST(hub::format_datetime(*t) == text);
            BOOST_TEST((hub::parse_datetime(hub::format_datetime(*t)) == t));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
