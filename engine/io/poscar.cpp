#include "io/poscar.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>

#include "core/atomic_file.h"
#include "core/compressed_input.h"
#include "core/error.h"
#include "crystal/elements.h"
#include "io/text_fields.h"

namespace cw {
namespace {

/// Loads the element symbols of a POTCAR beside the file, in order; empty when there is none.
using PotcarLoader = std::function<std::vector<std::string>()>;
using textfields::formatDouble;
using textfields::parseInteger;
using textfields::parseNumber;
using textfields::splitWords;

/// "Fe_pv", "Fe_sv_GW", "Fe/1a2b3c" (VASP 6 writes POTCAR names and hashes) → "Fe".
std::string potcarSymbol(const std::string& name) {
    return name.substr(0, name.find_first_of("_/."));
}

/// Element symbols of a chemical formula word: "Fe4P4O16" → Fe, P, O; "LiFePO4" → Li, Fe, P,
/// O. Empty if the word is not a formula ("Cubic", "form=[Li2").
std::vector<int> formulaElements(const std::string& word) {
    std::vector<int> zs;
    std::size_t i = 0;
    while (i < word.size()) {
        if (!std::isupper(static_cast<unsigned char>(word[i]))) return {};
        std::size_t j = i + 1;
        if (j < word.size() && std::islower(static_cast<unsigned char>(word[j]))) ++j;
        const auto z = findAtomicNumber(word.substr(i, j - i));
        if (!z) return {};
        while (j < word.size() &&
               (std::isdigit(static_cast<unsigned char>(word[j])) || word[j] == '.')) {
            ++j;
        }
        zs.push_back(*z);
        i = j;
    }
    return zs;
}

std::string formatNumber(double value) {
    return formatDouble(value, 24);
}

class PoscarParser {
public:
    PoscarParser(std::istream& in, std::string source, PotcarLoader potcar)
        : m_source(std::move(source)), m_potcar(std::move(potcar)) {
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            m_lines.push_back(std::move(line));
        }
    }

    Structure parse();

private:
    [[noreturn]] void fail(std::size_t index, const std::string& reason) const {
        throw FormatError(m_source, "line " + std::to_string(index + 1), reason);
    }

    const std::string& line(std::size_t index, const std::string& expected) const {
        if (index >= m_lines.size()) {
            fail(index, "unexpected end of file: expected " + expected);
        }
        return m_lines[index];
    }

    double number(std::size_t index, const std::string& token, const std::string& what) const {
        const auto value = parseNumber(token);
        if (!value) fail(index, "cannot read " + what + " from '" + token + "'");
        if (!std::isfinite(*value)) fail(index, what + " is not finite ('" + token + "')");
        return *value;
    }

    Eigen::Vector3d vector3(std::size_t index, const std::string& what) const {
        const auto words = splitWords(line(index, what));
        if (words.size() < 3) {
            fail(index,
                 "expected three numbers for " + what + ", found " + std::to_string(words.size()));
        }
        return {number(index, words[0], what), number(index, words[1], what),
                number(index, words[2], what)};
    }

    std::vector<int> speciesFromSpeciesLine(std::size_t first, std::size_t last) const;
    std::vector<int> siteSpeciesForVasp4(const std::vector<long>& counts, std::size_t firstAtom,
                                         std::size_t symbolColumn) const;

    std::string m_source;
    PotcarLoader m_potcar;
    std::vector<std::string> m_lines;
};

std::vector<int> PoscarParser::speciesFromSpeciesLine(std::size_t first, std::size_t last) const {
    std::vector<int> species;
    for (std::size_t i = first; i < last; ++i) {
        for (const std::string& word : splitWords(m_lines[i])) {
            const auto z = findAtomicNumber(potcarSymbol(word));
            if (!z) fail(i, "unknown element '" + word + "' in the species line");
            species.push_back(*z);
        }
    }
    return species;
}

/// VASP 4 files carry no species line: VASP takes the species from the POTCAR. Without one,
/// follow pymatgen (symbols written after each coordinate) and ASE (symbols in the comment).
std::vector<int> PoscarParser::siteSpeciesForVasp4(const std::vector<long>& counts,
                                                   std::size_t firstAtom,
                                                   std::size_t symbolColumn) const {
    std::vector<int> perGroup;
    if (m_potcar) {
        for (const std::string& name : m_potcar()) {
            if (const auto z = findAtomicNumber(potcarSymbol(name))) perGroup.push_back(*z);
        }
        if (perGroup.size() != counts.size()) perGroup.clear();
    }
    std::size_t total = 0;
    for (long c : counts) total += static_cast<std::size_t>(c);
    if (perGroup.empty()) {
        std::vector<int> perSite;
        for (std::size_t i = 0; i < total && firstAtom + i < m_lines.size(); ++i) {
            const auto words = splitWords(m_lines[firstAtom + i]);
            if (words.size() <= symbolColumn) break;
            const auto z = findAtomicNumber(words[symbolColumn]);
            if (!z) break;
            perSite.push_back(*z);
        }
        if (perSite.size() == total) return perSite;
    }
    if (perGroup.empty() && !m_lines.empty()) {
        for (const std::string& word : splitWords(m_lines[0])) {
            for (int z : formulaElements(word)) {
                if (std::find(perGroup.begin(), perGroup.end(), z) == perGroup.end()) {
                    perGroup.push_back(z);
                }
            }
        }
        if (perGroup.size() != counts.size()) perGroup.clear();
    }
    if (perGroup.empty()) {
        fail(5,
             "VASP 4 file without species: no species line, no POTCAR beside the file, no "
             "element symbols after the coordinates and no formula with " +
                 std::to_string(counts.size()) + " elements in the comment line");
    }
    std::vector<int> perSite;
    for (std::size_t g = 0; g < counts.size(); ++g) {
        perSite.insert(perSite.end(), static_cast<std::size_t>(counts[g]), perGroup[g]);
    }
    return perSite;
}

Structure PoscarParser::parse() {
    if (m_lines.empty()) fail(0, "empty file: not a POSCAR");

    // Line 2: one scale factor (negative: target volume in Å³) or three, one per Cartesian axis.
    std::vector<double> scale;
    for (const std::string& word : splitWords(line(1, "the scale factor"))) {
        const auto value = parseNumber(word);
        if (!value) break;  // a trailing comment ("1.0 ! lattice constant")
        if (!std::isfinite(*value)) fail(1, "scale factor is not finite ('" + word + "')");
        scale.push_back(*value);
        if (scale.size() == 3) break;
    }
    if (scale.size() != 1 && scale.size() != 3) {
        fail(1, "expected one or three scale factors, found " + std::to_string(scale.size()));
    }
    if (scale.size() == 3 && !(scale[0] > 0 && scale[1] > 0 && scale[2] > 0)) {
        fail(1, "three scale factors must all be positive");
    }
    if (scale.size() == 1 && scale[0] == 0) fail(1, "scale factor is zero");

    Eigen::Matrix3d rows;
    for (int r = 0; r < 3; ++r) {
        rows.row(r) =
            vector3(static_cast<std::size_t>(2 + r), std::string("lattice vector ") + "abc"[r])
                .transpose();
    }
    Eigen::Vector3d axisScale = Eigen::Vector3d::Ones();
    if (scale.size() == 3) {
        axisScale = Eigen::Vector3d(scale[0], scale[1], scale[2]);
    } else if (scale[0] > 0) {
        axisScale.setConstant(scale[0]);
    } else {
        const double rawVolume = std::abs(rows.determinant());
        if (!(rawVolume > 0)) fail(2, "lattice vectors have zero volume");
        axisScale.setConstant(std::cbrt(-scale[0] / rawVolume));
    }
    for (int c = 0; c < 3; ++c) rows.col(c) *= axisScale[c];
    std::optional<Lattice> lattice;
    try {
        lattice.emplace(rows);
    } catch (const ValueError& e) {
        throw FormatError(m_source, "lines 3-5", e.what());
    }

    // Line 6: species (VASP 5, possibly continued over several lines) or counts (VASP 4).
    std::size_t index = 5;
    const auto firstWord = [&](std::size_t i) {
        const auto words = splitWords(line(i, "species or atom counts"));
        return words.empty() ? std::string() : words[0];
    };
    std::vector<int> groupSpecies;
    const bool vasp5 = !parseInteger(firstWord(index));
    if (vasp5) {
        std::size_t countsLine = index;
        while (!parseInteger(firstWord(countsLine))) {
            if (splitWords(m_lines[countsLine]).empty()) fail(countsLine, "empty species line");
            ++countsLine;
        }
        groupSpecies = speciesFromSpeciesLine(index, countsLine);
        index = countsLine;
    }
    std::vector<long> counts;
    const std::size_t countsStart = index;
    for (;;) {
        bool more = false;
        for (const std::string& word : splitWords(line(index, "atom counts"))) {
            const auto n = parseInteger(word);
            if (!n) break;
            if (*n < 0) fail(index, "negative atom count " + word);
            counts.push_back(*n);
        }
        ++index;
        // Files with many groups (VASP writes 20 per line) continue the counts on the next line.
        if (vasp5 && counts.size() < groupSpecies.size() && index < m_lines.size()) {
            const auto words = splitWords(m_lines[index]);
            more = !words.empty() && parseInteger(words[0]).has_value();
        }
        if (!more) break;
    }
    if (vasp5 && counts.size() != groupSpecies.size()) {
        fail(countsStart, std::to_string(counts.size()) + " atom counts for " +
                              std::to_string(groupSpecies.size()) + " species");
    }
    std::size_t total = 0;
    for (long n : counts) total += static_cast<std::size_t>(n);
    if (total == 0) fail(countsStart, "no atoms (atom counts add up to 0)");

    // Optional "Selective dynamics", then the coordinate mode: C/c/K/k is Cartesian, as VASP.
    bool selective = false;
    std::string mode = line(index, "'Direct' or 'Cartesian'");
    auto modeChar = [](const std::string& text) {
        const auto pos = text.find_first_not_of(" \t");
        return pos == std::string::npos ? '\0' : text[pos];
    };
    if (modeChar(mode) == 's' || modeChar(mode) == 'S') {
        selective = true;
        ++index;
        mode = line(index, "'Direct' or 'Cartesian'");
    }
    const char m = modeChar(mode);
    if (!std::isalpha(static_cast<unsigned char>(m))) {
        fail(index, "expected 'Direct' or 'Cartesian', found '" + mode + "'");
    }
    const bool cartesian = m == 'c' || m == 'C' || m == 'k' || m == 'K';
    const std::size_t firstAtom = index + 1;

    std::vector<int> siteSpecies;
    if (vasp5) {
        for (std::size_t g = 0; g < counts.size(); ++g) {
            siteSpecies.insert(siteSpecies.end(), static_cast<std::size_t>(counts[g]),
                               groupSpecies[g]);
        }
    } else {
        siteSpecies = siteSpeciesForVasp4(counts, firstAtom, selective ? 6 : 3);
    }

    Structure structure(*lattice, {});
    structure.sites().reserve(total);
    for (std::size_t i = 0; i < total; ++i) {
        const std::size_t at = firstAtom + i;
        if (at >= m_lines.size()) {
            fail(at, "unexpected end of file: expected " + std::to_string(total) +
                         " atom positions, found " + std::to_string(i));
        }
        const Eigen::Vector3d v = vector3(at, "atom position " + std::to_string(i + 1));
        if (selective) {
            const auto words = splitWords(m_lines[at]);
            for (std::size_t k = 3; k < 6; ++k) {
                if (k >= words.size() ||
                    (words[k] != "T" && words[k] != "F" && words[k] != "t" && words[k] != "f")) {
                    fail(at, "selective dynamics needs three T/F flags after the coordinates");
                }
            }
        }
        Site site;
        site.z = siteSpecies[i];
        site.label = element(site.z).symbol;
        site.frac = cartesian ? lattice->toFractional(v.cwiseProduct(axisScale)) : v;
        structure.addSite(std::move(site));
    }
    // Velocities and predictor-corrector blocks may follow; they are not part of a structure.
    return structure;
}

std::vector<std::string> potcarNamesBeside(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path potcar = fs::path(path).parent_path() / "POTCAR";
    std::error_code ec;
    if (!fs::is_regular_file(potcar, ec)) return {};
    std::vector<std::string> names;
    std::istringstream in(readDecompressed(potcar.string()));
    std::string text;
    while (std::getline(in, text)) {
        // "   TITEL  = PAW_PBE Fe_pv 06Sep2000": the second word after '=' names the species.
        const auto words = splitWords(text);
        if (words.size() >= 4 && words[0] == "TITEL" && words[1] == "=") names.push_back(words[3]);
    }
    return names;
}

}  // namespace

Structure parsePoscar(std::istream& in, const std::string& sourceName) {
    return PoscarParser(in, sourceName, nullptr).parse();
}

Structure readPoscar(const std::string& path) {
    std::istringstream in(readDecompressed(path));
    Structure structure =
        PoscarParser(in, path, [&path] { return potcarNamesBeside(path); }).parse();
    structure.setId(std::filesystem::path(path).filename().string());
    return structure;
}

std::string toPoscarText(const Structure& structure) {
    if (structure.size() == 0) throw ValueError("cannot write a POSCAR with no sites");
    std::string text = structure.fullFormula();
    if (!structure.id().empty()) text += " " + structure.id();
    text += "\n1.0\n";
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) text += formatNumber(structure.lattice().matrix()(r, c));
        text += '\n';
    }
    // Consecutive runs of one element are the groups; an element may come back later.
    std::vector<std::pair<int, std::size_t>> groups;
    for (const Site& site : structure.sites()) {
        if (groups.empty() || groups.back().first != site.z) groups.emplace_back(site.z, 0);
        ++groups.back().second;
    }
    std::string symbols, counts;
    for (const auto& [z, n] : groups) {
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "%5s", element(z).symbol);
        symbols += buffer;
        std::snprintf(buffer, sizeof buffer, "%5zu", n);
        counts += buffer;
    }
    text += symbols + "\n" + counts + "\nDirect\n";
    for (const Site& site : structure.sites()) {
        for (int c = 0; c < 3; ++c) text += formatNumber(site.frac[c]);
        // The symbol after the coordinates helps VASP 4 era tools; VASP ignores it.
        text += std::string(" ") + element(site.z).symbol + "\n";
    }
    return text;
}

void writePoscar(const std::string& path, const Structure& structure) {
    writeFileAtomically(path, toPoscarText(structure));
}

}  // namespace cw
