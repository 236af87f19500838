// Boost.JSON compiled into the fuzz targets from its header-only source, so the parser is built
// with the same sanitizers and coverage instrumentation as the code under test.
#include <boost/json/src.hpp>
