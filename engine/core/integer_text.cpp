#include "core/integer_text.h"

#include <stdexcept>

#include "core/error.h"

namespace cw {

int parseInteger(const std::string& text, const std::string& what) {
    std::size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        throw ConfigError(what + ": '" + text + "' is not an integer");
    return value;
}

}  // namespace cw
