// The library's `system_error`s: `what()` reads "<context>: <message>", without the
// "[category:value at file:line]" that Boost.System appends, since users see these texts.
#pragma once

#include <boost/system/system_error.hpp>

#include <string>

namespace stencila::hub::detail {

class failure : public boost::system::system_error {
public:
    failure(boost::system::error_code ec, const std::string& context)
        : boost::system::system_error(ec, context), text_(context + ": " + ec.message()) {}
    const char* what() const noexcept override { return text_.c_str(); }

private:
    std::string text_;
};

}  // namespace stencila::hub::detail
