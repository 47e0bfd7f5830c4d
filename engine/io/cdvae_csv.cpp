#include "io/cdvae_csv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/csv_reader.h"
#include "core/error.h"
#include "io/cif.h"

namespace cw {
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

int columnNamed(const std::vector<std::string>& header, const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (lower(header[i]) == name) return static_cast<int>(i);
    }
    return -1;
}

bool parseFinite(const std::string& text, double& value) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    return ec == std::errc() && ptr == end && begin != end && std::isfinite(value);
}

}  // namespace

bool isCdvaeCsvHeader(const std::vector<std::string>& header) {
    return columnNamed(header, "cif") >= 0;
}

std::size_t forEachCdvaeCsvStructure(const std::string& path, const StructureCallback& onStructure,
                                     ProblemLog& problems, std::stop_token stop) {
    CsvReader reader(path);
    std::vector<std::string> header;
    if (!reader.next(header)) throw FormatError(path, "", "empty file: no CSV header");
    if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);
    const int cifColumn = columnNamed(header, "cif");
    if (cifColumn < 0) {
        throw FormatError(path, "line 1",
                          "no 'cif' column: a crystal CSV (CDVAE, MP-20, Perov-5) holds each "
                          "crystal's CIF text in a column named cif");
    }
    int idColumn = columnNamed(header, "material_id");
    // pandas writes its index as an unnamed first column; it is neither an id nor a property.
    const int indexColumn = header.front().empty() ? 0 : -1;
    if (idColumn < 0 && indexColumn != 0 && cifColumn != 0) idColumn = 0;
    const int formulaColumn = columnNamed(header, "formula");

    std::vector<std::string> fields;
    std::size_t index = 0, delivered = 0;
    while (!stop.stop_requested() && reader.next(fields)) {
        const std::string line = "line " + std::to_string(reader.line());
        const std::string id = idColumn >= 0 && idColumn < int(fields.size()) && !fields[idColumn].empty()
                                   ? fields[idColumn]
                                   : "row " + std::to_string(index + 1);
        const std::string where = path + ":" + line + " (" + id + ")";
        const std::size_t entry = index++;
        if (fields.size() != header.size()) {
            problems.add(where, "the row has " + std::to_string(fields.size()) +
                                    " fields, the header " + std::to_string(header.size()));
            continue;
        }
        Structure structure;
        try {
            std::vector<CifStructure> blocks = parseCifBlocks(fields[cifColumn], path);
            structure = std::move(blocks.front().structure);
        } catch (const FormatError& e) {
            // The CIF's own line numbers count from the start of its cell.
            const std::string inside = e.location().empty() ? "" : " (its " + e.location() + ")";
            problems.add(where, "the cif column does not hold a readable CIF" + inside + ": " +
                                    e.reason());
            continue;
        } catch (const Error& e) {
            problems.add(where, e.what());
            continue;
        }
        structure.setId(id);
        for (std::size_t c = 0; c < header.size(); ++c) {
            const int column = static_cast<int>(c);
            if (column == cifColumn || column == idColumn || column == indexColumn ||
                column == formulaColumn || header[c].empty()) {
                continue;
            }
            double value = 0;
            if (parseFinite(fields[c], value)) structure.setProperty(header[c], value);
        }
        ++delivered;
        if (!onStructure(std::move(structure), entry)) break;
    }
    return delivered;
}

}  // namespace cw
