// parse_datetime and format_datetime agree at the edges of the four-digit years: whatever parses
// formats to text that parses back to the same instant (found by test/fuzz/fuzz_datetime).
#include <stencila/hub/datetime.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace hub = stencila::hub;

BOOST_AUTO_TEST_SUITE(datetime_round_trip)

BOOST_AUTO_TEST_CASE(parsed_datetimes_format_to_text_that_parses_back) {
    for (const char* text : {"2026-11-27T22:03:37.713379Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
                             "0000-01-01T00:00:00Z", "9999-12-31T20:42:43.1-05:00", "0000-01-01T00:30:00+01:00"}) {
        BOOST_TEST_CONTEXT(text) {
            auto t = hub::parse_datetime(text);
            if (!t) continue;  // rejecting an instant outside the four-digit years is fine too
            auto formatted = hub::format_datetime(*t);
            auto again = hub::parse_datetime(formatted);
            BOOST_TEST(again.has_value(), "'" << formatted << "' does not parse");
            if (again) BOOST_TEST((*again == *t));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
