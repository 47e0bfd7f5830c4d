#include "core/complete_lines.h"

namespace cw {

void forEachCompleteLine(std::string_view text,
                         const std::function<void(const std::string& line, int lineNumber)>& onLine) {
    std::size_t start = 0;
    for (int lineNumber = 1; start < text.size(); ++lineNumber) {
        const std::size_t newline = text.find('\n', start);
        if (newline == std::string_view::npos) break;  // cut off mid-write
        std::string line(text.substr(start, newline - start));
        start = newline + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        onLine(line, lineNumber);
    }
}

}  // namespace cw
