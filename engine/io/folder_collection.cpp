#include "io/folder_collection.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>

#include "core/compressed_input.h"
#include "core/error.h"

namespace cw {
namespace {

namespace fs = std::filesystem;

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(const std::string& text) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const std::size_t last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

/// Splits one CSV line; double-quoted fields may hold commas and "" for a quote (pandas writes
/// ids that way). Fields are trimmed.
std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field.push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field.push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(trim(field));
            field.clear();
        } else {
            field.push_back(c);
        }
    }
    fields.push_back(trim(field));
    return fields;
}

enum class Cell { Number, Missing, Bad };

Cell parseCell(const std::string& text, double& value) {
    if (text.empty()) return Cell::Missing;
    const std::string lower = lowercase(text);
    if (lower == "nan" || lower == "na" || lower == "none" || lower == "null") return Cell::Missing;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (*begin == '+') ++begin;  // from_chars rejects a leading plus that CSV writers emit
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) return Cell::Bad;
    return Cell::Number;
}

std::optional<std::string> findCsv(const std::string& directory) {
    const fs::path preferred = fs::path(directory) / "id_prop.csv";
    if (fs::is_regular_file(preferred)) return preferred.string();
    std::vector<std::string> csvs;
    for (const auto& entry : fs::directory_iterator(directory)) {
        if (entry.is_regular_file() && lowercase(entry.path().extension().string()) == ".csv") {
            csvs.push_back(entry.path().string());
        }
    }
    if (csvs.size() == 1) return csvs.front();
    return std::nullopt;
}

}  // namespace

std::string structureFileStem(const std::string& path) {
    std::string name = fs::path(path).filename().string();
    for (const char* compression : {".gz", ".bz2"}) {
        if (endsWith(lowercase(name), compression)) {
            name.erase(name.size() - std::char_traits<char>::length(compression));
        }
    }
    for (const char* extension :
         {".cif", ".mcif", ".vasp", ".poscar", ".json", ".xyz", ".extxyz"}) {
        const std::size_t n = std::char_traits<char>::length(extension);
        if (name.size() > n && endsWith(lowercase(name), extension)) {
            name.erase(name.size() - n);
            break;
        }
    }
    return name;
}

IdPropertyTable readIdPropertyCsv(const std::string& path, ProblemLog& problems) {
    IdPropertyTable table;
    const std::string text = readDecompressed(path);
    std::size_t lineNumber = 0;
    std::size_t start = 0;
    bool first = true;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (lineNumber == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // BOM
        if (trim(line).empty()) continue;
        const std::vector<std::string> fields = splitCsvLine(line);
        const std::string where = path + ":line " + std::to_string(lineNumber);

        if (first) {
            first = false;
            bool header = false;
            for (std::size_t i = 1; i < fields.size(); ++i) {
                double value = 0;
                if (parseCell(fields[i], value) == Cell::Bad) header = true;
            }
            if (header) {
                for (std::size_t i = 1; i < fields.size(); ++i) {
                    table.names.push_back(fields[i].empty() ? "property_" + std::to_string(i - 1)
                                                            : fields[i]);
                }
                continue;
            }
            for (std::size_t i = 1; i < fields.size(); ++i) {
                table.names.push_back("property_" + std::to_string(i - 1));
            }
        }

        const std::string& id = fields.front();
        if (id.empty()) {
            problems.add(where, "the row has no id");
            continue;
        }
        if (fields.size() - 1 > table.names.size()) {
            problems.add(where, "the row has " + std::to_string(fields.size()) +
                                    " fields, the first row " +
                                    std::to_string(table.names.size() + 1));
            continue;
        }
        if (const auto seen = table.lineOfId.find(id); seen != table.lineOfId.end()) {
            problems.add(where, "id '" + id + "' was already given on line " +
                                    std::to_string(seen->second) + "; this row is ignored");
            continue;
        }
        std::map<std::string, double> values;
        bool bad = false;
        for (std::size_t i = 1; i < fields.size(); ++i) {
            double value = 0;
            const Cell cell = parseCell(fields[i], value);
            if (cell == Cell::Bad) {
                problems.add(where, "'" + fields[i] + "' (" + table.names[i - 1] + " of '" + id +
                                        "') is not a number; the row is skipped");
                bad = true;
                break;
            }
            if (cell == Cell::Number) values[table.names[i - 1]] = value;
        }
        if (bad) continue;
        table.rows.emplace(id, std::move(values));
        table.lineOfId.emplace(id, lineNumber);
    }
    return table;
}

std::vector<std::string> listStructureFiles(const std::string& directory) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::directory_iterator it(directory, ec);
    if (ec) throw IoError(directory, "cannot list the directory: " + ec.message());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) throw IoError(directory, "cannot list the directory: " + ec.message());
        const fs::path& file = it->path();
        const std::string name = file.filename().string();
        if (name.empty() || name.front() == '.' || name == "atom_init.json") continue;
        std::error_code typeError;
        if (!it->is_regular_file(typeError)) continue;
        const StructureFormat format = detectFormat(file.string());
        // A folder's CSV is its property table (id_prop.csv), not a crystal CSV.
        if (format == StructureFormat::Unknown || format == StructureFormat::Directory ||
            format == StructureFormat::CdvaeCsv) {
            continue;
        }
        files.push_back(file.string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::size_t forEachFolderStructure(const std::string& directory,
                                   const StructureCallback& onStructure, ProblemLog& problems,
                                   std::stop_token stop) {
    const std::vector<std::string> files = listStructureFiles(directory);

    IdPropertyTable table;
    std::optional<std::string> csv;
    try {
        csv = findCsv(directory);
    } catch (const fs::filesystem_error& e) {
        throw IoError(directory, std::string("cannot list the directory: ") + e.what());
    }
    if (csv) table = readIdPropertyCsv(*csv, problems);
    std::set<std::string> matched;

    std::size_t index = 0;
    std::size_t delivered = 0;
    bool stopped = false;

    auto deliver = [&](Structure&& structure) {
        if (const auto row = table.rows.find(structure.id()); row != table.rows.end()) {
            for (const auto& [name, value] : row->second) structure.setProperty(name, value);
            matched.insert(row->first);
        }
        ++delivered;
        if (!onStructure(std::move(structure), index++)) stopped = true;
        if (stop.stop_requested()) stopped = true;
        return !stopped;
    };

    for (const std::string& file : files) {
        if (stopped || stop.stop_requested()) {
            stopped = true;
            break;
        }
        // One structure is held back until the file shows whether it holds more: only a lone
        // structure takes the file's stem as id.
        std::optional<Structure> pending;
        bool several = false;
        const StructureCallback perFile = [&](Structure&& structure, std::size_t) {
            if (pending) {
                several = true;
                Structure first = std::move(*pending);
                pending.reset();
                if (!deliver(std::move(first))) return false;
            }
            if (several) return deliver(std::move(structure));
            pending = std::move(structure);
            return true;
        };
        try {
            forEachStructure(file, perFile, problems, stop);
        } catch (const FormatError& e) {
            // Where and why apart, without the path twice.
            const bool here = e.path() == file;
            problems.add(here && !e.location().empty() ? file + ":" + e.location() : file,
                         here ? e.reason() : e.what());
            ++index;
        } catch (const Error& e) {
            const std::string what = e.what();
            const std::string prefix = file + ": ";
            problems.add(file, what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what);
            ++index;
        }
        if (pending && !stopped && !stop.stop_requested()) {
            if (!several) pending->setId(structureFileStem(file));
            deliver(std::move(*pending));
        }
    }

    if (!stopped && !table.rows.empty()) {
        std::vector<std::string> unmatched;
        for (const auto& [id, values] : table.rows) {
            if (!matched.count(id)) unmatched.push_back(id);
        }
        if (!unmatched.empty()) {
            std::string list;
            for (std::size_t i = 0; i < unmatched.size() && i < 5; ++i) {
                list += (i ? ", " : "") + unmatched[i];
            }
            if (unmatched.size() > 5) list += ", …";
            problems.add(*csv, std::to_string(unmatched.size()) +
                                   " ids match no structure in the directory (" + list + ")");
        }
    }
    return delivered;
}

}  // namespace cw
