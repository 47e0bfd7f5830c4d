#pragma once
/// @file The crystal report: every metric the crystal-generation field reports for a set of
/// generated crystals against a reference (test) set and a training set, and each crystal's
/// own verdicts (docs/spec/crystal-generation.md): validity, uniqueness, novelty with its
/// nearest training crystal, coverage, property statistics and space groups.

#include <cstdint>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/progress.h"
#include "crystal/structure.h"
#include "crystal_eval/coverage.h"
#include "crystal_eval/crystal_validity.h"
#include "crystal_eval/generated_crystal.h"
#include "crystal_eval/property_statistics.h"
#include "crystal_eval/structure_matcher.h"

namespace cw {

/// At most this many reference crystals (evenly spaced) go into the reference space-group
/// histogram.
inline constexpr std::size_t kReferenceSpaceGroupSample = 5000;

struct CrystalReportOptions {
    /// Coverage cutoffs; coverageCutoffsFor("mp20" | "perov5" | "carbon24"). nullopt: no
    /// coverage (a data set of another kind has no published cutoffs).
    std::optional<CoverageCutoffs> coverage = CoverageCutoffs{};
    MatcherTolerances tolerances;
    PropertyDistanceOptions properties;
    /// Find each generated crystal's nearest training crystal (lowest RMS among those of its
    /// composition and reduced site count): more matcher work, shown per crystal.
    bool nearestTraining = true;
    int threads = 0;  ///< ≤ 0: all cores
};

/// One generated crystal's verdicts.
struct CrystalVerdict {
    std::string id;
    std::string formula;       ///< reduced formula; empty when no cell could be built
    int spaceGroup = 0;        ///< spglib at symprec 0.01 Å; 0 = none (see spaceGroupNote)
    std::string spaceGroupSymbol;
    std::string spaceGroupNote;  ///< why there is none
    CrystalValidity validity;
    std::string fingerprintError;  ///< why CDVAE could not fingerprint it; empty when it could
    bool valid = false;            ///< structural ∧ compositional ∧ fingerprinted (CDVAE)
    bool unique = false;           ///< MatterGen's get_unique over all generated crystals
    std::optional<bool> novel;     ///< no match in the training set (nullopt: no training set)
    bool coversReference = false;  ///< counted in COV-P
    std::string nearestTrainingId;  ///< empty when no training crystal shares its composition
    std::optional<RmsDistance> nearestTrainingRms;
    bool matchesNearestTraining = false;
};

struct CrystalReport {
    std::size_t generated = 0, reference = 0, training = 0;
    std::size_t structurallyValid = 0, compositionallyValid = 0, valid = 0;
    std::size_t fingerprinted = 0, unique = 0;
    std::optional<std::size_t> novel;
    std::optional<CoverageResult> coverage;
    std::optional<PropertyDistances> properties;  ///< nullopt without a valid crystal
    std::string propertiesNote;                   ///< why properties are missing
    std::map<int, std::size_t> generatedSpaceGroups, referenceSpaceGroups;  ///< 0 = none
    /// Reference crystals in referenceSpaceGroups: all, or every k-th of a set larger than
    /// kReferenceSpaceGroupSample.
    std::size_t referenceSpaceGroupSample = 0;
    std::vector<CrystalVerdict> crystals;
    /// Per crystal: the cell CDVAE builds from it (toStructure); nullopt when none can be built.
    std::vector<std::optional<Structure>> structures;
    std::map<std::string, double> stageSeconds;  ///< wall time of each stage
    bool cancelled = false;
};

/// Judges `generated` against `reference` (and `training` when not empty). Stages: validity,
/// space groups, fingerprints of both sets, coverage, property statistics, reduction for
/// matching, uniqueness, novelty and nearest training crystals; each reports progress to
/// `progress` (stage names as in stageSeconds) and stops between items when `stop` is
/// requested (the report then has cancelled = true and partial content). Throws ValueError for
/// an empty reference set. Thread-safe apart from `progress`, which is called from the calling
/// thread only.
CrystalReport evaluateGeneratedCrystals(const std::vector<GeneratedCrystal>& generated,
                                        const std::vector<Structure>& reference,
                                        const std::vector<Structure>& training,
                                        const CrystalReportOptions& options = {},
                                        ProgressSink* progress = nullptr,
                                        std::stop_token stop = {});

}  // namespace cw
