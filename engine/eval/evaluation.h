#pragma once
/// @file The evaluation of generated slices against training slices (docs/spec/metrics.md): atoms
/// per slice by blob counting, the two-sample KS test and Wasserstein-1 distance of the counts,
/// FID and KID on an extractor's features, and the memorisation check (nearest training image
/// of each generated one). Torch-free: the extractor is passed in.

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/progress.h"
#include "eval/eval_images.h"
#include "eval/feature_extractor.h"
#include "eval/nearest_neighbours.h"
#include "metrics/blob_count.h"
#include "metrics/frechet.h"
#include "metrics/ks_two_sample.h"

namespace cw {

struct ReferenceMeasures;

/// What to compute.
struct EvaluationOptions {
    /// Blob counting on channel 0; blobSigma should be the slices' σ in pixels (0.25 Å at 40 Å
    /// over the image side: 1.6 px at 256², 0.4 px at 64²).
    BlobCountOptions counting;
    bool countAtoms = true;
    bool nearestNeighbours = true;
    KidOptions kid;  ///< subsets of min(N₁, N₂, maxSubsetSize)
    int threads = 0;  ///< 0 = all cores
    /// The real images' counts and features measured before (measureReference with the same
    /// counting options and extractor): only the generated images are measured. For repeated
    /// comparisons against one reference, e.g. every sample grid of a training run.
    const ReferenceMeasures* reference = nullptr;
};

/// What evaluateGenerated measures of the real images.
struct ReferenceMeasures {
    std::size_t count = 0;             ///< images measured
    std::vector<double> atomCounts;    ///< per image; empty when counting was off
    Eigen::MatrixXd features;          ///< one row per image; empty without an extractor
    std::string extractor;             ///< the extractor's name
};

/// Counts (when options.countAtoms) and features (when `extractor` is given) of `real`.
ReferenceMeasures measureReference(const EvalImages& real, const EvaluationOptions& options,
                                   FeatureExtractor* extractor);

/// FID and KID with the extractor and the counts that produced them.
struct FrechetResult {
    std::string extractor;
    int dimension = 0;
    std::size_t realCount = 0, generatedCount = 0;
    double fid = 0;
    double kid = 0;
};

/// Everything `cwb eval report` writes.
struct EvaluationResult {
    std::size_t realCount = 0, generatedCount = 0;
    std::vector<double> realAtomCounts, generatedAtomCounts;  ///< per image (empty if not counted)
    std::optional<KsResult> ks;                               ///< two-sided, method auto
    std::optional<double> wasserstein;                        ///< W1 of the counts, atoms
    std::optional<FrechetResult> frechet;
    std::vector<NearestNeighbour> pixelNeighbours;    ///< per generated image (RMS pixel distance)
    std::vector<NearestNeighbour> featureNeighbours;  ///< per generated image (feature L2)
    bool cancelled = false;
};

/// Computes the evaluation. `extractor` may be null (no FID/KID, no feature neighbours).
/// ProgressEvent stages "count", "features", "neighbours". Throws ValueError for images of
/// different shapes (channels, size) or fewer than 2 images in a set.
EvaluationResult evaluateGenerated(const EvalImages& real, const EvalImages& generated,
                                   const EvaluationOptions& options, FeatureExtractor* extractor,
                                   ProgressSink* progress = nullptr, std::stop_token stop = {});

/// FID and KID of two feature matrices, named by `extractor`. Throws as frechetDistance and
/// kernelDistance.
FrechetResult frechetResult(const Eigen::MatrixXd& real, const Eigen::MatrixXd& generated,
                            const std::string& extractor, const KidOptions& kid = {});

}  // namespace cw
