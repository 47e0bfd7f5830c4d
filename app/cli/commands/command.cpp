#include "commands/command.h"
#include "core/library_versions.h"

#include <map>

namespace cw::cli {
namespace {
std::map<const CLI::App*, CommandAction>& actions() {
    static std::map<const CLI::App*, CommandAction> table;
    return table;
}

/// The deepest parsed subcommand that has an action ("cwb ecd build" → build).
const CLI::App* selected(const CLI::App& app) {
    for (const CLI::App* sub : app.get_subcommands()) {
        if (const CLI::App* deeper = selected(*sub)) return deeper;
        if (actions().count(sub)) return sub;
    }
    return nullptr;
}
}  // namespace

std::string_view versionText() {
    static const std::string text = "cwb " + workbenchVersion();
    return text;
}

void setAction(CLI::App* subcommand, CommandAction action) {
    actions()[subcommand] = std::move(action);
}

void registerCommands(CLI::App& app) {
    registerInfoCommand(app);
    registerConvertCommand(app);
    registerVersionCommand(app);
    registerEcdCommand(app);
    registerCrystensCommand(app);
    registerEncodeCommands(app);
    registerDiffusionCommand(app);
    registerGenerateCommand(app);
    registerBenchCommand(app);
    registerEvalCommand(app);
    registerPropsCommand(app);
}

int runSelected(CLI::App& app) {
    const CLI::App* sub = selected(app);
    if (!sub) throw CLI::CallForHelp();
    return actions().at(sub)();
}

}  // namespace cw::cli
