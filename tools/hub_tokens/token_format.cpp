#include "token_format.hpp"

#include "terminal.hpp"

#include <stencila/hub/datetime.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <sstream>

namespace hub_tokens {

namespace hub = stencila::hub;

std::string table_time(hub::timestamp t) {
    auto seconds = std::chrono::floor<std::chrono::seconds>(t);
    auto text = hub::format_datetime(hub::timestamp{seconds});  // no fraction when it is zero
    return text;
}

std::string format_table(const std::vector<hub::token>& tokens) {
    using row = std::array<std::string, 4>;
    std::vector<row> rows;
    rows.reserve(tokens.size() + 1);
    rows.push_back({"ID", "USER", "CREATED", "EXPIRY"});
    for (const auto& t : tokens)
        rows.push_back({printable(t.id), std::to_string(t.user), table_time(t.created), t.expiry ? table_time(*t.expiry) : "-"});

    std::array<std::size_t, 4> width{};
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());

    std::ostringstream out;
    for (const auto& r : rows) {
        for (std::size_t c = 0; c < r.size(); ++c) {
            out << r[c];
            if (c + 1 < r.size()) out << std::string(width[c] - r[c].size() + 2, ' ');
        }
        out << '\n';
    }
    return out.str();
}

std::string format_details(const hub::token& t) {
    std::ostringstream out;
    out << "id       " << printable(t.id) << '\n'
        << "user     " << t.user << '\n'
        << "created  " << hub::format_datetime(t.created) << '\n'
        << "expiry   " << (t.expiry ? hub::format_datetime(*t.expiry) : std::string("-")) << '\n';
    return out.str();
}

boost::json::value to_json(const hub::token& t) {
    boost::json::object o;
    o["id"] = t.id;
    o["user"] = t.user;
    o["created"] = hub::format_datetime(t.created);
    if (t.expiry) o["expiry"] = hub::format_datetime(*t.expiry);
    else o["expiry"] = nullptr;
    return o;
}

boost::json::value to_json(std::int64_t count, std::int64_t offset, const std::vector<hub::token>& tokens) {
    boost::json::array results;
    results.reserve(tokens.size());
    for (const auto& t : tokens) results.push_back(to_json(t));
    boost::json::object o;
    o["count"] = count;
    o["offset"] = offset;
    o["results"] = std::move(results);
    return o;
}

}  // namespace hub_tokens
