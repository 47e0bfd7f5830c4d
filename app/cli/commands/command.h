#pragma once
// The commands of cwb. Each command file defines one register function that adds a subcommand
// and its callback; runSelected() runs the callback of the parsed one.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>

namespace cw::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitUsage = 2;

std::string_view versionText();

/// A parsed subcommand's action; returns the exit code.
using CommandAction = std::function<int()>;

/// Registers a subcommand's action (called by each command's register function).
void setAction(CLI::App* subcommand, CommandAction action);

void registerCommands(CLI::App& app);
int runSelected(CLI::App& app);

// One per command file.
void registerInfoCommand(CLI::App& app);
void registerConvertCommand(CLI::App& app);
void registerVersionCommand(CLI::App& app);
void registerEcdCommand(CLI::App& app);  // commands/ecd.cpp: cwb ecd slice|chgcar|build|merge
void registerCrystensCommand(CLI::App& app);  // commands/crystens.cpp: cwb crystens build|merge
void registerEncodeCommands(CLI::App& app);  // commands/encode.cpp: cwb encode|decode
void registerDiffusionCommand(CLI::App& app);  // commands/diffusion.cpp: cwb diffusion train|sample
void registerBenchCommand(CLI::App& app);  // commands/bench.cpp: cwb bench ecd
void addBenchEncodeCommand(CLI::App& bench);  // commands/bench_encode.cpp: cwb bench encode
void addBenchDiffusionCommand(CLI::App& bench);  // commands/bench_diffusion.cpp: cwb bench diffusion
void addBenchCrystalsCommand(CLI::App& bench);  // commands/bench_crystals.cpp: cwb bench crystals
void registerEvalCommand(CLI::App& app);  // commands/eval.cpp: cwb eval count|ks|fid|report
void addEvalCountCommand(CLI::App& eval);  // commands/eval_count.cpp: cwb eval count
void addEvalKsCommand(CLI::App& eval);  // commands/eval_ks.cpp: cwb eval ks
void addEvalFidCommand(CLI::App& eval);  // commands/eval_fid.cpp: cwb eval fid
void addEvalReportCommand(CLI::App& eval);  // commands/eval_report.cpp: cwb eval report
void addEvalEncoderCommand(CLI::App& eval);  // commands/eval_encoder.cpp: cwb eval encoder
void addEvalCrystalsCommand(CLI::App& eval);  // commands/eval_crystals.cpp: cwb eval crystals
void registerGenerateCommand(CLI::App& app);  // commands/generate.cpp: cwb generate
void registerPropsCommand(CLI::App& app);  // commands/props.cpp: cwb props train|predict|report

/// The help line of a LibTorch command in a cwb compiled without it: as is where cwb hands the
/// command to cwb-torch (torch_handover.h), else marked as missing from this build.
inline std::string torchCommandHelp(const std::string& what) {
#ifdef CW_TORCH_HANDOVER
    return what;
#else
    return what + " (this build has no LibTorch)";
#endif
}

}  // namespace cw::cli
