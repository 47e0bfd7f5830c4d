#include "io/text_fields.h"

#include <charconv>
#include <cstdio>

namespace cw::textfields {

std::vector<std::string> splitWords(std::string_view line) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) words.emplace_back(line.substr(start, i - start));
    }
    return words;
}

std::optional<double> parseNumber(std::string_view token) {
    if (!token.empty() && token[0] == '+') token.remove_prefix(1);
    if (token.empty()) return std::nullopt;
    std::string text(token);
    // Fortran writers (older VASP tools) use D for the exponent.
    for (char& c : text) {
        if (c == 'D' || c == 'd') c = 'e';
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<long> parseInteger(std::string_view token) {
    if (!token.empty() && token[0] == '+') token.remove_prefix(1);
    long value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (token.empty() || ec != std::errc() || end != token.data() + token.size()) {
        return std::nullopt;
    }
    return value;
}

std::string formatDouble(double value, int width) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%*.17g", width, value == 0.0 ? 0.0 : value);
    return buffer;
}

}  // namespace cw::textfields
