#include "ecd/pick_text.h"

#include <cctype>
#include <vector>

#include "core/error.h"
#include "core/integer_text.h"

namespace cw {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string current;
    for (char c : text) {
        if (c == separator) {
            parts.push_back(current);
            current.clear();
        } else if (!std::isspace(static_cast<unsigned char>(c))) {
            current += c;
        }
    }
    parts.push_back(current);
    return parts;
}

}  // namespace

PickTriple parsePickTriple(const std::string& sites, const std::string& translations,
                           const std::string& sitesOption, const std::string& translationsOption) {
    const std::vector<std::string> indices = split(sites, ',');
    if (indices.size() != 3)
        throw ConfigError(sitesOption + " takes three site indices I,J,K, not '" + sites + "'");
    PickTriple out;
    for (int i = 0; i < 3; ++i) out[i].site = parseInteger(indices[i], sitesOption);
    if (!translations.empty()) {
        const std::vector<std::string> groups = split(translations, ';');
        if (groups.size() != 3) {
            throw ConfigError(translationsOption +
                              " takes three integer vectors a,b,c;a,b,c;a,b,c, not '" +
                              translations + "'");
        }
        for (int i = 0; i < 3; ++i) {
            const std::vector<std::string> t = split(groups[i], ',');
            if (t.size() != 3)
                throw ConfigError(translationsOption + ": '" + groups[i] +
                                  "' is not three integers a,b,c");
            for (int k = 0; k < 3; ++k)
                out[i].translation[k] = parseInteger(t[k], translationsOption);
        }
    }
    return out;
}

}  // namespace cw
