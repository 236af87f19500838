// Predicates for BOOST_CHECK_EXCEPTION: "threw system_error with this code".
#pragma once

#include <stencila/hub/error.hpp>

#include <boost/system/system_error.hpp>

namespace unit {

inline auto has_code(stencila::hub::error e) {
    return [e](const boost::system::system_error& x) { return x.code() == make_error_code(e); };
}

inline auto has_code(boost::system::error_code ec) {
    return [ec](const boost::system::system_error& x) { return x.code() == ec; };
}

}  // namespace unit
