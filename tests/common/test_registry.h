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

}  // namespace cw::test

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
