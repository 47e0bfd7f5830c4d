#pragma once
/// @file A config's fields written once. Each config has one function that walks its fields,
/// `visit(key, member)` for plain values and `visit(key, member, nameOf, parse)` for enums;
/// the visitors below turn that one list into the JSON writer, the strict JSON reader and the
/// list of known keys. Internal to the ml config files; includes nlohmann_json.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/error.h"
#include "core/name_list.h"
#include "ml/config_json.h"

namespace cw::ml::detail {

/// Writes each field into `json` (enums by name).
template <class Json>
struct FieldWriter {
    Json& json;
    template <class T>
    void operator()(const char* key, const T& value) {
        json[key] = value;
    }
    template <class E>
    void operator()(const char* key, const E& value, const char* (*nameOf)(E),
                    E (*)(const std::string&)) {
        json[key] = nameOf(value);
    }
};

/// Reads each key `object` has into its field, leaving the others; a wrong type is a
/// ConfigError naming `what` and the key (readField), an unknown enum name the enum's own.
struct FieldReader {
    const nlohmann::json& object;
    const std::string& what;
    template <class T>
    void operator()(const char* key, T& value) {
        readField(object, key, value, what);
    }
    /// A list of names: a JSON list, or one comma-separated string as on the command line.
    void operator()(const char* key, std::vector<std::string>& value) {
        const auto it = object.find(key);
        if (it == object.end()) return;
        if (it->is_string()) {
            value = splitNameList(it->get<std::string>());
            return;
        }
        if (!it->is_array())
            throw ConfigError(what + ": key '" + key + "' must be a list of names, not " +
                              it->dump());
        value.clear();
        for (const auto& name : *it) {
            if (!name.is_string())
                throw ConfigError(what + ": key '" + key + "' must hold names, not " + name.dump());
            value.push_back(name.get<std::string>());
        }
    }
    template <class E>
    void operator()(const char* key, E& value, const char* (*nameOf)(E),
                    E (*parse)(const std::string&)) {
        std::string name = nameOf(value);
        readField(object, key, name, what);
        value = parse(name);
    }
};

/// Collects the keys, for rejectUnknownKeys.
struct FieldKeys {
    std::vector<std::string> keys;
    template <class... Rest>
    void operator()(const char* key, Rest&&...) {
        keys.emplace_back(key);
    }
};

}  // namespace cw::ml::detail
