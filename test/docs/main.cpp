// Every code snippet the documentation shows, compiled and run (doc_snippets.cpp), a check that
// the documentation shows nothing else (snippet_coverage.cpp), and the reference manual's
// sections, in order, for every operation (reference_sections.cpp).
#define BOOST_TEST_MODULE doc_snippet_tests
#include <boost/test/unit_test.hpp>
