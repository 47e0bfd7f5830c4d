#pragma once
/// @file Reading the ml configs' JSON objects strictly: unknown keys and wrong types are
/// ConfigErrors that name the key (a typo must not silently train another model). Internal to
/// the ml config files; includes nlohmann_json.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"

namespace cw::ml::detail {

/// Parses `text` as a JSON object. `what` names the config in messages ("model config").
/// Throws ConfigError for invalid JSON or a value that is not an object.
nlohmann::json parseConfigObject(const std::string& text, const std::string& what);

/// Throws ConfigError naming the first key of `object` that is not in `known`.
void rejectUnknownKeys(const nlohmann::json& object, const std::vector<std::string>& known,
                       const std::string& what);

/// Sets `value` from object[key] when the key is present (else leaves it). Throws ConfigError
/// naming the key when the JSON value has the wrong type or range for T.
template <class T>
void readField(const nlohmann::json& object, const char* key, T& value, const std::string& what) {
    const auto it = object.find(key);
    if (it == object.end()) return;
    bool ok = false;
    if constexpr (std::is_same_v<T, bool>) {
        ok = it->is_boolean();
    } else if constexpr (std::is_integral_v<T>) {
        ok = it->is_number_integer();
    } else if constexpr (std::is_floating_point_v<T>) {
        ok = it->is_number();
    } else {
        static_assert(std::is_same_v<T, std::string>, "readField: unsupported type");
        ok = it->is_string();
    }
    if (ok) {
        try {
            value = it->get<T>();
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                // get<int> wraps out-of-range values silently: compare through the widest type.
                if (it->is_number_unsigned()) {
                    ok = static_cast<std::uint64_t>(value) == it->get<std::uint64_t>();
                } else {
                    ok = !std::is_unsigned_v<T> &&
                         static_cast<std::int64_t>(value) == it->get<std::int64_t>();
                }
            }
        } catch (const nlohmann::json::exception&) {
            ok = false;
        }
    }
    if (!ok) {
        throw ConfigError(what + ": key '" + key + "' has the wrong type or range (" + it->dump() +
                          ")");
    }
}

/// The same for a list of integers (a JSON array of integers that fit in int).
void readField(const nlohmann::json& object, const char* key, std::vector<int>& value,
               const std::string& what);

}  // namespace cw::ml::detail
