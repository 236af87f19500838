#include "token_format.hpp"

#include "terminal.hpp"

#include <stencila/hub/datetime.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <ostream>
#include <sstream>

namespace hub_tokens {

namespace hub = stencila::hub;

std::string table_time(hub::timestamp t) {
    auto seconds = std::chrono::floor<std::chrono::seconds>(t);
    auto text = hub::format_datetime(hub::timestamp{seconds});  // no fraction when it is zero
    return text;
}

table_layout::cells table_layout::cells_of(const hub::token& t) {
    return {printable(t.id), std::to_string(t.user), table_time(t.created), t.expiry ? table_time(*t.expiry) : "-"};
}

table_layout::table_layout(const std::vector<hub::token>& sample) {
    auto fit = [this](const cells& c) {
        for (std::size_t i = 0; i < c.size(); ++i) width_[i] = std::max(width_[i], c[i].size());
    };
    fit({"ID", "USER", "CREATED", "EXPIRY"});
    for (const auto& t : sample) fit(cells_of(t));
}

std::string table_layout::line(const cells& c) const {
    std::string out;
    for (std::size_t i = 0; i < c.size(); ++i) {
        out += c[i];
        if (i + 1 < c.size()) out.append(std::max(width_[i], c[i].size()) - c[i].size() + 2, ' ');
    }
    out += '\n';
    return out;
}

std::string table_layout::header() const { return line({"ID", "USER", "CREATED", "EXPIRY"}); }

std::string table_layout::row(const hub::token& t) const { return line(cells_of(t)); }

std::string format_table(const std::vector<hub::token>& tokens) {
    table_layout layout(tokens);
    auto out = layout.header();
    for (const auto& t : tokens) out += layout.row(t);
    return out;
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

std::string json_text(const boost::json::value& v) {
    // Boost.JSON escapes C0 controls in strings but not DEL or C1; those bytes can only be inside
    // strings (JSON's own syntax is ASCII), where \u00XX means them.
    return escape_controls(boost::json::serialize(v), "\\u00", false);
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

void json_listing_writer::open() {
    if (opened_) return;
    out_ << "{\"offset\":" << offset_ << ",\"results\":[";
    opened_ = true;
}

void json_listing_writer::add(const hub::token& t) {
    open();
    if (!first_) out_ << ',';
    first_ = false;
    out_ << json_text(to_json(t));
}

void json_listing_writer::finish(std::int64_t count) {
    open();
    out_ << "],\"count\":" << count << "}\n";
}

}  // namespace hub_tokens
