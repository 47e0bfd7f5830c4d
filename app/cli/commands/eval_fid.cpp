// cwb eval fid: Fréchet (FID) and kernel (KID) distances between real and generated images on a
// named feature extractor (docs/evaluation.md). Every number is printed with its extractor and
// the image counts, since FID depends on both.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stop_token>

#include "build_job.h"
#include "commands/command.h"
#include "commands/eval_inputs.h"
#include "core/error.h"
#include "eval/evaluation.h"

namespace cw::cli {
namespace {

struct FidFlags {
    EvalInputFlags inputs;
    KidOptions kid;
    bool json = false;
};

int runFid(const FidFlags& f) {
    const EvalInputs in = readEvalInputs(f.inputs);
    if (in.real.channels != in.generated.channels) {
        throw ValueError("the real images have " + std::to_string(in.real.channels) +
                         " channel(s) but the generated ones " +
                         std::to_string(in.generated.channels));
    }
    std::unique_ptr<FeatureExtractor> extractor = openExtractor(f.inputs, in.generated.channels);

    const InterruptToStop interrupt;
    StagedProgress progress(f.inputs.progress);
    // One "features" stage over both sets.
    const auto nReal = static_cast<std::int64_t>(in.real.count());
    const auto total = nReal + static_cast<std::int64_t>(in.generated.count());
    OffsetProgress realProgress(progress, 0, total), generatedProgress(progress, nReal, total);
    const std::stop_token stop = interrupt.token();
    const Eigen::MatrixXd real = extractor->extract(in.real, &realProgress, stop);
    const Eigen::MatrixXd generated =
        stop.stop_requested() ? Eigen::MatrixXd()
                              : extractor->extract(in.generated, &generatedProgress, stop);
    progress.finish();
    if (stop.stop_requested()) {
        std::cerr << "cwb: interrupted; no distance computed\n";
        return kExitBadInput;
    }
    const FrechetResult r = frechetResult(real, generated, extractor->name(), f.kid);

    if (f.json) {
        const nlohmann::json j = {{"fid", r.fid},
                                  {"kid", r.kid},
                                  {"extractor", r.extractor},
                                  {"dimension", r.dimension},
                                  {"n_real", r.realCount},
                                  {"n_generated", r.generatedCount},
                                  {"kid_subsets", f.kid.subsets},
                                  {"kid_subset_size", std::min<std::size_t>(
                                                          {r.realCount, r.generatedCount,
                                                           static_cast<std::size_t>(
                                                               f.kid.maxSubsetSize)})},
                                  {"skipped_files", in.skippedFiles}};
        std::cout << j.dump() << '\n';
    } else {
        std::printf("fid %.10g\nkid %.10g\nextractor %s\ndimension %d\nn_real %zu\nn_generated %zu\n",
                    r.fid, r.kid, r.extractor.c_str(), r.dimension, r.realCount, r.generatedCount);
        if (in.skippedFiles) std::printf("skipped files %zu\n", in.skippedFiles);
    }
    std::fflush(stdout);
    return in.skippedFiles ? kExitBadInput : kExitOk;
}

}  // namespace

void addEvalFidCommand(CLI::App& eval) {
    auto f = std::make_shared<FidFlags>();
    CLI::App* cmd = eval.add_subcommand(
        "fid", "FID and KID between real and generated images on a named feature extractor");
    addEvalInputOptions(*cmd, f->inputs);
    cmd->add_option("--kid-subsets", f->kid.subsets, "KID: number of random subsets")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--kid-subset-size", f->kid.maxSubsetSize,
                    "KID: images per subset (at most the smaller set)")
        ->check(CLI::Range(2, 1 << 30))
        ->capture_default_str();
    cmd->add_flag("--json", f->json,
                  "One JSON object: fid, kid, extractor, dimension, n_real, n_generated");
    setAction(cmd, [f] { return runFid(*f); });
}

}  // namespace cw::cli
