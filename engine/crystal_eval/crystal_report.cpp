#include "crystal_eval/crystal_report.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <unordered_map>

#include "core/error.h"
#include "core/parallel.h"
#include "crystal_eval/crystal_fingerprints.h"
#include "crystal_eval/structure_set_matching.h"
#include "symmetry/space_group.h"

namespace cw {
namespace {

using Clock = std::chrono::steady_clock;

/// Runs body(i) for i < count in chunks on all threads, reporting progress after each chunk and
/// stopping between chunks when asked. Returns false when stopped.
bool runStage(const std::string& stage, std::size_t count, int threads, ProgressSink* progress,
              const std::stop_token& stop, const std::function<void(std::size_t)>& body) {
    const std::size_t chunk = std::max<std::size_t>(64, std::size_t(resolveThreadCount(threads)) * 16);
    for (std::size_t begin = 0; begin < count; begin += chunk) {
        if (stop.stop_requested()) return false;
        const std::size_t end = std::min(count, begin + chunk);
        parallelFor(end - begin, threads, [&](std::size_t i) { body(begin + i); });
        if (progress) progress->report({stage, std::int64_t(end), std::int64_t(count), {}});
    }
    return !stop.stop_requested();
}

CoverageFingerprints coverageVectors(const CrystalFingerprints& f) {
    CoverageFingerprints out;
    out.structure = std::vector<double>(f.structure.begin(), f.structure.end());
    out.composition =
        std::vector<double>(f.compositionScaled.begin(), f.compositionScaled.end());
    return out;
}

/// Times each stage into the report.
struct StageClock {
    CrystalReport& report;
    Clock::time_point start = Clock::now();
    void lap(const std::string& stage) {
        const Clock::time_point now = Clock::now();
        report.stageSeconds[stage] += std::chrono::duration<double>(now - start).count();
        start = now;
    }
};

}  // namespace

CrystalReport evaluateGeneratedCrystals(const std::vector<GeneratedCrystal>& generated,
                                        const std::vector<Structure>& reference,
                                        const std::vector<Structure>& training,
                                        const CrystalReportOptions& options,
                                        ProgressSink* progress, std::stop_token stop) {
    if (reference.empty()) throw ValueError("the crystal report needs a reference set");
    const int threads = options.threads;
    const std::size_t n = generated.size();
    CrystalReport report;
    report.generated = n;
    report.reference = reference.size();
    report.training = training.size();
    report.crystals.resize(n);
    StageClock clock{report};
    auto cancelled = [&] {
        report.cancelled = true;
        return report;
    };

    // Validity, and the structure CDVAE builds for every crystal it can.
    std::vector<std::optional<Structure>>& structures = report.structures;
    structures.resize(n);
    if (!runStage("validity", n, threads, progress, stop, [&](std::size_t i) {
            CrystalVerdict& v = report.crystals[i];
            v.id = generated[i].id;
            v.validity = crystalValidity(generated[i]);
            try {
                structures[i] = toStructure(generated[i]);
                v.formula = structures[i]->reducedFormula();
            } catch (const Error&) {
                // Not constructible: the structural reason already says why.
            }
        })) {
        return cancelled();
    }
    clock.lap("validity");

    if (!runStage("space groups", n, threads, progress, stop, [&](std::size_t i) {
            if (!structures[i]) return;
            try {
                const SpaceGroupInfo sg = analyzeSpaceGroup(*structures[i]);
                report.crystals[i].spaceGroup = sg.number;
                report.crystals[i].spaceGroupSymbol = sg.international;
                report.crystals[i].spaceGroupNote = sg.failure;
            } catch (const Error& e) {
                report.crystals[i].spaceGroupNote = e.what();
            }
        })) {
        return cancelled();
    }
    // The reference histogram is a figure: every stride-th crystal of a large set is enough,
    // and spglib on 27k MP crystals would cost more than the rest of the report.
    const std::size_t stride = (reference.size() + kReferenceSpaceGroupSample - 1) /
                               kReferenceSpaceGroupSample;
    std::vector<int> referenceGroups((reference.size() + stride - 1) / stride, 0);
    report.referenceSpaceGroupSample = referenceGroups.size();
    if (!runStage("reference space groups", referenceGroups.size(), threads, progress, stop,
                  [&](std::size_t i) {
                      try {
                          referenceGroups[i] = analyzeSpaceGroup(reference[i * stride]).number;
                      } catch (const Error&) {
                      }
                  })) {
        return cancelled();
    }
    for (const CrystalVerdict& v : report.crystals) {
        if (!v.formula.empty()) ++report.generatedSpaceGroups[v.spaceGroup];
    }
    for (int g : referenceGroups) ++report.referenceSpaceGroups[g];
    clock.lap("space groups");

    // Fingerprints: CDVAE calls a crystal invalid when its CrystalNN fingerprint raises.
    std::vector<CoverageFingerprints> generatedPrints(n), referencePrints(reference.size());
    if (!runStage("fingerprints", n, threads, progress, stop, [&](std::size_t i) {
            if (!structures[i]) {
                report.crystals[i].fingerprintError = "no cell";
                return;
            }
            try {
                generatedPrints[i] = coverageVectors(crystalFingerprints(*structures[i]));
            } catch (const Error& e) {
                report.crystals[i].fingerprintError = e.what();
            }
        })) {
        return cancelled();
    }
    if (options.coverage &&
        !runStage("reference fingerprints", reference.size(), threads, progress, stop,
                  [&](std::size_t i) {
                      try {
                          referencePrints[i] = coverageVectors(crystalFingerprints(reference[i]));
                      } catch (const Error&) {
                      }
                  })) {
        return cancelled();
    }
    for (std::size_t i = 0; i < n; ++i) {
        CrystalVerdict& v = report.crystals[i];
        const bool printed = generatedPrints[i].complete();
        v.valid = v.validity.valid() && printed;
        report.structurallyValid += v.validity.structural.valid;
        report.compositionallyValid += v.validity.composition.valid;
        report.fingerprinted += printed;
        report.valid += v.valid;
    }
    clock.lap("fingerprints");

    if (options.coverage) {
        report.coverage = computeCoverage(generatedPrints, referencePrints, *options.coverage, threads);
        for (std::size_t i = 0; i < n; ++i) {
            report.crystals[i].coversReference = report.coverage->generatedCovers[i];
        }
        clock.lap("coverage");
    }

    std::vector<const Structure*> validStructures, referenceStructures;
    for (std::size_t i = 0; i < n; ++i) {
        if (report.crystals[i].valid) validStructures.push_back(&*structures[i]);
    }
    for (const Structure& s : reference) referenceStructures.push_back(&s);
    if (validStructures.empty()) {
        report.propertiesNote = "no valid generated crystal";
    } else {
        report.properties = propertyDistances(validStructures, referenceStructures, options.properties);
        if (report.properties->fewerThanRequested) {
            report.propertiesNote = "only " + std::to_string(report.properties->drawn) +
                                    " valid crystals, fewer than the " +
                                    std::to_string(options.properties.sampleSize) +
                                    " drawn in the published rows";
        }
    }
    clock.lap("properties");

    // Matching: every structure reduced once, then uniqueness and novelty as MatterGen counts.
    std::vector<Structure> constructible;
    std::vector<std::size_t> constructibleIndex;
    for (std::size_t i = 0; i < n; ++i) {
        if (!structures[i]) continue;
        constructible.push_back(*structures[i]);
        constructibleIndex.push_back(i);
    }
    if (stop.stop_requested()) return cancelled();
    const auto reducedGenerated = reduceAllForMatching(constructible, threads);
    std::vector<std::optional<ReducedStructure>> reducedAll(n);
    for (std::size_t k = 0; k < constructible.size(); ++k) {
        reducedAll[constructibleIndex[k]] = reducedGenerated[k];
    }
    if (progress) progress->report({"reduction", std::int64_t(n), std::int64_t(n), {}});
    clock.lap("reduction");
    if (stop.stop_requested()) return cancelled();
    const std::vector<bool> unique = uniqueFlags(reducedAll, options.tolerances, threads);
    for (std::size_t i = 0; i < n; ++i) {
        report.crystals[i].unique = unique[i];
        report.unique += unique[i];
    }
    if (progress) progress->report({"uniqueness", std::int64_t(n), std::int64_t(n), {}});
    clock.lap("uniqueness");

    if (!training.empty()) {
        if (stop.stop_requested()) return cancelled();
        const auto reducedTraining = reduceAllForMatching(training, threads);
        const std::vector<bool> novel =
            novelFlags(reducedAll, reducedTraining, options.tolerances, threads);
        report.novel = 0;
        for (std::size_t i = 0; i < n; ++i) {
            report.crystals[i].novel = novel[i];
            *report.novel += novel[i];
        }
        if (progress) progress->report({"novelty", std::int64_t(n), std::int64_t(n), {}});
        clock.lap("novelty");

        if (options.nearestTraining) {
            // Candidates share the composition key and reduced site count (fit is false
            // across them), so only the bucket is searched.
            std::unordered_map<std::string, std::vector<std::size_t>> buckets;
            for (std::size_t t = 0; t < reducedTraining.size(); ++t) {
                if (!reducedTraining[t]) continue;
                buckets[reducedTraining[t]->compositionKey + "|" +
                        std::to_string(reducedTraining[t]->siteCount)]
                    .push_back(t);
            }
            if (!runStage("nearest training crystal", n, threads, progress, stop,
                          [&](std::size_t i) {
                              if (!reducedAll[i]) return;
                              const auto bucket = buckets.find(
                                  reducedAll[i]->compositionKey + "|" +
                                  std::to_string(reducedAll[i]->siteCount));
                              if (bucket == buckets.end()) return;
                              CrystalVerdict& v = report.crystals[i];
                              for (std::size_t t : bucket->second) {
                                  const auto rms = rmsDistance(*reducedAll[i], *reducedTraining[t],
                                                               options.tolerances);
                                  if (!rms) continue;
                                  if (!v.nearestTrainingRms || rms->rms < v.nearestTrainingRms->rms) {
                                      v.nearestTrainingRms = rms;
                                      v.nearestTrainingId = training[t].id();
                                      v.matchesNearestTraining =
                                          fit(*reducedAll[i], *reducedTraining[t], options.tolerances);
                                  }
                              }
                          })) {
                return cancelled();
            }
            clock.lap("nearest training crystal");
        }
    }
    return report;
}

}  // namespace cw
