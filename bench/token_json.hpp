// The baselines' JSON mapping: the same work the library does per answer (Boost.JSON parse into
// a DOM on a stack-backed monotonic resource, then the fields into `hub::token`, date-times
// through hub::parse_datetime), so that only the HTTP/TLS machinery differs.
#pragma once

#include <stencila/hub/datetime.hpp>
#include <stencila/hub/models.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <stdexcept>
#include <string_view>

namespace bench {

inline stencila::hub::token token_from(const boost::json::object& o) {
    stencila::hub::token t;
    t.user = o.at("user").as_int64();
    t.id = std::string(o.at("id").as_string());
    auto created = stencila::hub::parse_datetime(o.at("created").as_string());
    if (!created) throw std::runtime_error("bad created");
    t.created = *created;
    if (const auto* e = o.if_contains("expiry"); e && !e->is_null()) t.expiry = stencila::hub::parse_datetime(e->as_string());
    return t;
}

/// GET /tokens/{token}/ answer.
inline stencila::hub::token parse_token(std::string_view body) {
    unsigned char buf[2048];
    boost::json::monotonic_resource mr(buf, sizeof buf);
    auto v = boost::json::parse(body, &mr);
    return token_from(v.as_object());
}

/// GET /tokens/ answer: the page, its tokens mapped.
inline stencila::hub::token_page parse_page(std::string_view body) {
    boost::json::monotonic_resource mr;
    auto v = boost::json::parse(body, &mr);
    const auto& o = v.as_object();
    stencila::hub::token_page page;
    page.count = o.at("count").as_int64();
    if (const auto& n = o.at("next"); n.is_string()) page.next = std::string(n.get_string());
    const auto& results = o.at("results").as_array();
    page.results.reserve(results.size());
    for (const auto& item : results) page.results.push_back(token_from(item.as_object()));
    return page;
}

}  // namespace bench
