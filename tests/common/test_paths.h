#pragma once
// Where test data lives. tests/data/ ships with the project; ../shared/data/ is the large real
// collection beside the checkout, which tests skip (QSKIP with a clear message) when absent.

#include <cstdlib>
#include <filesystem>
#include <string>

namespace cw::test {

inline std::string testDataPath(const std::string& relative) {
    return std::string(CW_TEST_DATA_DIR) + "/" + relative;
}

/// The shared data folder: $CW_SHARED_DATA if set, else ../shared/data beside the checkout.
inline std::string sharedDataDir() {
    if (const char* env = std::getenv("CW_SHARED_DATA")) return env;
    return CW_SHARED_DATA_DIR;
}

inline bool sharedDataAvailable() { return std::filesystem::is_directory(sharedDataDir()); }

inline std::string sharedDataPath(const std::string& relative) {
    return sharedDataDir() + "/" + relative;
}

}  // namespace cw::test

/// Skips the current test function when ../shared/data is absent (a lone clone).
#define CW_REQUIRE_SHARED_DATA()                                                              \
    do {                                                                                      \
        if (!cw::test::sharedDataAvailable())                                                 \
            QSKIP(("shared data folder not found at " + cw::test::sharedDataDir() +           \
                   " (set CW_SHARED_DATA); this test uses the large real collections")        \
                      .c_str());                                                              \
    } while (false)
