#include "option_suggestion.h"

#include <algorithm>
#include <set>
#include <vector>

namespace cw::cli {
namespace {

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

void collectOptionNames(const CLI::App& app, std::set<std::string>& names) {
    for (const CLI::Option* option : app.get_options()) {
        for (const std::string& name : option->get_lnames()) names.insert("--" + name);
    }
    for (const CLI::App* sub : app.get_subcommands({})) collectOptionNames(*sub, names);
}

}  // namespace

std::optional<std::pair<std::string, std::string>> suggestOption(const CLI::App& app, int argc,
                                                                 char** argv) {
    std::set<std::string> names;
    collectOptionNames(app, names);
    for (int i = 1; i < argc; ++i) {
        std::string typed = argv[i];
        if (typed.rfind("--", 0) != 0) continue;
        typed = typed.substr(0, typed.find('='));
        if (names.count(typed)) continue;
        std::string best;
        std::size_t bestDistance = 4;
        for (const std::string& name : names) {
            const std::size_t d = editDistance(typed, name);
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        if (!best.empty()) return std::make_pair(typed, best);
    }
    return std::nullopt;
}

}  // namespace cw::cli
