#pragma once
// Several QtTest classes in one executable per layer (issue 20: one link instead of one per
// class). CMake force-includes this header into every test source: after <QtTest> it redefines
// QTEST_MAIN_WRAPPER, which QTEST_MAIN, QTEST_GUILESS_MAIN and QTEST_APPLESS_MAIN expand to, so
// that a test file's usual last line registers its class under the file's name instead of
// defining main(). test_main.cpp runs the class its first argument names (CTest passes it), in a
// process of its own, with the application object and initMain() QtTest would have given it.

#include <QtTest>
#include <functional>

namespace cw::test {

/// Runs one test class as QtTest's main would, with argv[0] and QtTest's own options.
using TestMain = std::function<int(int argc, char** argv)>;

/// Registers the test class of `sourceFile` (its name without folder and extension, e.g.
/// "test_cif"); returns a dummy for a static initialiser.
int registerTest(const char* sourceFile, TestMain main);

/// This build's paths, written by tests/CMakeLists.txt into a generated source of each test
/// executable. They stay off the compiler's command line so that a test unit compiles to the
/// same bytes in every checkout, and ccache serves a fresh clone's build from the cache.
extern const char* const kSourceDir;            ///< the checkout
extern const char* const kTestDataDir;          ///< tests/data
extern const char* const kSharedDataDir;        ///< ../shared/data (CW_SHARED_DATA overrides it)
extern const char* const kCwbExecutable;        ///< the built `cwb`
extern const char* const kWorkbenchExecutable;  ///< the built `crystal-workbench` ("" if none)

}  // namespace cw::test

#define CW_SOURCE_DIR (::cw::test::kSourceDir)
#define CW_TEST_DATA_DIR (::cw::test::kTestDataDir)
#define CW_SHARED_DATA_DIR (::cw::test::kSharedDataDir)
#define CWB_EXECUTABLE (::cw::test::kCwbExecutable)
#define CW_WORKBENCH_EXECUTABLE (::cw::test::kWorkbenchExecutable)

#undef QTEST_MAIN_WRAPPER
#define QTEST_MAIN_WRAPPER(TestObject, ...)                                    \
    [[maybe_unused]] static const int cwTestRegistration =                     \
        ::cw::test::registerTest(__FILE__, [](int argc, char** argv) -> int {  \
            QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>(); \
            __VA_ARGS__                                                        \
            TestObject tc;                                                     \
            QTEST_SET_MAIN_SOURCE_PATH                                         \
            return QTest::qExec(&tc, argc, argv);                              \
        });
