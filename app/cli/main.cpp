// cwb: command-line entry point. Maps exceptions to exit codes: 0 ok, 1 bad input, 2 usage.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands/command.h"
#include "core/error.h"

int main(int argc, char** argv) {
    CLI::App app{"Crystal Workbench command line: crystals, ECD slices, encodings, models"};
    app.name("cwb");
    app.set_version_flag("--version", std::string(cw::cli::versionText()));
    app.require_subcommand(1);
    app.fallthrough();
    cw::cli::registerCommands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : cw::cli::kExitUsage;
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
