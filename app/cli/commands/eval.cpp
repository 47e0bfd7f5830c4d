// cwb eval: judging generated slices (docs metrics.md). The subcommands live in eval_count.cpp
// (atoms per slice) and eval_ks.cpp (two-sample KS test and Wasserstein-1 distance).
#include "commands/command.h"

namespace cw::cli {

void registerEvalCommand(CLI::App& app) {
    CLI::App* eval = app.add_subcommand(
        "eval", "Evaluate slices: atoms per slice, KS test between count distributions");
    eval->require_subcommand(1);
    addEvalCountCommand(*eval);
    addEvalKsCommand(*eval);
}

}  // namespace cw::cli
