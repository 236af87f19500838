// The documentation's code, found where readers see it: fenced ```cpp blocks in the READMEs, and
// example blocks in the public headers' comments (lines of `//` followed by four or more spaces).
// Each one must be, line for line, one of the regions of doc_snippets.cpp, which are compiled
// and run; and each region must still be shown somewhere, so none goes stale.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using lines = std::vector<std::string>;

struct snippet {
    std::string where;  // file:line
    lines text;
};

std::string rtrim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

lines dedent(lines in) {
    std::size_t common = std::string::npos;
    for (const auto& l : in)
        if (!l.empty()) common = std::min(common, l.find_first_not_of(' '));
    for (auto& l : in) l = l.empty() ? l : l.substr(common == std::string::npos ? 0 : common);
    return in;
}

lines read_lines(const fs::path& p) {
    std::ifstream in(p);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << p);
    lines out;
    for (std::string l; std::getline(in, l);) out.push_back(rtrim(l));
    return out;
}

std::vector<snippet> markdown_snippets(const fs::path& p) {
    std::vector<snippet> out;
    auto all = read_lines(p);
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto fence = [&](std::size_t k) { return all[k].substr(std::min(all[k].find_first_not_of(' '), all[k].size())); };
        if (fence(i) != "```cpp") continue;  // fences may be indented (in a list item)
        snippet s{p.filename().string() + ":" + std::to_string(i + 1), {}};
        for (++i; i < all.size() && fence(i) != "```"; ++i) s.text.push_back(all[i]);
        s.text = dedent(s.text);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<snippet> header_snippets(const fs::path& p) {
    std::vector<snippet> out;
    auto all = read_lines(p);
    auto is_code = [](const std::string& l) { return l.rfind("//    ", 0) == 0 && l.size() > 6 && l[6] == ' '; };
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!is_code(all[i])) continue;
        snippet s{p.filename().string() + ":" + std::to_string(i + 1), {}};
        for (; i < all.size() && is_code(all[i]); ++i) s.text.push_back(all[i].substr(2));
        s.text = dedent(s.text);
        out.push_back(std::move(s));
    }
    return out;
}

// The regions of doc_snippets.cpp: "// snippet: <name>" ... "// end snippet".
std::vector<snippet> regions() {
    std::vector<snippet> out;
    auto all = read_lines(fs::path(SOURCE_DIR) / "test/docs/doc_snippets.cpp");
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto at = all[i].find("// snippet: ");
        if (at == std::string::npos) continue;
        snippet s{all[i].substr(at + 12), {}};
        for (++i; i < all.size() && all[i].find("// end snippet") == std::string::npos; ++i) s.text.push_back(all[i]);
        s.text = dedent(s.text);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<snippet> documented() {
    std::vector<snippet> out;
    const fs::path root(SOURCE_DIR);
    for (auto md : {"README.md", "tools/README.md"})
        for (auto& s : markdown_snippets(root / md)) out.push_back(std::move(s));
    for (auto dir : {"include/stencila/hub", "emulator/include/stencila/hub"})
        for (const auto& e : fs::directory_iterator(root / dir))
            if (e.path().extension() == ".hpp")
                for (auto& s : header_snippets(e.path())) out.push_back(std::move(s));
    return out;
}

std::string show(const lines& l) {
    std::string s;
    for (const auto& x : l) s += "    " + x + "\n";
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(snippet_coverage)

BOOST_AUTO_TEST_CASE(every_snippet_in_the_docs_is_compiled_and_run) {
    auto compiled = regions();
    auto docs = documented();
    BOOST_TEST(docs.size() >= 5u);
    for (const auto& d : docs) {
        bool found = std::any_of(compiled.begin(), compiled.end(), [&](const snippet& r) { return r.text == d.text; });
        BOOST_TEST(found, d.where << ": this snippet is not a region of test/docs/doc_snippets.cpp:\n" << show(d.text));
    }
}

BOOST_AUTO_TEST_CASE(every_compiled_snippet_is_still_in_the_docs) {
    auto docs = documented();
    for (const auto& r : regions()) {
        bool shown = std::any_of(docs.begin(), docs.end(), [&](const snippet& d) { return r.text == d.text; });
        BOOST_TEST(shown, "the region \"" << r.where << "\" of doc_snippets.cpp is shown nowhere any more:\n"
                                           << show(r.text));
    }
}

BOOST_AUTO_TEST_SUITE_END()
