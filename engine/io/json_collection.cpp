#include "io/json_collection.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/compressed_input.h"
#include "core/error.h"
#include "io/folder_collection.h"
#include "io/pymatgen_json.h"

namespace cw {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Input: decompressed bytes with Python's non-standard number literals made parseable.
// ---------------------------------------------------------------------------------------------

/// Feeds nlohmann's lexer from a CompressedInput through a plain pointer pair, which is faster
/// than its std::istream adapter. On the way it quotes the bare words NaN, Infinity and
/// -Infinity (outside strings) that Python's json module writes: one NaN would otherwise make
/// the whole file unreadable instead of one entry bad. As strings they are no numbers, so a
/// property holding one is dropped and a coordinate holding one makes its entry bad, with
/// "NaN" in the message. (nlohmann rejects non-finite numbers outright, so they cannot be
/// passed on as numbers.)
class JsonSource {
public:
    explicit JsonSource(const std::string& path) : m_input(path), m_raw(kChunk) {
        m_out.reserve(kChunk + 64);
    }

    const char* m_cursor = nullptr;
    const char* m_end = nullptr;

    /// Makes at least one more byte available; false at the end of the data.
    bool refill() {
        while (m_cursor == m_end) {
            if (m_eof) return false;
            m_consumedBefore += m_out.size();
            m_out.clear();
            const std::size_t got = m_input.read(m_raw.data(), m_raw.size());
            if (got == 0) {
                m_eof = true;
                flushWord();
            } else {
                filter(m_raw.data(), got);
            }
            m_cursor = m_out.data();
            m_end = m_out.data() + m_out.size();
        }
        return true;
    }

    /// Converts an offset in the text the lexer saw to one in the decompressed file: each word
    /// quoted before it lengthened the text by two bytes.
    std::size_t originalOffset(std::size_t lexerOffset) const {
        const auto before = std::lower_bound(m_quoteOffsets.begin(), m_quoteOffsets.end(),
                                             static_cast<std::uint64_t>(lexerOffset));
        return lexerOffset - 2 * static_cast<std::size_t>(before - m_quoteOffsets.begin());
    }

private:
    // Small reads: CompressedInput::read throws on a truncated stream without returning what it
    // decoded in that call, so the chunk size bounds what a truncation hides (entries that were
    // complete before the cut). Per-call cost is negligible at this size.
    static constexpr std::size_t kChunk = 1 << 12;

    void filter(const char* data, std::size_t n) {
        if (m_heldMinus) {
            m_out.push_back('-');
            m_heldMinus = false;
        }
        // Copies runs of untouched bytes in one go; only the bare words are rewritten.
        std::size_t runStart = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = data[i];
            if (m_inString) {
                if (m_escape)
                    m_escape = false;
                else if (c == '\\')
                    m_escape = true;
                else if (c == '"')
                    m_inString = false;
                continue;
            }
            if (!m_word.empty()) {
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                    m_word.push_back(c);
                    runStart = i + 1;
                    continue;
                }
                flushWord();
                runStart = i;
            }
            if (c == 'N' || c == 'I') {
                m_out.append(data + runStart, i - runStart);
                m_word.push_back(c);
                runStart = i + 1;
            } else if (c == '"') {
                m_inString = true;
            }
        }
        if (runStart < n) m_out.append(data + runStart, n - runStart);
        // A '-' ending the chunk may begin -Infinity (or precede its unfinished word), which
        // flushWord must be able to take back: hold it until the next chunk.
        if (!m_inString && !m_out.empty() && m_out.back() == '-') {
            m_out.pop_back();
            m_heldMinus = true;
        }
    }

    void flushWord() {
        if (m_heldMinus) {  // end of data right after a '-'
            m_out.push_back('-');
            m_heldMinus = false;
        }
        if (m_word.empty()) return;
        if (m_word == "NaN" || m_word == "Infinity") {
            // Every rewrite adds the two quotes: remembered to report offsets of the file.
            const bool negative = m_word == "Infinity" && !m_out.empty() && m_out.back() == '-';
            if (negative) m_out.pop_back();
            m_quoteOffsets.push_back(m_consumedBefore + m_out.size());
            m_out += negative ? "\"-Infinity\"" : "\"" + m_word + "\"";
        } else {
            m_out += m_word;  // not ours to fix: the lexer reports it
        }
        m_word.clear();
    }

    CompressedInput m_input;
    std::vector<char> m_raw;
    std::string m_out;
    std::string m_word;
    bool m_inString = false;
    bool m_escape = false;
    bool m_eof = false;
    std::uint64_t m_consumedBefore = 0;
    bool m_heldMinus = false;
    std::vector<std::uint64_t> m_quoteOffsets;
};

/// The input iterator nlohmann's iterator_input_adapter drives: `it != end` is the only call
/// that may refill, the others touch the current byte.
class JsonSourceIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    JsonSourceIterator() = default;
    explicit JsonSourceIterator(JsonSource* source) : m_source(source) {}

    char operator*() const { return *m_source->m_cursor; }
    JsonSourceIterator& operator++() {
        ++m_source->m_cursor;
        return *this;
    }
    JsonSourceIterator operator++(int) {
        JsonSourceIterator old = *this;
        ++*this;
        return old;
    }
    // Only ever compared with the default-constructed end iterator.
    bool operator!=(const JsonSourceIterator&) const {
        return m_source->m_cursor != m_source->m_end || m_source->refill();
    }
    bool operator==(const JsonSourceIterator& other) const { return !(*this != other); }

private:
    JsonSource* m_source = nullptr;
};

// ---------------------------------------------------------------------------------------------
// A DOM of one value, built from SAX events.
// ---------------------------------------------------------------------------------------------

class DomBuilder {
public:
    bool active() const { return m_active; }
    /// Nesting depth inside the value being built (1 = directly inside its root container).
    std::size_t depth() const { return m_stack.size(); }

    /// Adds a scalar inside the value being built (the handler never starts one with a scalar).
    void scalar(json&& value) { insert(std::move(value)); }
    void open(json&& container) {
        if (!m_active) {
            m_root = std::move(container);
            m_stack.push_back(&m_root);
            m_active = true;
            return;
        }
        m_stack.push_back(insert(std::move(container)));
    }
    void key(std::string& name) { m_key = std::move(name); }
    /// Closes the innermost container; returns true when that completed the root.
    bool close() {
        m_stack.pop_back();
        if (m_stack.empty()) {
            m_active = false;
            return true;
        }
        return false;
    }
    json take() { return std::move(m_root); }

private:
    json* insert(json&& value) {
        json* parent = m_stack.back();
        if (parent->is_array()) {
            auto& array = parent->get_ref<json::array_t&>();
            array.push_back(std::move(value));
            return &array.back();
        }
        auto& object = parent->get_ref<json::object_t&>();
        // Last duplicate key wins, as in nlohmann's own DOM parser.
        auto [it, inserted] = object.try_emplace(std::move(m_key));
        it->second = std::move(value);
        return &it->second;
    }

    json m_root;
    std::vector<json*> m_stack;
    std::string m_key;
    bool m_active = false;
};

std::string locationOf(std::size_t index, const std::string& id) {
    std::string location = "entry " + std::to_string(index);
    if (!id.empty()) location += " (" + id + ")";
    return location;
}

// ---------------------------------------------------------------------------------------------
// The SAX handler: the top-level shape, one document at a time.
// ---------------------------------------------------------------------------------------------

class CollectionHandler {
public:
    CollectionHandler(const std::string& path, const StructureCallback& onStructure,
                      ProblemLog& problems, std::stop_token stop)
        : m_path(path), m_onStructure(onStructure), m_problems(problems), m_stop(stop) {}

    // SAX interface (nlohmann::json_sax).
    bool null() { return scalar(json()); }
    bool boolean(bool value) { return scalar(json(value)); }
    bool number_integer(json::number_integer_t value) { return scalar(json(value)); }
    bool number_unsigned(json::number_unsigned_t value) { return scalar(json(value)); }
    bool number_float(json::number_float_t value, const std::string&) {
        return scalar(json(value));
    }
    bool string(std::string& value) { return scalar(json(std::move(value))); }
    bool binary(json::binary_t&) { return true; }  // JSON text has none

    bool start_object(std::size_t) { return open(json::value_t::object); }
    bool start_array(std::size_t) { return open(json::value_t::array); }
    bool key(std::string& name) {
        if (m_state == State::TopObject && m_top.depth() == 1) {
            m_streamKeyPending = name == "entries" || name == "data";
        }
        (m_doc.active() ? m_doc : m_top).key(name);
        return true;
    }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) {
        m_syntaxPosition = position;
        // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error …":
        // the bracketed tag means nothing to a user, and nlohmann's line and column are of the
        // decompressed text, which the byte offset states more usefully.
        std::string message = error.what();
        if (message.rfind("[json.exception.", 0) == 0) {
            if (const std::size_t end = message.find("] "); end != std::string::npos) {
                message.erase(0, end + 2);
            }
        }
        if (message.rfind("parse error at line", 0) == 0) {
            if (const std::size_t colon = message.find(": "); colon != std::string::npos) {
                message.erase(0, colon + 2);
            }
        }
        m_syntaxMessage = std::move(message);
        return false;
    }

    std::size_t delivered() const { return m_delivered; }
    std::size_t entriesSeen() const { return m_nextIndex; }
    bool stopped() const { return m_stopped; }
    const std::optional<std::size_t>& syntaxPosition() const { return m_syntaxPosition; }
    const std::string& syntaxMessage() const { return m_syntaxMessage; }

    /// After a successful parse: handles a top-level object that was one document.
    void finish() {
        if (m_stopped || m_streamed || m_state != State::Done || !m_topIsObject) return;
        json document = m_top.take();
        const bool isDocument = document.contains("structure") ||
                                (document.contains("lattice") && document.contains("sites"));
        if (!isDocument) {
            throw FormatError(m_path, "",
                              "not a structure collection: expected a pymatgen Structure dict, "
                              "a JSON array of Materials Project documents or an Alexandria "
                              "file (an object with 'entries')");
        }
        handleDocument(std::move(document));
    }

private:
    enum class State { Start, TopArray, TopObject, Entries, Done };

    bool inStream() const { return m_state == State::TopArray || m_state == State::Entries; }

    bool scalar(json&& value) {
        if (m_doc.active()) {
            m_doc.scalar(std::move(value));
            return true;
        }
        if (inStream()) {
            // An array element that is not an object cannot be a document.
            const std::size_t index = m_nextIndex++;
            m_problems.add(m_path + ":" + locationOf(index, {}),
                           std::string("not a document (a JSON ") + value.type_name() + ")");
            if (m_stop.stop_requested()) m_stopped = true;
            return !m_stopped;
        }
        if (m_state == State::TopObject) {
            m_streamKeyPending = false;
            m_top.scalar(std::move(value));
            return true;
        }
        throw FormatError(m_path, "",
                          std::string("not a structure collection: the file holds a single JSON ") +
                              value.type_name());
    }

    bool open(json::value_t type) {
        if (m_doc.active()) {
            m_doc.open(json(type));
            return true;
        }
        switch (m_state) {
            case State::Start:
                if (type == json::value_t::array) {
                    m_state = State::TopArray;
                } else {
                    m_state = State::TopObject;
                    m_topIsObject = true;
                    m_top.open(json(type));
                }
                return true;
            case State::TopArray:
            case State::Entries:
                m_doc.open(json(type));
                return true;
            case State::TopObject:
                if (m_streamKeyPending && m_top.depth() == 1 && type == json::value_t::array) {
                    m_streamKeyPending = false;
                    m_state = State::Entries;
                    m_streamed = true;
                    return true;
                }
                m_streamKeyPending = false;
                m_top.open(json(type));
                return true;
            case State::Done:
                break;
        }
        return true;
    }

    bool close() {
        if (m_doc.active()) {
            if (m_doc.close()) return handleDocument(m_doc.take());
            return true;
        }
        switch (m_state) {
            case State::TopArray:
                m_state = State::Done;
                return true;
            case State::Entries:
                m_state = State::TopObject;
                return true;
            case State::TopObject:
                if (m_top.close()) m_state = State::Done;
                return true;
            case State::Start:
            case State::Done:
                break;
        }
        return true;
    }

    /// Converts and delivers one document; false stops the parse.
    bool handleDocument(json&& document) {
        const std::size_t index = m_nextIndex++;
        std::optional<Structure> structure;
        std::string id;
        try {
            id = jsonDocumentId(document);
            const std::string location = locationOf(index, id);
            structure = structureFromJsonDocument(document, m_path, location);
            if (structure->id().empty() && m_topIsObject && !m_streamed) {
                // A lone Structure dict is known by its file name, like a POSCAR.
                structure->setId(structureFileStem(m_path));
            }
        } catch (const FormatError& e) {
            const std::string where = m_path + ":" + locationOf(index, id);
            const bool sameWhere = e.path() == m_path && e.location() == locationOf(index, id);
            m_problems.add(where, sameWhere ? e.reason() : e.what());
        } catch (const Error& e) {
            m_problems.add(m_path + ":" + locationOf(index, id), e.what());
        } catch (const json::exception& e) {
            m_problems.add(m_path + ":" + locationOf(index, id), e.what());
        }
        document = json();  // free the DOM before the callback does its own work
        if (structure) {
            ++m_delivered;
            if (!m_onStructure(std::move(*structure), index)) {
                m_stopped = true;
                return false;
            }
        }
        if (m_stop.stop_requested()) {
            m_stopped = true;
            return false;
        }
        return true;
    }

    const std::string& m_path;
    const StructureCallback& m_onStructure;
    ProblemLog& m_problems;
    std::stop_token m_stop;

    State m_state = State::Start;
    DomBuilder m_top;  ///< the top-level object, less a streamed `entries` array
    DomBuilder m_doc;  ///< the current element of the streamed array
    bool m_topIsObject = false;
    bool m_streamKeyPending = false;
    bool m_streamed = false;
    bool m_stopped = false;
    std::size_t m_nextIndex = 0;
    std::size_t m_delivered = 0;
    std::optional<std::size_t> m_syntaxPosition;
    std::string m_syntaxMessage;
};

bool isReservedDocumentField(const std::string& name) {
    return name == "material_id" || name == "formula_pretty" || name == "nsites" ||
           name == "structure";
}

void addNumericFields(const json& object, Structure& structure, bool overwrite) {
    for (const auto& [key, value] : object.items()) {
        if (!value.is_number() || key == "nsites") continue;
        const double x = value.get<double>();
        if (!std::isfinite(x)) continue;
        if (!overwrite && structure.properties().count(key)) continue;
        structure.setProperty(key, x);
    }
}

std::string idString(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<long long>());
    return {};
}

}  // namespace

std::string jsonDocumentId(const nlohmann::json& document) {
    if (!document.is_object()) return {};
    if (const auto it = document.find("material_id"); it != document.end()) {
        if (std::string id = idString(*it); !id.empty()) return id;
    }
    if (const auto data = document.find("data"); data != document.end() && data->is_object()) {
        if (const auto it = data->find("mat_id"); it != data->end()) {
            if (std::string id = idString(*it); !id.empty()) return id;
        }
    }
    if (const auto it = document.find("entry_id"); it != document.end()) {
        if (std::string id = idString(*it); !id.empty()) return id;
    }
    if (const auto props = document.find("properties");
        props != document.end() && props->is_object() && !document.contains("structure")) {
        if (const auto it = props->find("material_id"); it != props->end()) {
            return idString(*it);
        }
    }
    return {};
}

Structure structureFromJsonDocument(const nlohmann::json& document, const std::string& path,
                                    const std::string& location) {
    const std::string where = path + ":" + location;
    auto rethrowHere = [&](const FormatError& e) -> FormatError {
        // structureFromPymatgenDict names `where` as its path; restate it as path + location.
        std::string reason = e.location().empty() ? e.reason() : e.location() + ": " + e.reason();
        return FormatError(path, location, reason);
    };
    if (!document.is_object()) {
        throw FormatError(path, location,
                          std::string("not a document (a JSON ") + document.type_name() + ")");
    }
    Structure structure;
    try {
        if (const auto nested = document.find("structure"); nested != document.end()) {
            structure = structureFromPymatgenDict(*nested, where);
            addNumericFields(document, structure, true);
            if (const auto symmetry = document.find("symmetry");
                symmetry != document.end() && symmetry->is_object()) {
                if (const auto number = symmetry->find("number");
                    number != symmetry->end() && number->is_number()) {
                    structure.setProperty("symmetry_number", number->get<double>());
                }
            }
            if (const auto data = document.find("data");
                data != document.end() && data->is_object()) {
                addNumericFields(*data, structure, false);
            }
        } else if (document.contains("lattice") && document.contains("sites")) {
            structure = structureFromPymatgenDict(document, where);
        } else {
            throw FormatError(path, location,
                              "no 'structure' field (not a Materials Project document, "
                              "ComputedStructureEntry or Structure dict)");
        }
    } catch (const FormatError& e) {
        if (e.path() == path && e.location() == location) throw;
        throw rethrowHere(e);
    } catch (const ValueError& e) {
        throw FormatError(path, location, e.what());
    }
    if (structure.size() == 0) throw FormatError(path, location, "the structure has no sites");
    structure.setId(jsonDocumentId(document));
    return structure;
}

nlohmann::json summaryDocumentFromStructure(const Structure& structure) {
    json document = json::object();
    if (!structure.id().empty()) document["material_id"] = structure.id();
    if (structure.size() > 0) document["formula_pretty"] = structure.reducedFormula();
    document["nsites"] = structure.size();
    json dict = structureToPymatgenDict(structure);
    // The properties live once, at the top level, where MP documents keep them.
    dict["properties"] = json::object();
    document["structure"] = std::move(dict);
    for (const auto& [name, value] : structure.properties()) {
        if (isReservedDocumentField(name)) {
            throw ConfigError("cannot write property '" + name + "' of " +
                              (structure.id().empty() ? "a structure" : structure.id()) +
                              ": the name is a field of Materials Project documents");
        }
        document[name] = value;
    }
    return document;
}

std::size_t forEachJsonStructure(const std::string& path, const StructureCallback& onStructure,
                                 ProblemLog& problems, std::stop_token stop) {
    JsonSource source(path);
    if (stop.stop_requested()) return 0;
    CollectionHandler handler(path, onStructure, problems, stop);
    try {
        json::sax_parse(JsonSourceIterator(&source), JsonSourceIterator(), &handler);
    } catch (const IoError& e) {
        if (handler.entriesSeen() == 0) throw;
        // Say how far it got: those entries were delivered and are not lost.
        const std::string what = e.what();
        const std::string prefix = e.path() + ": ";
        const std::string reason = what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
        throw IoError(path, reason + " (after " + std::to_string(handler.entriesSeen()) +
                                " entries were read)");
    }
    if (handler.stopped()) return handler.delivered();
    if (handler.syntaxPosition()) {
        std::string reason = handler.syntaxMessage();
        if (handler.entriesSeen() > 0) {
            reason += " (after " + std::to_string(handler.entriesSeen()) + " entries were read)";
        }
        throw FormatError(
            path, "byte " + std::to_string(source.originalOffset(*handler.syntaxPosition())),
            reason);
    }
    handler.finish();
    return handler.delivered();
}

}  // namespace cw
