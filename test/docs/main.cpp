// Every code snippet the documentation shows, compiled and run (doc_snippets.cpp), and a check that
// the documentation shows nothing else (snippet_coverage.cpp).
#define BOOST_TEST_MODULE doc_snippet_tests
#include <boost/test/unit_test.hpp>
