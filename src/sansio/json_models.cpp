#include "sansio/json_models.hpp"

#include "sansio/failure.hpp"

#include <stencila/hub/error.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include <cstdint>
#include <optional>

namespace stencila::hub::detail {
namespace json = boost::json;
using boost::system::error_code;
namespace {

// Answers are parsed straight into the models by a Boost.JSON SAX handler: no DOM is built, each
// value is checked and stored as it goes by. The handler knows the three shapes (a token, a
// created token, a page of tokens); keys it does not know are skipped with everything under them.
// It never throws: the first problem is kept, and reported once the parser has said whether the
// body is JSON at all (so invalid JSON is always "not valid JSON", as a DOM parse would say).
enum class shape { token, created, page };

// Keys the models read. Names: camelCase as the Hub sends them, or snake_case.
enum class key : std::uint8_t {
    other, count, next, previous, results, user, id, created, expiry, token, username,
    first_camel, first_snake, last_camel, last_snake
};

key root_key(shape s, std::string_view k) noexcept;
key item_key(std::string_view k) noexcept;

class model_handler {
public:
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

    model_handler(shape s, token_page* page, token* one, created_token* created)
        : shape_(s), page_(page), one_(one), created_(created) {}

    // The first problem found, if any.
    std::optional<std::string> problem;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }
    bool on_number_part(json::string_view, error_code&) { return true; }

    bool on_object_begin(error_code&) {
        if (enter_container()) return true;
        if (depth_ == 0) {  // the root
            depth_ = 1;
            return true;
        }
        if (in_results()) {  // an item of `results`
            depth_ = 3;
            item_ = &page_->results.emplace_back();
            seen_item_ = 0;
            return true;
        }
        return type_error(), skip(), true;
    }
    bool on_object_end(std::size_t, error_code&) {
        if (leave_container()) return true;
        if (depth_ == 3) {
            check_token(seen_item_);
            depth_ = 2;
            cur_ = key::other;
        } else if (depth_ == 1) {
            finish_root();
            depth_ = 0;
        }
        return true;
    }
    bool on_array_begin(error_code&) {
        if (enter_container()) return true;
        if (depth_ == 1 && cur_ == key::results) {
            depth_ = 2;
            seen_root_ |= bit(key::results);
            return true;
        }
        return type_error(), skip(), true;
    }
    bool on_array_end(std::size_t, error_code&) {
        if (leave_container()) return true;
        depth_ = 1;  // only `results` is entered
        cur_ = key::other;
        return true;
    }

    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        if (skipping()) return true;
        text_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code&) {
        if (skipping()) return true;
        std::string_view k(s.data(), s.size());
        if (!text_.empty()) {
            text_.append(k);
            k = text_;
        }
        cur_ = depth_ == 3 ? item_key(k) : root_key(shape_, k);
        text_.clear();
        // A key given twice: parsers disagree on which value counts (RFC 8259 §4), so neither does.
        if (cur_ != key::other && ((depth_ == 3 ? seen_item_ : seen_root_) & bit(cur_)))
            fail(std::string(key_name(cur_)) + ": given twice");
        return true;
    }

    bool on_string_part(json::string_view s, std::size_t, error_code&) {
        if (skipping() || cur_ == key::other) return true;
        text_.append(s.data(), s.size());
        return true;
    }
    bool on_string(json::string_view s, std::size_t, error_code&) {
        if (skipping()) return true;
        if (depth_ == 0 || in_results()) return type_error(), true;  // a string as the body, or as an item
        std::string_view v(s.data(), s.size());
        if (!text_.empty()) {
            text_.append(v);
            v = text_;
        }
        on_text(v);
        text_.clear();
        return true;
    }

    bool on_int64(std::int64_t i, json::string_view, error_code&) {
        if (skipping()) return true;
        if (cur_ == key::count && i >= 0) {
            page_->count = i;
            seen_root_ |= bit(key::count);
        } else if (cur_ == key::user) {
            current_token().user = i;
            mark(key::user);
        } else {
            on_scalar();
        }
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view s, error_code& ec) {
        if (u <= static_cast<std::uint64_t>(INT64_MAX)) return on_int64(static_cast<std::int64_t>(u), s, ec);
        if (!skipping()) on_scalar();
        return true;
    }
    bool on_double(double, json::string_view, error_code&) {
        if (!skipping()) on_scalar();
        return true;
    }
    bool on_bool(bool, error_code&) {
        if (!skipping()) on_scalar();
        return true;
    }
    bool on_null(error_code&) {
        if (skipping()) return true;
        switch (cur_) {
            case key::next: page_->next.reset(); break;
            case key::previous: page_->previous.reset(); break;
            case key::expiry: current_token().expiry.reset(); break;
            case key::first_camel: first_.set({}); break;
            case key::first_snake: first_snake_.set({}); break;
            case key::last_camel: last_.set({}); break;
            case key::last_snake: last_snake_.set({}); break;
            default: on_scalar(); return true;
        }
        mark(cur_);
        return true;
    }

private:
    // A name as given under one spelling (missing and null both read as "").
    struct name_value {
        bool given = false;
        std::string value;
        void set(std::string_view v) {
            given = true;
            value.assign(v);
        }
    };

    static constexpr std::uint32_t bit(key k) noexcept { return 1u << static_cast<unsigned>(k); }

    // Containers under a skipped value only count their depth.
    [[nodiscard]] bool skipping() const noexcept { return skip_ > 0 || problem.has_value(); }
    bool enter_container() noexcept {
        if (!skipping()) return false;
        if (skip_ > 0) ++skip_;
        return true;
    }
    bool leave_container() noexcept {
        if (!skipping()) return false;
        if (skip_ > 0) --skip_;
        return true;
    }
    void skip() noexcept {
        if (!problem) skip_ = 1;
        cur_ = key::other;
    }

    [[nodiscard]] bool in_results() const noexcept { return depth_ == 2; }
    token& current_token() noexcept { return depth_ == 3 ? *item_ : *one_; }
    void mark(key k) noexcept {
        if (depth_ == 3) seen_item_ |= bit(k);
        else seen_root_ |= bit(k);
        cur_ = key::other;
    }

    // "<field>: <what is wrong>", the field as a path: "user", "results[3].created".
    void fail(std::string message) {
        if (problem) return;
        if (depth_ >= 2 && page_) {
            auto index = page_->results.size() - (depth_ == 3 ? 1 : 0);
            problem = "results[" + std::to_string(index) + "]" + (message.front() == ':' ? "" : ".") + std::move(message);
        } else {
            problem = std::move(message);
        }
    }

    // A value of the wrong type for the key it is under (or an item of `results` not an object).
    void type_error() {
        if (depth_ == 0) return fail("expected a JSON object, not this body");
        if (in_results()) return fail(": expected an object");
        switch (cur_) {
            case key::other: return;
            case key::count: return fail("count: expected a non-negative integer");
            case key::results: return fail("results: expected an array");
            case key::user: return fail("user: expected an integer");
            case key::first_camel:
            case key::first_snake: return fail("firstName: expected a string");
            case key::last_camel:
            case key::last_snake: return fail("lastName: expected a string");
            default: return fail(std::string(key_name(cur_)) + ": expected a string");
        }
    }
    void on_scalar() {
        type_error();
        cur_ = key::other;
    }

    static std::string_view key_name(key k) noexcept {
        switch (k) {
            case key::next: return "next";
            case key::previous: return "previous";
            case key::id: return "id";
            case key::created: return "created";
            case key::expiry: return "expiry";
            case key::token: return "token";
            case key::username: return "username";
            case key::count: return "count";
            case key::results: return "results";
            case key::user: return "user";
            case key::first_camel: return "firstName";
            case key::first_snake: return "first_name";
            case key::last_camel: return "lastName";
            case key::last_snake: return "last_name";
            default: return "?";
        }
    }

    void on_text(std::string_view v) {
        switch (cur_) {
            case key::other: break;
            case key::next: page_->next.emplace(v); break;
            case key::previous: page_->previous.emplace(v); break;
            case key::id: current_token().id.assign(v); break;
            case key::created:
            case key::expiry: {
                auto t = parse_datetime(v);
                if (!t) return fail(std::string(key_name(cur_)) + ": expected a date-time");
                if (cur_ == key::created) current_token().created = *t;
                else current_token().expiry = *t;
                break;
            }
            case key::token: created_->token = secret{std::string(v)}; break;
            case key::username: created_->username.assign(v); break;
            case key::first_camel: first_.set(v); break;
            case key::first_snake: first_snake_.set(v); break;
            case key::last_camel: last_.set(v); break;
            case key::last_snake: last_snake_.set(v); break;
            default: return on_scalar();  // count, results, user
        }
        mark(cur_);
    }

    void check_token(std::uint32_t seen) {
        if (!(seen & bit(key::user))) return fail("user: missing");
        if (!(seen & bit(key::id))) return fail("id: missing");
        if (!(seen & bit(key::created))) return fail("created: missing");
    }

    void finish_root() {
        switch (shape_) {
            case shape::page:
                if (!(seen_root_ & bit(key::count))) return fail("count: missing");
                if (!(seen_root_ & bit(key::results))) return fail("results: missing");
                return;
            case shape::token: return check_token(seen_root_);
            case shape::created:
                check_token(seen_root_);
                if (!(seen_root_ & bit(key::token))) return fail("token: missing");
                if (created_->token.empty()) return fail("token: empty");
                if (!(seen_root_ & bit(key::username))) return fail("username: missing");
                created_->first_name = std::move(first_.given ? first_.value : first_snake_.value);
                created_->last_name = std::move(last_.given ? last_.value : last_snake_.value);
                return;
        }
    }

    const shape shape_;
    token_page* const page_;
    token* const one_;
    created_token* const created_;
    token* item_ = nullptr;        // the item of `results` being read
    int depth_ = 0;                // 0 before the root, 1 in it, 2 in `results`, 3 in an item
    std::size_t skip_ = 0;         // > 0: inside a value nobody reads, this many levels deep
    key cur_ = key::other;         // what the next value is for
    std::uint32_t seen_root_ = 0;  // keys read at the root
    std::uint32_t seen_item_ = 0;  // keys read in the current item
    std::string text_;             // a key or string that came in parts
    name_value first_, first_snake_, last_, last_snake_;
};

key root_key(shape s, std::string_view k) noexcept {
    if (s == shape::page) {
        if (k == "count") return key::count;
        if (k == "results") return key::results;
        if (k == "next") return key::next;
        if (k == "previous") return key::previous;
        return key::other;
    }
    auto common = item_key(k);
    if (common != key::other || s == shape::token) return common;
    if (k == "token") return key::token;
    if (k == "username") return key::username;
    if (k == "firstName") return key::first_camel;
    if (k == "first_name") return key::first_snake;
    if (k == "lastName") return key::last_camel;
    if (k == "last_name") return key::last_snake;
    return key::other;
}

key item_key(std::string_view k) noexcept {
    switch (k.size()) {
        case 2: return k == "id" ? key::id : key::other;
        case 4: return k == "user" ? key::user : key::other;
        case 6: return k == "expiry" ? key::expiry : key::other;
        case 7: return k == "created" ? key::created : key::other;
        default: return key::other;
    }
}

[[noreturn]] void malformed(const std::string& what) {
    throw detail::failure(make_error_code(error::malformed_response), {}, what);
}

void parse_into(std::string_view body, shape s, token_page* page, token* one, created_token* created) {
    json::basic_parser<model_handler> parser(json::parse_options{}, s, page, one, created);
    error_code ec;
    auto n = parser.write_some(false, body.data(), body.size(), ec);
    if (ec || n != body.size()) malformed("not valid JSON");
    if (auto& problem = parser.handler().problem) malformed(*problem);
}

}  // namespace

token parse_token(std::string_view body) {
    token t;
    parse_into(body, shape::token, nullptr, &t, nullptr);
    return t;
}

created_token parse_created_token(std::string_view body) {
    created_token t;
    parse_into(body, shape::created, nullptr, &t, &t);
    return t;
}

token_page parse_token_page(std::string_view body) {
    token_page page;
    page.results.reserve(std::min<std::size_t>(body.size() / 100, 1u << 16));  // ~110 bytes a token
    parse_into(body, shape::page, &page, nullptr, nullptr);
    return page;
}

std::string create_body(const password_credentials& c) {
    json::object o;
    o["username"] = c.username;
    o["password"] = c.password.reveal();
    return json::serialize(o);
}

std::string create_body(const openid_credentials& c) {
    json::object o;
    o["openid"] = c.jwt.reveal();
    return json::serialize(o);
}

}  // namespace stencila::hub::detail
