#include "io/cif_text.h"

#include <gemmi/numb.hpp>
#include <gemmi/symmetry.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cw::cif_text {

const std::vector<std::string> kSymopTags = {
    "_space_group_symop_operation_xyz", "_space_group_symop.operation_xyz",
    "_symmetry_equiv_pos_as_xyz", "_symmetry_equiv.pos_as_xyz"};
const std::vector<std::string> kMagneticSymopTags = {"_space_group_symop_magn_operation.xyz",
                                                     "_space_group_symop.magn_operation_xyz",
                                                     "_space_group_symop_magn_operation_xyz"};
const std::vector<std::string> kMagneticCenteringTags = {"_space_group_symop_magn_centering.xyz",
                                                         "_space_group_symop.magn_centering_xyz",
                                                         "_space_group_symop_magn_centering_xyz"};
const std::vector<std::string> kSuperspaceTags = {"_space_group_symop.magn_ssg_operation_algebraic",
                                                  "_space_group_symop_magn_ssg_operation.algebraic",
                                                  "_space_group_symop_ssg_operation_algebraic",
                                                  "_space_group_symop.ssg_operation_algebraic",
                                                  "_cell_wave_vector_x",
                                                  "_cell_wave_vector.x"};
const std::vector<std::string> kHermannMauguinTags = {
    "_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M", "_space_group.name_H-M_alt",
    "_space_group_name_H-M_ref", "_space_group.name_H-M_ref"};
const std::vector<std::string> kHallTags = {
    "_space_group_name_Hall", "_symmetry_space_group_name_Hall", "_space_group.name_Hall"};
const std::vector<std::string> kNumberTags = {
    "_space_group_IT_number", "_symmetry_Int_Tables_number", "_space_group.IT_number",
    "_symmetry.Int_Tables_number"};
const std::vector<std::string> kBnsTags = {"_space_group_magn.number_BNS",
                                           "_space_group.magn_number_BNS"};
const std::vector<std::string> kParentNumberTags = {"_parent_space_group.IT_number",
                                                    "_parent_space_group_IT_number"};

std::vector<std::string> Found::rawValues() const {
    if (!item) return {};
    if (item->type == gcif::ItemType::Pair) return {item->pair[1]};
    std::vector<std::string> values;
    const gcif::Loop& loop = item->loop;
    for (std::size_t row = 0; row < loop.length(); ++row) values.push_back(loop.val(row, column));
    return values;
}

Found findTag(const gcif::Block& block, const std::vector<std::string>& spellings) {
    for (const std::string& tag : spellings) {
        const std::string lower = gemmi::to_lower(tag);
        for (const gcif::Item& item : block.items) {
            if (item.type == gcif::ItemType::Pair && gemmi::iequal(item.pair[0], lower)) {
                return {&item, 0, item.pair[0]};
            }
            if (item.type == gcif::ItemType::Loop) {
                const int column = item.loop.find_tag_lc(lower);
                if (column >= 0) return {&item, column, item.loop.tags[column]};
            }
        }
    }
    return {};
}

std::string firstValue(const Found& found) {
    for (const std::string& raw : found.rawValues()) {
        if (!gcif::is_null(raw)) return gcif::as_string(raw);
    }
    return {};
}

std::string trim(std::string_view s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    const auto end = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(begin, end - begin + 1));
}

double snapShortDecimal(const std::string& text, double value) {
    if (text.find_first_of("(eE") != std::string::npos) return value;
    const auto dot = text.find('.');
    if (dot == std::string::npos) return value;
    int decimals = 0;
    for (std::size_t i = dot + 1;
         i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        ++decimals;
    }
    if (decimals < 3 || decimals > 8) return value;
    const double snapped = std::round(value * 12.0) / 12.0;
    return std::abs(value - snapped) < std::pow(10.0, -decimals) ? snapped : value;
}

double writtenPrecision(const std::string& text) {
    const auto dot = text.find('.');
    if (dot == std::string::npos || text == ".") return 0.0;
    int decimals = 0;
    std::size_t i = dot + 1;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        ++decimals;
        ++i;
    }
    int exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        exponent = std::clamp(std::atoi(text.c_str() + i + 1), -300, 300);
    }
    return std::pow(10.0, exponent - decimals);
}

std::string spatialPart(const std::string& triplet) {
    std::size_t comma = std::string::npos;
    for (int i = 0; i < 3; ++i) {
        comma = triplet.find(',', comma == std::string::npos ? 0 : comma + 1);
        if (comma == std::string::npos) return triplet;
    }
    return triplet.substr(0, comma);
}

std::optional<std::string> decimalsToFractions(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const bool startsNumber =
            std::isdigit(static_cast<unsigned char>(s[i])) ||
            (s[i] == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])));
        if (!startsNumber || (i > 0 && s[i - 1] == '/')) {
            out += s[i++];
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
        const std::string number = s.substr(i, j - i);
        if (number.find('.') == std::string::npos) {
            out += number;
        } else {
            const double v = std::strtod(number.c_str(), nullptr);
            const double k = std::round(v * gemmi::Op::DEN);
            if (std::abs(v * gemmi::Op::DEN - k) > 0.02) return std::nullopt;
            out += std::to_string(static_cast<long>(k)) + "/" + std::to_string(gemmi::Op::DEN);
        }
        i = j;
    }
    return out;
}

std::string normaliseHermannMauguin(std::string hm) {
    hm.erase(std::remove(hm.begin(), hm.end(), '_'), hm.end());
    std::string lower = gemmi::to_lower(hm);
    const auto origin = lower.find("origin choice");
    if (origin != std::string::npos) {
        const auto digit = lower.find_first_of("12", origin);
        const char choice = digit == std::string::npos ? '1' : lower[digit];
        std::string body = trim(hm.substr(0, origin));
        while (!body.empty() && (body.back() == '(' || body.back() == ' ')) body.pop_back();
        return body + ":" + choice;
    }
    hm = trim(hm);
    if (hm.size() > 3 && hm[hm.size() - 2] == ' ') {
        const char last = hm.back();
        const std::string body = trim(hm.substr(0, hm.size() - 2));
        if (last == 'Z') return body + ":2";
        if (last == 'S') return body + ":1";
        if (last == 'H' || last == 'R') return body + ":" + last;
    }
    return hm;
}

std::string shortNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

int integerOr(const std::string& text, int fallback) {
    const double v = gcif::as_number(text);
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e6) return static_cast<int>(v);
    return fallback;
}

std::optional<int> specialSymbol(const std::string& symbol) {
    const std::string lower = gemmi::to_lower(symbol);
    if (lower == "wat" || lower == "ow") return 8;
    if (lower == "hw" || lower == "d" || lower == "t") return 1;
    return std::nullopt;
}

std::optional<int> hydrogenIsotope(const std::string& symbol) {
    // Called only after the element lookups failed: Dy, Ds, Db have been tried. Not T: a
    // zeolite's "T1" is a tetrahedral (Si/Al) site, not tritium.
    if (symbol.empty() || symbol[0] != 'D') return std::nullopt;
    return 1;
}

// A parse error at the end of the file, said as what a user can act on: the last tag left
// without its value, else gemmi's reason, with the line the file stops at.
std::string truncationReason(const std::string& text, const std::string& gemmiReason) {
    const auto lines =
        std::count(text.begin(), text.end(), '\n') + (!text.empty() && text.back() != '\n');
    // The last word of the file, if it is a tag.
    std::size_t end = text.find_last_not_of(" \t\r\n");
    if (end != std::string::npos) {
        const std::size_t start = text.find_last_of(" \t\r\n", end);
        const std::string word =
            text.substr(start == std::string::npos ? 0 : start + 1,
                        end - (start == std::string::npos ? 0 : start + 1) + 1);
        if (word.size() > 1 && word[0] == '_')
            return "the file ends after the tag " + word + ", which has no value (line " +
                   std::to_string(lines) + " is the last): is it truncated?";
        if (word == "loop_")
            return "the file ends at a loop_ with no tags (line " + std::to_string(lines) +
                   " is the last): is it truncated?";
    }
    return gemmiReason + " (the file ends at line " + std::to_string(lines) + ": is it truncated?)";
}

}  // namespace cw::cif_text
