#include "io/structure_stream.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "core/atomic_file.h"
#include "core/compressed_input.h"
#include "core/error.h"
#include "io/cif.h"
#include "io/extxyz.h"
#include "io/folder_collection.h"
#include "io/cdvae_csv.h"
#include "io/json_collection.h"
#include "io/poscar.h"
#include "io/pymatgen_json.h"

namespace cw {
namespace {

namespace fs = std::filesystem;

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Lower-case file name without a compression suffix.
std::string plainLowerName(const std::string& path) {
    std::string name = lowercase(fs::path(path).filename().string());
    for (const char* compression : {".gz", ".bz2"}) {
        if (endsWith(name, compression)) {
            name.erase(name.size() - std::char_traits<char>::length(compression));
        }
    }
    return name;
}

StructureFormat formatFromName(const std::string& path) {
    const std::string name = plainLowerName(path);
    if (endsWith(name, ".cif") || endsWith(name, ".mcif")) return StructureFormat::Cif;
    if (endsWith(name, ".json")) return StructureFormat::PymatgenJson;
    if (endsWith(name, ".xyz") || endsWith(name, ".extxyz")) return StructureFormat::ExtendedXyz;
    if (endsWith(name, ".csv")) return StructureFormat::CdvaeCsv;
    if (endsWith(name, ".vasp") || endsWith(name, ".poscar")) return StructureFormat::Poscar;
    if (name.rfind("poscar", 0) == 0 || name.rfind("contcar", 0) == 0) {
        return StructureFormat::Poscar;
    }
    return StructureFormat::Unknown;
}

bool isNumber(const std::string& token) {
    if (token.empty()) return false;
    char* end = nullptr;
    std::strtod(token.c_str(), &end);
    return end == token.c_str() + token.size();
}

/// The format of a file whose name says nothing, from its first few kilobytes.
StructureFormat sniffFormat(const std::string& path) {
    CompressedInput input(path);
    std::string head(8192, '\0');
    std::size_t size = 0;
    while (size < head.size()) {
        const std::size_t got = input.read(head.data() + size, head.size() - size);
        if (got == 0) break;
        size += got;
    }
    head.resize(size);
    const std::size_t first = head.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return StructureFormat::Unknown;
    if (head[first] == '{' || head[first] == '[') return StructureFormat::PymatgenJson;

    std::vector<std::string> lines;
    std::istringstream stream(head);
    for (std::string line; lines.size() < 8 && std::getline(stream, line);) lines.push_back(line);
    std::istringstream allLines(head);
    for (std::string line; std::getline(allLines, line);) {
        const std::size_t start = line.find_first_not_of(" \t");
        if (start != std::string::npos && lowercase(line.substr(start, 5)) == "data_") {
            return StructureFormat::Cif;
        }
    }
    auto tokens = [](const std::string& line) {
        std::istringstream in(line);
        std::vector<std::string> out;
        for (std::string token; in >> token;) out.push_back(token);
        return out;
    };
    if (lines.size() >= 2) {
        const auto count = tokens(lines[0]);
        if (count.size() == 1 && isNumber(count[0]) &&
            lines[1].find("Lattice=") != std::string::npos) {
            return StructureFormat::ExtendedXyz;
        }
    }
    if (lines.size() >= 6) {
        // POSCAR: comment, scale (1 or 3 numbers), three lattice rows of three numbers.
        const auto scale = tokens(lines[1]);
        bool poscar = (scale.size() == 1 || scale.size() == 3) &&
                      std::all_of(scale.begin(), scale.end(), isNumber);
        for (int row = 2; poscar && row < 5; ++row) {
            const auto values = tokens(lines[static_cast<std::size_t>(row)]);
            poscar = values.size() >= 3 && isNumber(values[0]) && isNumber(values[1]) &&
                     isNumber(values[2]);
        }
        if (poscar) return StructureFormat::Poscar;
    }
    return StructureFormat::Unknown;
}

/// Splits a ProblemLog "where" ("<path>:entry 3 (mp-1)") into a FormatError's location.
FormatError problemAsError(const std::string& path, const Problem& problem) {
    std::string location = problem.where;
    if (location.rfind(path + ":", 0) == 0)
        location = location.substr(path.size() + 1);
    else if (location == path)
        location.clear();
    return FormatError(path, location, problem.reason);
}

std::size_t deliverAll(std::vector<Structure>&& structures, const StructureCallback& onStructure,
                       std::stop_token stop) {
    std::size_t delivered = 0;
    for (std::size_t i = 0; i < structures.size(); ++i) {
        if (stop.stop_requested()) break;
        ++delivered;
        if (!onStructure(std::move(structures[i]), i)) break;
    }
    return delivered;
}

}  // namespace

StructureFormat detectFormat(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return StructureFormat::Directory;
    return formatFromName(path);
}

std::size_t forEachStructure(const std::string& path, const StructureCallback& onStructure,
                             ProblemLog& problems, std::stop_token stop) {
    StructureFormat format = detectFormat(path);
    if (format == StructureFormat::Unknown) {
        std::error_code ec;
        if (!fs::exists(path, ec)) throw IoError(path, "no such file or directory");
        format = sniffFormat(path);
    }
    switch (format) {
        case StructureFormat::Directory:
            return forEachFolderStructure(path, onStructure, problems, stop);
        case StructureFormat::PymatgenJson:
            return forEachJsonStructure(path, onStructure, problems, stop);
        case StructureFormat::Cif: {
            std::vector<Structure> structures;
            for (CifStructure& block : readCifBlocks(path, &problems)) {
                structures.push_back(std::move(block.structure));
            }
            return deliverAll(std::move(structures), onStructure, stop);
        }
        case StructureFormat::Poscar: {
            if (stop.stop_requested()) return 0;
            onStructure(readPoscar(path), 0);
            return 1;
        }
        case StructureFormat::ExtendedXyz:
            return deliverAll(readExtendedXyz(path), onStructure, stop);
        case StructureFormat::CdvaeCsv:
            return forEachCdvaeCsvStructure(path, onStructure, problems, stop);
        case StructureFormat::Unknown:
            break;
    }
    throw FormatError(path, "",
                      "unknown structure format: expected CIF (.cif, .mcif), POSCAR/CONTCAR "
                      "(.vasp, .poscar), pymatgen or Materials Project JSON (.json), extended "
                      "XYZ (.xyz, .extxyz), a crystal CSV with a cif column (.csv) or a "
                      "directory of such files");
}

std::vector<Structure> readStructures(const std::string& path, ProblemLog* problems) {
    std::vector<Structure> structures;
    ProblemLog local;
    forEachStructure(
        path,
        [&](Structure&& structure, std::size_t) {
            structures.push_back(std::move(structure));
            return true;
        },
        local);
    if (structures.empty() && local.count() == 1) throw problemAsError(path, local.problems()[0]);
    if (problems) {
        for (const Problem& problem : local.problems())
            problems->add(problem.where, problem.reason);
        if (local.count() > local.problems().size()) {
            problems->add(path, std::to_string(local.count() - local.problems().size()) +
                                    " further problems were not kept");
        }
    }
    return structures;
}

Structure readStructure(const std::string& path, const std::string& id) {
    std::optional<Structure> found;
    ProblemLog local;
    forEachStructure(
        path,
        [&](Structure&& structure, std::size_t) {
            if (!id.empty() && structure.id() != id) return true;
            found = std::move(structure);
            return false;  // found: the rest of the file need not be parsed
        },
        local);
    if (found) return std::move(*found);
    if (id.empty()) {
        if (local.count() == 1) throw problemAsError(path, local.problems()[0]);
        throw FormatError(path, "",
                          local.empty()
                              ? "the file holds no structure"
                              : "no entry could be read (" + std::to_string(local.count()) +
                                    " problems; the "
                                    "first: " +
                                    local.problems()[0].reason + ")");
    }
    std::string reason = "no entry has the id '" + id + "'";
    if (!local.empty()) {
        reason +=
            " (" + std::to_string(local.count()) +
            " entries could not be read and may hold it; the first: " + local.problems()[0].where +
            ": " + local.problems()[0].reason + ")";
    }
    throw FormatError(path, "", reason);
}

void writeStructures(const std::string& path, const std::vector<Structure>& structures) {
    const std::string name = lowercase(fs::path(path).filename().string());
    if (endsWith(name, ".gz") || endsWith(name, ".bz2")) {
        throw ConfigError("cannot write '" + path +
                          "': compressed output is not supported; write the plain file and "
                          "compress it");
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        throw ConfigError("cannot write '" + path + "': it is a directory, not a file name");
    }
    switch (formatFromName(path)) {
        case StructureFormat::Cif:
            writeCif(path, structures);
            return;
        case StructureFormat::Poscar:
            if (structures.size() != 1) {
                throw ConfigError("cannot write " + std::to_string(structures.size()) +
                                  " structures to the POSCAR file '" + path +
                                  "': a POSCAR holds exactly one; use .cif, .json or .xyz");
            }
            writePoscar(path, structures.front());
            return;
        case StructureFormat::PymatgenJson: {
            if (structures.size() == 1) {
                // One structure: a plain pymatgen Structure dict that pymatgen reads as is; the
                // id rides along in the dict's free-form `properties`.
                const Structure& structure = structures.front();
                nlohmann::json dict = structureToPymatgenDict(structure);
                if (!structure.id().empty()) dict["properties"]["material_id"] = structure.id();
                writeFileAtomically(path, dict.dump(1) + "\n");
                return;
            }
            // One document per line: a large file stays greppable and diffable.
            std::string text = "[";
            for (std::size_t i = 0; i < structures.size(); ++i) {
                text += i ? ",\n" : "\n";
                text += summaryDocumentFromStructure(structures[i]).dump();
            }
            text += "\n]\n";
            writeFileAtomically(path, text);
            return;
        }
        case StructureFormat::ExtendedXyz:
            writeExtendedXyz(path, structures);
            return;
        case StructureFormat::CdvaeCsv:
        case StructureFormat::Directory:
        case StructureFormat::Unknown:
            break;
    }
    throw ConfigError("cannot write '" + path +
                      "': unknown extension; use .cif, .json, .xyz, .extxyz, .vasp, .poscar or "
                      "a name starting with POSCAR or CONTCAR");
}

}  // namespace cw
