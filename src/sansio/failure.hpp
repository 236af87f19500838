// The library's `system_error`s: `what()` reads "<context>: <message>[: <detail>]", without the
// "[category:value at file:line]" that Boost.System appends, since users see these texts. The
// context says what the call was doing and where ("GET /tokens/{token}/: connecting to
// hub.example.org"); the detail says more about the problem ("user: expected an integer").
#pragma once

#include <boost/system/system_error.hpp>

#include <string>

namespace stencila::hub::detail {

class failure : public boost::system::system_error {
public:
    failure(boost::system::error_code ec, std::string context, std::string detail = {})
        : boost::system::system_error(ec), context_(std::move(context)), detail_(std::move(detail)),
          text_((context_.empty() ? std::string() : context_ + ": ") + ec.message() +
                (detail_.empty() ? std::string() : ": " + detail_)) {}
    const char* what() const noexcept override { return text_.c_str(); }
    [[nodiscard]] const std::string& context() const noexcept { return context_; }
    [[nodiscard]] const std::string& detail() const noexcept { return detail_; }

private:
    std::string context_;
    std::string detail_;
    std::string text_;
};

}  // namespace stencila::hub::detail
