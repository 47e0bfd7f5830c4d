// cwb eval: judging generated slices (docs/spec/metrics.md, docs/evaluation.md). The subcommands live
// in eval_count.cpp (atoms per slice), eval_ks.cpp (two-sample KS test and Wasserstein-1
// distance), eval_fid.cpp (FID/KID), eval_report.cpp (the whole evaluation as a folder) and
// eval_crystals.cpp (generated crystals judged as crystals).
#include "commands/command.h"

namespace cw::cli {

void registerEvalCommand(CLI::App& app) {
    CLI::App* eval = app.add_subcommand(
        "eval",
        "Evaluate slices (atoms per slice, KS test, FID/KID, reports) and generated crystals");
    eval->require_subcommand(1);
    addEvalCountCommand(*eval);
    addEvalKsCommand(*eval);
    addEvalFidCommand(*eval);
    addEvalReportCommand(*eval);
    addEvalEncoderCommand(*eval);
    addEvalCrystalsCommand(*eval);
}

}  // namespace cw::cli
