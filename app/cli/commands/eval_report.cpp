// cwb eval report: the whole evaluation of generated slices against a training data set
// (docs/evaluation.md) written as a report folder (report.json, counts.csv, neighbours.csv,
// counts.png/svg, neighbours.png), with a short summary on stdout.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stop_token>

#include "build_job.h"
#include "commands/command.h"
#include "commands/eval_inputs.h"
#include "core/error.h"
#include "eval/evaluation_report.h"

namespace cw::cli {
namespace {

struct ReportFlags {
    EvalInputFlags inputs;
    std::string out, blobMethod = "fit";
    double sigmaPx = 0;  ///< 0: the real data set's σ · side / window (0.25 Å, 40 Å by default)
    double smoothingPx = 0;
    double threshold = 0.1;
    KidOptions kid;
    bool noNeighbours = false, noFid = false, json = false;
};

double mean(const std::vector<double>& v) {
    return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

std::vector<std::string> writtenFiles(const EvaluationResult& r) {
    std::vector<std::string> files = {"report.json"};
    if (!r.realAtomCounts.empty()) files.insert(files.end(), {"counts.csv", "counts.png", "counts.svg"});
    if (!r.pixelNeighbours.empty()) files.insert(files.end(), {"neighbours.csv", "neighbours.png"});
    return files;
}

/// Index of the generated image closest to its nearest training image.
std::size_t closestPair(const std::vector<NearestNeighbour>& nn) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < nn.size(); ++i)
        if (nn[i].distance < nn[best].distance) best = i;
    return best;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

void printJson(const EvaluationResult& r, const EvalInputs& in, const ReportFlags& f) {
    nlohmann::json j = {{"out", f.out},
                        {"real_count", r.realCount},
                        {"generated_count", r.generatedCount},
                        {"skipped_files", in.skippedFiles},
                        {"files", writtenFiles(r)}};
    if (!r.realAtomCounts.empty()) {
        j["mean_atoms_real"] = mean(r.realAtomCounts);
        j["mean_atoms_generated"] = mean(r.generatedAtomCounts);
    }
    if (r.ks) {
        j["ks_statistic"] = r.ks->statistic;
        j["ks_pvalue"] = r.ks->pvalue;
        j["ks_method"] = ksMethodName(r.ks->method);
    }
    if (r.wasserstein) j["wasserstein"] = *r.wasserstein;
    if (r.frechet) {
        j["fid"] = r.frechet->fid;
        j["kid"] = r.frechet->kid;
        j["extractor"] = r.frechet->extractor;
        j["dimension"] = r.frechet->dimension;
    }
    if (!r.pixelNeighbours.empty()) {
        std::vector<double> d;
        for (const NearestNeighbour& n : r.pixelNeighbours) d.push_back(n.distance);
        j["min_pixel_distance"] = *std::min_element(d.begin(), d.end());
        j["median_pixel_distance"] = median(d);
    }
    std::cout << j.dump() << '\n';
}

void printText(const EvaluationResult& r, const EvalInputs& in, const ReportFlags& f) {
    std::printf("real %zu, generated %zu\n", r.realCount, r.generatedCount);
    if (!r.realAtomCounts.empty()) {
        std::printf("atoms per slice: mean %.4g real, %.4g generated\n", mean(r.realAtomCounts),
                    mean(r.generatedAtomCounts));
    }
    if (r.ks) {
        std::printf("KS D %.4g, p %.4g (%s)\n", r.ks->statistic, r.ks->pvalue,
                    ksMethodName(r.ks->method));
    }
    if (r.wasserstein) std::printf("W1 %.4g atoms\n", *r.wasserstein);
    if (r.frechet) {
        std::printf("FID %.6g, KID %.6g (%s, N = %zu real / %zu generated)\n", r.frechet->fid,
                    r.frechet->kid, r.frechet->extractor.c_str(), r.frechet->realCount,
                    r.frechet->generatedCount);
    }
    if (!r.pixelNeighbours.empty()) {
        std::vector<double> d;
        for (const NearestNeighbour& n : r.pixelNeighbours) d.push_back(n.distance);
        const std::size_t g = closestPair(r.pixelNeighbours);
        std::printf("nearest training image: median RMS distance %.4g, closest %.4g (%s ~ %s)\n",
                    median(d), r.pixelNeighbours[g].distance, in.generated.names[g].c_str(),
                    in.real.names[r.pixelNeighbours[g].index].c_str());
    }
    std::string files;
    for (const std::string& name : writtenFiles(r)) files += (files.empty() ? "" : ", ") + name;
    std::printf("wrote %s (%s)\n", f.out.c_str(), files.c_str());
    if (in.skippedFiles) std::printf("skipped files %zu\n", in.skippedFiles);
}

int runReport(const ReportFlags& f) {
    const EvalInputs in = readEvalInputs(f.inputs);
    EvaluationOptions options;
    const double side = 0.5 * (in.generated.height + in.generated.width);
    options.counting.method = parseBlobMethod(f.blobMethod);
    options.counting.blobSigma = f.sigmaPx > 0 ? f.sigmaPx : datasetBlobSigmaPixels(f.inputs.real, static_cast<int>(side));
    if (const std::string warning = atomCountingWarning(options.counting.blobSigma); !warning.empty())
        std::fprintf(stderr, "cwb: warning: %s\n", warning.c_str());
    options.counting.smoothingSigma = f.smoothingPx;
    options.counting.threshold = f.threshold;
    options.nearestNeighbours = !f.noNeighbours;
    options.kid = f.kid;
    options.threads = f.inputs.threads;
    std::unique_ptr<FeatureExtractor> extractor;
    if (!f.noFid) extractor = openExtractor(f.inputs, in.generated.channels);

    const InterruptToStop interrupt;
    StagedProgress progress(f.inputs.progress);
    const EvaluationResult result = evaluateGenerated(
        in.real, in.generated, options, extractor.get(), &progress, interrupt.token());
    progress.finish();
    if (result.cancelled) {
        std::cerr << "cwb: interrupted; no report written\n";
        return kExitBadInput;
    }
    ReportSources sources{f.inputs.real, f.inputs.generated, f.inputs.split};
    writeEvaluationReport(result, in.real, in.generated, sources, options, f.out);
    if (f.json) printJson(result, in, f);
    else printText(result, in, f);
    std::fflush(stdout);
    return in.skippedFiles ? kExitBadInput : kExitOk;
}

}  // namespace

void addEvalReportCommand(CLI::App& eval) {
    auto f = std::make_shared<ReportFlags>();
    CLI::App* cmd = eval.add_subcommand(
        "report",
        "Evaluate generated slices against training ones: atoms per slice, KS test, W1, "
        "FID/KID, nearest training images; writes a report folder");
    addEvalInputOptions(*cmd, f->inputs);
    cmd->add_option("--out", f->out, "Report folder (created; files in it are replaced)")->required();
    cmd->add_option("--sigma-px", f->sigmaPx,
                    "Blob σ for counting, pixels (default: the real data set's σ · side / window; 0.25 Å · side / 40 Å = 1.6 px at 256² otherwise)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--blob-method", f->blobMethod,
                    "Counting: fit (sum-of-Gaussians model, exact on touching atoms) or peaks "
                    "(local maxima, faster)")
        ->capture_default_str();
    cmd->add_option("--smoothing-sigma-px", f->smoothingPx,
                    "σ of the smoothing before counting, pixels (0: none)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--threshold", f->threshold, "A blob counts when its peak is at least this")
        ->capture_default_str();
    cmd->add_option("--kid-subsets", f->kid.subsets, "KID: number of random subsets")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--kid-subset-size", f->kid.maxSubsetSize,
                    "KID: images per subset (at most the smaller set)")
        ->check(CLI::Range(2, 1 << 30))
        ->capture_default_str();
    cmd->add_flag("--no-neighbours", f->noNeighbours, "Skip the nearest-training-image search");
    cmd->add_flag("--no-fid", f->noFid, "Skip FID/KID (and feature neighbours)");
    cmd->add_flag("--json", f->json, "Print the summary as one JSON object");
    setAction(cmd, [f] { return runReport(*f); });
}

}  // namespace cw::cli
