#include "ml/config_json.h"

#include <limits>

namespace cw::ml::detail {

nlohmann::json parseConfigObject(const std::string& text, const std::string& what) {
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw ConfigError(what + ": invalid JSON: " + e.what());
    }
    if (!object.is_object())
        throw ConfigError(what + ": expected a JSON object, got " +
                          std::string(object.type_name()));
    return object;
}

void rejectUnknownKeys(const nlohmann::json& object, const std::vector<std::string>& known,
                       const std::string& what) {
    for (const auto& item : object.items()) {
        bool found = false;
        for (const std::string& key : known) found = found || item.key() == key;
        if (!found) {
            std::string list;
            for (const std::string& key : known) {
                if (!list.empty()) list += ", ";
                list += key;
            }
            throw ConfigError(what + ": unknown key '" + item.key() + "' (known keys: " + list +
                              ")");
        }
    }
}

void readField(const nlohmann::json& object, const char* key, std::vector<int>& value,
               const std::string& what) {
    const auto it = object.find(key);
    if (it == object.end()) return;
    if (!it->is_array()) {
        throw ConfigError(what + ": key '" + key + "' must be an array of integers, not " +
                          it->dump());
    }
    std::vector<int> values;
    for (const auto& element : *it) {
        const bool fits = element.is_number_integer() &&
                          element.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                          (element.is_number_unsigned()
                               ? element.get<std::uint64_t>() <=
                                     static_cast<std::uint64_t>(std::numeric_limits<int>::max())
                               : element.get<std::int64_t>() <= std::numeric_limits<int>::max());
        if (!fits) {
            throw ConfigError(what + ": key '" + key + "' must be an array of integers; " +
                              element.dump() + " is not one");
        }
        values.push_back(static_cast<int>(element.get<std::int64_t>()));
    }
    value = std::move(values);
}

}  // namespace cw::ml::detail
