#include <stencila/hub/models.hpp>

#include <ostream>

namespace stencila::hub {

std::ostream& operator<<(std::ostream& os, const token& t) {
    os << "token{user=" << t.user << ", id=" << t.id << ", created=" << format_datetime(t.created)
       << ", expiry=" << (t.expiry ? format_datetime(*t.expiry) : std::string("null")) << "}";
    return os;
}

std::ostream& operator<<(std::ostream& os, const created_token& t) {
    os << "created_token{token=" << t.token << ", user=" << t.user << ", id=" << t.id
       << ", username=" << t.username << ", first_name=" << t.first_name << ", last_name=" << t.last_name
       << ", created=" << format_datetime(t.created)
       << ", expiry=" << (t.expiry ? format_datetime(*t.expiry) : std::string("null")) << "}";
    return os;
}

}  // namespace stencila::hub
