// The main() of a layer's test executable: `tests_engine test_cif [QtTest options]` runs the
// class registered by test_cif.cpp (see test_registry.h); without a known name it lists them.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "test_registry.h"

namespace cw::test {
namespace {
std::map<std::string, TestMain>& registry() {
    static std::map<std::string, TestMain> tests;  // filled by static initialisers
    return tests;
}
}  // namespace

int registerTest(const char* sourceFile, TestMain main) {
    std::string name = sourceFile;
    name = name.substr(name.find_last_of("/\\") + 1);
    name = name.substr(0, name.find('.'));
    registry()[name] = std::move(main);
    return 0;
}

}  // namespace cw::test

int main(int argc, char** argv) {
    const auto& tests = cw::test::registry();
    const auto test = argc > 1 ? tests.find(argv[1]) : tests.end();
    if (test == tests.end()) {
        std::fprintf(stderr, "usage: %s TEST [QtTest options]\nTESTs in this executable:\n",
                     argv[0]);
        for (const auto& [name, run] : tests) std::fprintf(stderr, "  %s\n", name.c_str());
        return 2;
    }
    // QtTest sees the test's own command line: the program, then what follows the name.
    std::vector<char*> args{argv[0]};
    args.insert(args.end(), argv + 2, argv + argc);
    args.push_back(nullptr);
    return test->second(argc - 1, args.data());
}
