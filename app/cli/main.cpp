// cwb: command-line entry point. Maps exceptions to exit codes: 0 ok, 1 bad input, 2 usage.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands/command.h"
#include "core/error.h"
#include "option_suggestion.h"
#include "torch_handover.h"

int main(int argc, char** argv) {
#ifdef CW_TORCH_HANDOVER
    // Before anything else: a LibTorch command runs in cwb-torch; the rest start at once.
    if (cw::cli::needsTorch(argc, argv)) {
        const char* why = cw::cli::handOverToTorch(argv);
        std::cerr << "cwb: cannot run cwb-torch for this command: " << why << '\n';
    }
#endif
    CLI::App app{"Crystal Workbench command line: crystals, ECD slices, encodings, models"};
    app.name("cwb");
    app.set_version_flag("--version", std::string(cw::cli::versionText()));
    app.require_subcommand(1);
    app.fallthrough();
    cw::cli::registerCommands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        if (code == 0) return 0;
        if (auto suggestion = cw::cli::suggestOption(app, argc, argv)) {
            std::cerr << "cwb: unknown option " << suggestion->first << "; did you mean "
                      << suggestion->second << "?\n";
        }
        return cw::cli::kExitUsage;
    }
    try {
        return cw::cli::runSelected(app);
    } catch (const cw::ConfigError& e) {
        std::cerr << "cwb: " << e.what() << '\n';
        return cw::cli::kExitUsage;
    } catch (const cw::Error& e) {
        std::cerr << "cwb: " << e.what() << '\n';
        return cw::cli::kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "cwb: unexpected error: " << e.what() << '\n';
        return cw::cli::kExitBadInput;
    }
}
