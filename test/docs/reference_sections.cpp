// The reference manual's promise, checked on the headers themselves (no Doxygen needed): every
// operation of tokens_api and of the walks is documented with the same sections, in the same
// order. Doxygen's own warnings (scripts/docs) catch an undocumented declaration or parameter,
// not a missing or misplaced section. The sections the Doxyfile's aliases write are expanded
// here as Doxygen expands them, so an operation that uses `\hubop_common` is read as it renders.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> expected_sections{"Sends",  "Completion", "Executor",      "Cancellation",
                                                 "Errors", "Deadline",   "Thread-safety", "Lifetimes"};

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct alias {
    int arity = 0;
    std::string text;
};

// ALIASES = "name=text" "name{2}=text with \1 and \2" ..., one quoted entry per line.
std::map<std::string, alias> doxyfile_aliases() {
    std::map<std::string, alias> out;
    std::istringstream in(read_file(fs::path(SOURCE_DIR) / "docs/manual/Doxyfile"));
    const std::regex entry(R"re("([A-Za-z_]+)(?:\{([0-9])\})?=([^"]*)")re");
    bool in_aliases = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("ALIASES", 0) == 0) in_aliases = true;
        else if (!line.empty() && line[0] != ' ') in_aliases = false;
        std::smatch m;
        if (in_aliases && std::regex_search(line, m, entry))
            out[m[1]] = alias{m[2].matched ? std::stoi(m[2]) : 0, m[3]};
    }
    return out;
}

// Splits "a\, b,c" at the unescaped commas, as Doxygen reads an alias's arguments. An escaped
// comma stays escaped, as in Doxygen, so an argument passed on to another alias stays whole.
std::vector<std::string> alias_arguments(const std::string& s) {
    std::vector<std::string> args{""};
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == ',') args.back() += s.substr(i++, 2);
        else if (s[i] == ',') args.emplace_back();
        else args.back() += s[i];
    }
    return args;
}

// Expands every `\name` and `\name{args}` of ours (hubop_*, hubwalk_*), recursively; `^^` is a
// line break. An alias the Doxyfile does not define fails the test.
std::string expand(const std::string& text, const std::map<std::string, alias>& aliases, int depth = 0) {
    BOOST_REQUIRE_MESSAGE(depth < 10, "the aliases expand without end");
    static const std::regex use(R"re(\\(hub(?:op|walk)_[A-Za-z_]+)(?:\{((?:[^{}\\]|\\.)*)\})?)re");
    std::string out;
    auto begin = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), use), end; it != end; ++it) {
        const auto& m = *it;
        out.append(begin, m[0].first);
        begin = m[0].second;
        auto found = aliases.find(m[1]);
        BOOST_REQUIRE_MESSAGE(found != aliases.end(), "\\" << m[1] << " is not an alias of docs/manual/Doxyfile");
        auto body = found->second.text;
        auto args = m[2].matched ? alias_arguments(m[2]) : std::vector<std::string>{};
        BOOST_REQUIRE_MESSAGE(static_cast<int>(args.size()) == found->second.arity,
                              "\\" << m[1] << " takes " << found->second.arity << " arguments");
        for (std::size_t a = 0; a < args.size(); ++a)
            for (std::size_t at; (at = body.find("\\" + std::to_string(a + 1))) != std::string::npos;)
                body.replace(at, 2, args[a]);
        out += expand(body, aliases, depth + 1);
    }
    out.append(begin, text.cend());
    for (std::size_t at; (at = out.find("^^")) != std::string::npos;) out.replace(at, 2, "\n");
    if (depth == 0)
        for (std::size_t at; (at = out.find("\\,")) != std::string::npos;) out.replace(at, 2, ",");
    return out;
}

struct documented_operation {
    std::string where;        // header:line of the declaration
    std::string declaration;  // its first line
    std::string comment;      // the `///` block before it, without the slashes
};

// Each `///` block followed by a declaration of one of `names` (past `template` and `requires`
// lines).
std::vector<documented_operation> operations(const std::string& header, const std::regex& names) {
    std::vector<documented_operation> out;
    std::istringstream in(read_file(fs::path(SOURCE_DIR) / "include/stencila/hub" / header));
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    const std::regex doc_line(R"(^\s*/// ?(.*)$)");
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::smatch m;
        if (!std::regex_match(lines[i], m, doc_line)) continue;
        documented_operation op;
        for (; i < lines.size() && std::regex_match(lines[i], m, doc_line); ++i) op.comment += m[1].str() + "\n";
        while (i < lines.size() && (lines[i].find("template <") != std::string::npos ||
                                    lines[i].find("requires(") != std::string::npos || lines[i].find("!std::") != std::string::npos))
            ++i;
        if (i < lines.size() && std::regex_search(lines[i], names)) {
            op.where = header + ":" + std::to_string(i + 1);
            op.declaration = lines[i];
            out.push_back(std::move(op));
        }
    }
    return out;
}

std::vector<std::string> section_titles(const std::string& expanded) {
    std::vector<std::string> titles;
    std::istringstream in(expanded);
    const std::regex par(R"(^\s*@par\s+(.+?)\s*$)");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, par)) titles.push_back(m[1]);
    }
    return titles;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

void check_sections(const std::vector<documented_operation>& ops) {
    const auto aliases = doxyfile_aliases();
    for (const auto& op : ops) {
        auto titles = section_titles(expand(op.comment, aliases));
        BOOST_TEST(titles == expected_sections, op.where << ": `" << op.declaration << "` has the sections ["
                                                        << joined(titles) << "], not [" << joined(expected_sections)
                                                        << "]");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reference_sections)

BOOST_AUTO_TEST_CASE(every_tokens_api_operation_has_the_eight_sections_in_order) {
    auto ops = operations("tokens_api.hpp", std::regex(R"(\b(create|list|read|remove|remove_many|with|pages|all)\()"));
    // create x3, list, read, remove, with, pages, all, remove_many; 13 completion-token overloads.
    BOOST_TEST(ops.size() >= 23u);
    check_sections(ops);
}

BOOST_AUTO_TEST_CASE(every_walk_operation_has_the_eight_sections_in_order) {
    auto ops = operations("paging.hpp", std::regex(R"(\b(next|collect|begin)\()"));
    // page_range::next x3, token_range::next x3, collect, begin.
    BOOST_TEST(ops.size() >= 8u);
    check_sections(ops);
}

BOOST_AUTO_TEST_CASE(an_operation_missing_a_section_is_caught) {
    // The check itself: a block that leaves out Deadline (or puts Errors after it) is not the
    // expected list, once the aliases are expanded.
    const auto aliases = doxyfile_aliases();
    auto missing = section_titles(expand("@par Sends\nx\n\\hubop_token{int}\n\\hubop_running\n@par Errors\nx\n"
                                         "\\hubop_threads\n\\hubop_lifetimes\n",
                                         aliases));
    BOOST_TEST(missing.size() == 7u);
    BOOST_TEST(missing != expected_sections);
    auto whole = section_titles(expand("@par Sends\nx\n\\hubop_token{int}\n\\hubop_running\n@par Errors\nx\n\\hubop_common\n", aliases));
    BOOST_TEST(whole == expected_sections);
}

BOOST_AUTO_TEST_SUITE_END()
