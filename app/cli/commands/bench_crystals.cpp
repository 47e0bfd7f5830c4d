// cwb bench crystals: throughput of the crystal evaluator on real structures. Generated crystals
// are copies of randomly chosen training crystals with every site displaced (half of them by a
// little, half by a lot), so every one has same-composition training crystals to be matched
// against: the hard case of the novelty check. Prints figures only; nothing here is a test.
#include <chrono>
#include <cstdio>
#include <random>

#include "commands/command.h"
#include "core/error.h"
#include "core/parallel.h"
#include "crystal_eval/crystal_fingerprints.h"
#include "crystal_eval/crystal_report.h"
#include "crystal_eval/crystal_validity.h"
#include "crystal_eval/structure_set_matching.h"
#include "io/structure_stream.h"

namespace cw::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchCrystalsOptions {
    std::string training;
    std::size_t generated = 10000;
    std::size_t fingerprints = 500;
    double smallShiftA = 0.05, largeShiftA = 0.6;
    std::uint64_t seed = 1;
    int threads = 0;
    bool fullReport = false;
};

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// A copy of `s` with each site moved by a random vector of length `shiftA` (Å).
Structure displaced(const Structure& s, double shiftA, std::mt19937_64& random) {
    Structure copy = s;
    std::normal_distribution<double> normal;
    for (Site& site : copy.sites()) {
        Eigen::Vector3d v(normal(random), normal(random), normal(random));
        v *= shiftA / std::max(v.norm(), 1e-12);
        site.frac += copy.lattice().toFractional(v);
    }
    copy.setId(s.id() + "-moved");
    return copy;
}

int runBenchCrystals(const BenchCrystalsOptions& o) {
    const int threads = resolveThreadCount(o.threads);
    Clock::time_point t = Clock::now();
    const std::vector<Structure> training = readStructures(o.training);
    std::printf("read %zu training crystals in %.1f s (%d threads)\n", training.size(), since(t), threads);
    if (training.empty()) throw FormatError(o.training, "", "no crystal could be read");

    std::mt19937_64 random(o.seed);
    std::uniform_int_distribution<std::size_t> pick(0, training.size() - 1);
    std::vector<Structure> generated;
    std::vector<std::size_t> source;
    for (std::size_t i = 0; i < o.generated; ++i) {
        source.push_back(pick(random));
        generated.push_back(
            displaced(training[source.back()], i % 2 ? o.largeShiftA : o.smallShiftA, random));
    }

    t = Clock::now();
    std::vector<GeneratedCrystal> crystals;
    for (const Structure& s : generated) crystals.push_back(toGeneratedCrystal(s));
    const auto validity = crystalValidity(crystals, threads);
    const double validitySeconds = since(t);
    std::size_t valid = 0;
    for (const CrystalValidity& v : validity) valid += v.valid();
    std::printf("validity             %7.2f s  %9.0f crystals/s  (%zu of %zu valid)\n", validitySeconds,
                double(crystals.size()) / validitySeconds, valid, crystals.size());

    const std::size_t printed = std::min(o.fingerprints, generated.size());
    const std::vector<Structure> sample(generated.begin(), generated.begin() + long(printed));
    t = Clock::now();
    const auto outcomes = crystalFingerprints(sample, threads);
    const double printSeconds = since(t);
    std::printf("fingerprints         %7.2f s  %9.1f crystals/s  (%zu crystals)\n", printSeconds,
                double(printed) / printSeconds, printed);

    t = Clock::now();
    const auto reducedTraining = reduceAllForMatching(training, threads);
    const double reduceTraining = since(t);
    t = Clock::now();
    const auto reducedGenerated = reduceAllForMatching(generated, threads);
    const double reduceGenerated = since(t);
    std::printf("reduce training      %7.2f s  %9.0f crystals/s\n", reduceTraining,
                double(training.size()) / reduceTraining);
    std::printf("reduce generated     %7.2f s  %9.0f crystals/s\n", reduceGenerated,
                double(generated.size()) / reduceGenerated);

    t = Clock::now();
    const std::vector<bool> novel = novelFlags(reducedGenerated, reducedTraining, {}, threads);
    const double novelSeconds = since(t);
    std::size_t novelCount = 0;
    for (bool b : novel) novelCount += b;
    std::printf("novelty              %7.2f s  (%zu of %zu novel) — with reduction %.2f s\n",
                novelSeconds, novelCount, novel.size(), novelSeconds + reduceTraining + reduceGenerated);

    t = Clock::now();
    const std::vector<bool> unique = uniqueFlags(reducedGenerated, {}, threads);
    const double uniqueSeconds = since(t);
    std::size_t uniqueCount = 0;
    for (bool b : unique) uniqueCount += b;
    std::printf("uniqueness           %7.2f s  (%zu of %zu unique)\n", uniqueSeconds, uniqueCount,
                unique.size());

    // Single-core pair decisions: each generated crystal against the crystal it came from.
    std::size_t pairs = 0, matches = 0;
    t = Clock::now();
    for (std::size_t i = 0; i < generated.size() && since(t) < 20; ++i) {
        if (!reducedGenerated[i] || !reducedTraining[source[i]]) continue;
        matches += fit(*reducedGenerated[i], *reducedTraining[source[i]]);
        ++pairs;
    }
    const double pairSeconds = since(t);
    std::printf("fit, one core        %7.2f s  %9.0f pairs/s  (%zu pairs, %zu match)\n", pairSeconds,
                double(pairs) / pairSeconds, pairs, matches);

    if (o.fullReport) {
        // The whole report as `cwb eval crystals` makes it, the training set as reference too.
        CrystalReportOptions options;
        options.coverage = coverageCutoffsFor("mp20");
        options.threads = threads;
        t = Clock::now();
        const CrystalReport report = evaluateGeneratedCrystals(crystals, training, training, options);
        std::printf("full report          %7.2f s  (%zu generated against %zu reference and "
                    "training crystals)\n",
                    since(t), report.generated, report.reference);
        for (const auto& [stage, seconds] : report.stageSeconds) {
            std::printf("  %-26s %7.2f s\n", stage.c_str(), seconds);
        }
    }
    return kExitOk;
}

}  // namespace

void addBenchCrystalsCommand(CLI::App& bench) {
    auto o = std::make_shared<BenchCrystalsOptions>();
    CLI::App* cmd = bench.add_subcommand(
        "crystals", "Crystal evaluator: validity, fingerprints, matcher reduction, novelty, "
                    "uniqueness and pair decisions per second");
    cmd->add_option("training", o->training, "Training collection (e.g. the MP dev set)")->required();
    cmd->add_option("--generated", o->generated, "Generated crystals made from training ones")
        ->capture_default_str();
    cmd->add_option("--fingerprints", o->fingerprints, "Crystals fingerprinted (CrystalNN is slow)")
        ->capture_default_str();
    cmd->add_option("--small-shift", o->smallShiftA, "Displacement of half the crystals (Å)")
        ->capture_default_str();
    cmd->add_option("--large-shift", o->largeShiftA, "Displacement of the other half (Å)")
        ->capture_default_str();
    cmd->add_option("--seed", o->seed, "Seed of the choice and displacements")->capture_default_str();
    cmd->add_option("--threads", o->threads, "Worker threads (0: all cores)")->capture_default_str();
    cmd->add_flag("--full-report", o->fullReport,
                  "Also time the whole crystal report (fingerprints of every reference crystal)");
    setAction(cmd, [o] { return runBenchCrystals(*o); });
}

}  // namespace cw::cli
