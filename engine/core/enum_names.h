#pragma once
/// @file Names of enum values, written once per enum as a table: the name of a value, the
/// value of a name, and the "a, b or c" list that error messages offer are all read from it.
///
///     constexpr EnumName<Clipping> kClippingNames[] = {
///         {Clipping::None, "none"}, {Clipping::Static, "static"}, {Clipping::Dynamic, "dynamic"}};

#include <cstddef>
#include <optional>
#include <string>

namespace cw {

/// One name of a value. An alias ("mae" for l1) is read but never written or offered.
template <class E>
struct EnumName {
    E value;
    const char* name;
    bool alias = false;
};

/// The name of `value`; the first entry's name for a value the table lacks (never null).
template <class E, std::size_t N>
constexpr const char* enumName(const EnumName<E> (&table)[N], E value) {
    for (const EnumName<E>& entry : table)
        if (entry.value == value && !entry.alias) return entry.name;
    return table[0].name;
}

/// The value named `name` (exact, case-sensitive), if any.
template <class E, std::size_t N>
std::optional<E> enumFromName(const EnumName<E> (&table)[N], const std::string& name) {
    for (const EnumName<E>& entry : table)
        if (name == entry.name) return entry.value;
    return std::nullopt;
}

/// "a, b or c": the names (no aliases) for an error message, in table order.
template <class E, std::size_t N>
std::string enumNameList(const EnumName<E> (&table)[N], const char* lastJoin = " or ") {
    std::size_t count = 0;
    for (const EnumName<E>& entry : table) count += entry.alias ? 0 : 1;
    std::string list;
    std::size_t written = 0;
    for (const EnumName<E>& entry : table) {
        if (entry.alias) continue;
        if (written > 0) list += written + 1 == count ? lastJoin : ", ";
        list += entry.name;
        ++written;
    }
    return list;
}

}  // namespace cw
