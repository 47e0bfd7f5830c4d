#include "crystal/elements.h"

#include <cctype>
#include <limits>
#include <string>

#include "core/error.h"

namespace cw {
namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

const std::array<ElementInfo, kMaxAtomicNumber> kElements = {{
#include "crystal/element_table.inc"
}};

std::optional<int> matchExact(std::string_view letters) {
    for (const ElementInfo& e : kElements) {
        if (letters == e.symbol) return e.z;
    }
    return std::nullopt;
}

}  // namespace

const ElementInfo& element(int z) {
    if (z < 1 || z > kMaxAtomicNumber) {
        throw ValueError("atomic number " + std::to_string(z) + " is outside 1-118");
    }
    return kElements[static_cast<std::size_t>(z - 1)];
}

namespace {
/// "fE" -> "Fe": element symbols are one capital and then lower case.
std::string normaliseCase(std::string_view letters) {
    std::string normal;
    for (std::size_t i = 0; i < letters.size(); ++i) {
        const auto c = static_cast<unsigned char>(letters[i]);
        normal += static_cast<char>(i == 0 ? std::toupper(c) : std::tolower(c));
    }
    return normal;
}

std::size_t leadingLetters(std::string_view text) {
    std::size_t n = 0;
    while (n < text.size() && std::isalpha(static_cast<unsigned char>(text[n]))) ++n;
    return n;
}
}  // namespace

std::optional<int> findAtomicNumber(std::string_view symbol) {
    const std::size_t n = leadingLetters(symbol);
    if (n == 0 || n > 2) return std::nullopt;
    for (char c : symbol.substr(n)) {
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '+' && c != '-') {
            return std::nullopt;
        }
    }
    return matchExact(normaliseCase(symbol.substr(0, n)));
}

std::optional<int> atomicNumberFromLabel(std::string_view label) {
    const std::size_t n = leadingLetters(label);
    if (n >= 2) {
        if (auto z = matchExact(normaliseCase(label.substr(0, 2)))) return z;
    }
    if (n >= 1) return matchExact(normaliseCase(label.substr(0, 1)));
    return std::nullopt;
}

int atomicNumber(std::string_view symbol) {
    if (auto z = findAtomicNumber(symbol)) return *z;
    throw ValueError("unknown element '" + std::string(symbol) + "'");
}

}  // namespace cw
