#pragma once
// Checking error messages in tests: what an expected exception says, and whether a message
// names what it must (the file, the entry, the reason).

#include <string>

namespace cw::test {

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// The message of the `E` that `call` throws; "" when it throws nothing (another exception type
/// escapes, failing the test).
template <class E, class F>
std::string errorOf(F&& call) {
    try {
        call();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

}  // namespace cw::test
