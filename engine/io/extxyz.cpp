#include "io/extxyz.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <optional>

#include "core/atomic_file.h"
#include "core/compressed_input.h"
#include "crystal/elements.h"
#include "io/text_fields.h"

namespace cw {
namespace {

using textfields::formatDouble;
using textfields::parseInteger;
using textfields::parseNumber;
using textfields::splitWords;

struct KeyValue {
    std::string key;
    std::string value;
    bool hasValue = false;
};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Splits a comment line into key=value pairs the way ASE's key_val_str_to_dict does: values
/// may be quoted ('…', "…") or bracketed ({…}, […]), a backslash escapes the next character,
/// spaces around '=' are allowed, and a key without '=' is a flag. Returns nullopt on an
/// unterminated quote or bracket.
std::optional<std::vector<KeyValue>> splitKeyValues(const std::string& line) {
    std::vector<std::vector<std::string>> pairs{{""}};
    char closing = 0;
    bool escaped = false;
    for (char c : line) {
        if (escaped) {
            pairs.back().back() += c;
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (closing) {
            if (c == closing)
                closing = 0;
            else
                pairs.back().back() += c;
        } else if (c == '"' || c == '\'') {
            closing = c;
        } else if (c == '{') {
            closing = '}';
        } else if (c == '[') {
            closing = ']';
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (!pairs.back().back().empty()) pairs.push_back({""});
        } else if (c == '=') {
            // "key =value": the space opened an empty pair; '=' belongs to the previous key.
            if (pairs.size() > 1 && pairs.back().size() == 1 && pairs.back()[0].empty()) {
                pairs.pop_back();
            }
            pairs.back().emplace_back();
        } else {
            pairs.back().back() += c;
        }
    }
    if (closing) return std::nullopt;
    std::vector<KeyValue> result;
    for (auto& pair : pairs) {
        if (pair.size() == 1) {
            if (!pair[0].empty()) result.push_back({pair[0], {}, false});
            continue;
        }
        KeyValue kv{pair[0], pair[1], true};
        for (std::size_t i = 2; i < pair.size(); ++i) kv.value += "=" + pair[i];
        result.push_back(std::move(kv));
    }
    return result;
}

const KeyValue* findKey(const std::vector<KeyValue>& pairs, std::string_view key) {
    for (const KeyValue& kv : pairs) {
        if (kv.hasValue && equalsIgnoringCase(kv.key, key)) return &kv;
    }
    return nullptr;
}

bool isReservedKey(std::string_view key) {
    for (const char* reserved : {"lattice", "properties", "pbc", "id", "material_id"}) {
        if (equalsIgnoringCase(key, reserved)) return true;
    }
    return false;
}

/// Where the columns the reader needs sit among all the columns of an atom line.
struct ColumnLayout {
    std::size_t total = 0;
    std::optional<std::size_t> species;  ///< S:1 element symbols
    std::optional<std::size_t> z;        ///< I:1 atomic numbers, used when species is absent
    std::optional<std::size_t> pos;      ///< R:3 Cartesian positions
};

/// Parses "species:S:1:pos:R:3:forces:R:3…". Returns an error text, or "" on success.
std::string parseProperties(const std::string& text, ColumnLayout& layout) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = text.find(':', start);
        fields.push_back(text.substr(start, colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    if (fields.size() % 3 != 0) {
        return "Properties=" + text + " is not a list of name:type:count triples";
    }
    for (std::size_t i = 0; i < fields.size(); i += 3) {
        const std::string& name = fields[i];
        const std::string& type = fields[i + 1];
        const auto count = parseInteger(fields[i + 2]);
        if (type != "S" && type != "R" && type != "I" && type != "L") {
            return "Properties=: unknown column type '" + type + "' of '" + name +
                   "' (expected S, R, I or L)";
        }
        if (!count || *count < 1) {
            return "Properties=: bad column count '" + fields[i + 2] + "' of '" + name + "'";
        }
        if (name == "species" && type == "S" && *count == 1)
            layout.species = layout.total;
        else if (name == "Z" && type == "I" && *count == 1)
            layout.z = layout.total;
        else if (name == "pos" && type == "R" && *count == 3)
            layout.pos = layout.total;
        layout.total += static_cast<std::size_t>(*count);
    }
    if (!layout.pos) return "Properties=" + text + " has no pos:R:3 column";
    if (!layout.species && !layout.z) {
        return "Properties=" + text + " has no species:S:1 (or Z:I:1) column";
    }
    return {};
}

/// One frame's raw lines, with the file line number of the atom count line.
struct RawFrame {
    std::size_t firstLine = 0;  ///< 1-based line of the atom count
    std::size_t atoms = 0;
    std::string comment;
    std::vector<std::string> atomLines;
};

Structure parseFrame(const RawFrame& frame, std::size_t index, const std::string& source,
                     const std::string& stem) {
    const std::string prefix = "frame " + std::to_string(index) + ": ";
    const std::size_t commentLine = frame.firstLine + 1;
    auto fail = [&](std::size_t line, const std::string& reason) -> FormatError {
        return FormatError(source, "line " + std::to_string(line), prefix + reason);
    };

    const auto pairs = splitKeyValues(frame.comment);
    if (!pairs) throw fail(commentLine, "unterminated quote or bracket in the comment line");
    const KeyValue* latticeEntry = findKey(*pairs, "Lattice");
    if (!latticeEntry) throw fail(commentLine, "no Lattice=: not periodic");
    std::string latticeText = latticeEntry->value;
    std::replace(latticeText.begin(), latticeText.end(), ',', ' ');
    const auto latticeWords = splitWords(latticeText);
    if (latticeWords.size() != 9) {
        throw fail(commentLine, "Lattice= needs 9 numbers (a, b, c vectors), found " +
                                    std::to_string(latticeWords.size()));
    }
    Eigen::Matrix3d rows;
    for (int i = 0; i < 9; ++i) {
        const auto value = parseNumber(latticeWords[static_cast<std::size_t>(i)]);
        if (!value || !std::isfinite(*value)) {
            throw fail(commentLine, "Lattice= value '" + latticeWords[static_cast<std::size_t>(i)] +
                                        "' is not a finite number");
        }
        rows(i / 3, i % 3) = *value;
    }
    std::optional<Lattice> lattice;
    try {
        lattice.emplace(rows);
    } catch (const ValueError& e) {
        throw fail(commentLine, std::string("Lattice=: ") + e.what());
    }

    ColumnLayout layout;
    const KeyValue* propertiesEntry = findKey(*pairs, "Properties");
    const std::string reason =
        parseProperties(propertiesEntry ? propertiesEntry->value : "species:S:1:pos:R:3", layout);
    if (!reason.empty()) throw fail(commentLine, reason);

    Structure structure(*lattice, {});
    structure.sites().reserve(frame.atoms);
    for (std::size_t i = 0; i < frame.atomLines.size(); ++i) {
        const std::size_t lineNumber = commentLine + 1 + i;
        const auto words = splitWords(frame.atomLines[i]);
        if (words.size() < layout.total) {
            throw fail(lineNumber,
                       "atom " + std::to_string(i + 1) + " has " + std::to_string(words.size()) +
                           " columns, Properties= declares " + std::to_string(layout.total));
        }
        Site site;
        if (layout.species) {
            const std::string& symbol = words[*layout.species];
            const auto z = findAtomicNumber(symbol);
            if (!z) throw fail(lineNumber, "unknown element '" + symbol + "'");
            site.z = *z;
        } else {
            const auto z = parseInteger(words[*layout.z]);
            if (!z || *z < 1 || *z > kMaxAtomicNumber) {
                throw fail(lineNumber, "bad atomic number '" + words[*layout.z] + "'");
            }
            site.z = static_cast<int>(*z);
        }
        Eigen::Vector3d cartesian;
        for (int k = 0; k < 3; ++k) {
            const std::string& word = words[*layout.pos + static_cast<std::size_t>(k)];
            const auto value = parseNumber(word);
            if (!value) throw fail(lineNumber, "cannot read a position from '" + word + "'");
            if (!std::isfinite(*value))
                throw fail(lineNumber, "position is not finite ('" + word + "')");
            cartesian[k] = *value;
        }
        site.frac = lattice->toFractional(cartesian);
        site.label = element(site.z).symbol;
        structure.addSite(std::move(site));
    }

    std::string id;
    for (const char* key : {"id", "material_id"}) {
        if (const KeyValue* kv = findKey(*pairs, key); kv && !kv->value.empty() && id.empty()) {
            id = kv->value;
        }
    }
    structure.setId(id.empty() ? stem + "_" + std::to_string(index) : id);
    for (const KeyValue& kv : *pairs) {
        if (!kv.hasValue || isReservedKey(kv.key)) continue;
        const auto words = splitWords(kv.value);
        if (words.size() != 1) continue;  // arrays and free text are not properties
        if (const auto value = parseNumber(words[0])) structure.setProperty(kv.key, *value);
    }
    return structure;
}

/// Quotes a key or value when it would not survive splitKeyValues as a bare word.
std::string quoteIfNeeded(const std::string& text) {
    const bool plain = !text.empty() && text.find_first_of(" \t\"'=\\{}[]") == std::string::npos;
    if (plain) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace

std::string extendedXyzStem(const std::string& sourceName) {
    std::string name = std::filesystem::path(sourceName).filename().string();
    for (const char* suffix : {".gz", ".bz2", ".GZ", ".BZ2"}) {
        const std::string_view s(suffix);
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
            name.erase(name.size() - s.size());
            break;
        }
    }
    return std::filesystem::path(name).stem().string();
}

std::size_t forEachExtendedXyzFrame(std::istream& in, const std::string& sourceName,
                                    const ExtendedXyzFrameCallback& onFrame,
                                    const ExtendedXyzErrorCallback& onBadFrame) {
    const std::string stem = extendedXyzStem(sourceName);
    std::size_t lineNumber = 0, frameIndex = 0, delivered = 0;
    std::string line;
    auto nextLine = [&]() {
        if (!std::getline(in, line)) return false;
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
    };
    while (nextLine()) {
        const auto words = splitWords(line);
        if (words.empty()) continue;  // blank lines between frames and at the end
        RawFrame frame;
        frame.firstLine = lineNumber;
        const auto count = parseInteger(words[0]);
        if (!count || *count < 0 || words.size() != 1) {
            // Without the atom count the next frame cannot be found: the file stops here.
            throw FormatError(sourceName, "line " + std::to_string(lineNumber),
                              "frame " + std::to_string(frameIndex) +
                                  ": expected the number of atoms, found '" + line + "'");
        }
        frame.atoms = static_cast<std::size_t>(*count);
        bool complete = nextLine();
        if (complete) frame.comment = line;
        while (complete && frame.atomLines.size() < frame.atoms) {
            complete = nextLine();
            if (complete) frame.atomLines.push_back(line);
        }
        try {
            if (!complete) {
                throw FormatError(sourceName, "line " + std::to_string(lineNumber + 1),
                                  "frame " + std::to_string(frameIndex) +
                                      ": unexpected end of file: expected " +
                                      std::to_string(frame.atoms) + " atoms, found " +
                                      std::to_string(frame.atomLines.size()));
            }
            if (frame.atoms == 0) {
                throw FormatError(sourceName, "line " + std::to_string(frame.firstLine),
                                  "frame " + std::to_string(frameIndex) + ": frame has no atoms");
            }
            Structure structure = parseFrame(frame, frameIndex, sourceName, stem);
            ++delivered;
            if (!onFrame(std::move(structure), frameIndex)) return delivered;
        } catch (const FormatError& e) {
            if (!onBadFrame) throw;
            if (!onBadFrame(e, frameIndex)) return delivered;
        }
        ++frameIndex;
    }
    return delivered;
}

std::vector<Structure> parseExtendedXyz(std::istream& in, const std::string& sourceName) {
    std::vector<Structure> frames;
    forEachExtendedXyzFrame(in, sourceName, [&](Structure&& s, std::size_t) {
        frames.push_back(std::move(s));
        return true;
    });
    return frames;
}

std::vector<Structure> readExtendedXyz(const std::string& path) {
    CompressedIStream in(path);
    return parseExtendedXyz(in, path);
}

std::string toExtendedXyzText(const std::vector<Structure>& structures) {
    std::string text;
    for (const Structure& s : structures) {
        text += std::to_string(s.size()) + "\nLattice=\"";
        for (int i = 0; i < 9; ++i) {
            if (i > 0) text += ' ';
            text += formatDouble(s.lattice().matrix()(i / 3, i % 3));
        }
        text += "\" Properties=species:S:1:pos:R:3";
        if (!s.id().empty()) {
            text += " id=";
            text += quoteIfNeeded(s.id());
        }
        for (const auto& [key, value] : s.properties()) {
            // A property named like a structural key would be misread as that key.
            if (isReservedKey(key)) continue;
            text += ' ';
            text += quoteIfNeeded(key);
            text += '=';
            text += formatDouble(value);
        }
        text += " pbc=\"T T T\"\n";
        for (std::size_t i = 0; i < s.size(); ++i) {
            const Eigen::Vector3d r = s.cartesian(i);
            text += element(s.site(i).z).symbol;
            for (int k = 0; k < 3; ++k) {
                text += ' ';
                text += formatDouble(r[k], 24);
            }
            text += '\n';
        }
    }
    return text;
}

void writeExtendedXyz(const std::string& path, const std::vector<Structure>& structures) {
    writeFileAtomically(path, toExtendedXyzText(structures));
}

}  // namespace cw
