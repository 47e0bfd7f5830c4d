#pragma once
// One evaluation of generated slices as the window shows it: what was asked (paths, options),
// the engine's EvaluationResult and the two image sets it was computed on, shared read-only by
// the Metrics and Gallery panels. runEvaluation is the synchronous job that EvaluationWorker
// runs in its thread (and that tests call directly).

#include <QString>
#include <QStringList>
#include <memory>
#include <stop_token>

#include "core/progress.h"
#include "eval/eval_images.h"
#include "eval/evaluation.h"

namespace cw {

/// What to evaluate.
struct EvaluationRequest {
    QString realPath;              ///< a data set folder (or images: .npy, PNG, a folder of them)
    QString generatedPath;         ///< a samples folder, .npy stack or PNG
    EvalImagesOptions realImages;  ///< split "train"; imageSize 0 = the generated size
    EvalImagesOptions generatedImages;
    EvaluationOptions evaluation;
    /// Blob σ from the real data set's dataset.json (σ / window × image side), or for images
    /// without one the synthetic slices' 0.25 Å / 40 Å × side, instead of
    /// evaluation.counting.blobSigma.
    bool blobSigmaFromDataset = true;
    /// FID and KID on the spectral extractor's features (training-free, no download).
    bool spectralFeatures = true;
};

/// A finished evaluation.
struct EvaluationData {
    EvaluationRequest request;  ///< as run (blob σ and image size resolved)
    EvaluationResult result;
    std::shared_ptr<const EvalImages> real, generated;
    QStringList problems;  ///< files that were skipped while reading ("where: reason")
    QString countingWarning;  ///< why the atom counts are unreliable at this resolution, or ""
    QStringList notes;        ///< what was done to the inputs (resampling)
};

using EvaluationDataPtr = std::shared_ptr<const EvaluationData>;

/// Reads the generated images, then the real ones at the generated size, and evaluates them
/// (evaluateGenerated with the spectral extractor). Progress stages "read", then the engine's
/// "count", "features", "neighbours". Returns null when cancelled. Throws what readEvalImages
/// and evaluateGenerated throw (IoError, FormatError, ConfigError, ValueError).
EvaluationDataPtr runEvaluation(const EvaluationRequest& request, ProgressSink* progress,
                                std::stop_token stop);

}  // namespace cw
