#pragma once
// Evaluations of tiny real ECD data sets (tiny_datasets.h) for the widget tests: a set against
// itself (identical distributions: KS D = 0, every nearest distance 0) and against a "thinned"
// copy whose slices lose their right half (fewer atoms per slice: KS D > 0).

#include <QDebug>
#include <QString>
#include <QTemporaryDir>
#include <cstddef>
#include <string>
#include <vector>

#include "core/npy.h"
#include "core/problem_log.h"
#include "eval/eval_images.h"
#include "jobs/evaluation_data.h"
#include "tiny_datasets.h"

namespace cw::test {

/// Builds the tiny ECD data set (32², 30 slices) in `dir` unless it exists.
inline void ensureTinyEcd(const std::string& dir) {
    if (!QFileInfo::exists(QString::fromStdString(dir + "/dataset.json"))) buildTinyEcd(dir);
}

/// Writes the slices of `datasetDir` (split "all") with their right half set to 0 as a
/// (K, H, W) float32 stack at `npyPath`; returns K.
inline std::size_t writeThinnedStack(const std::string& datasetDir, const std::string& npyPath) {
    cw::ProblemLog problems;
    cw::EvalImagesOptions all;
    all.split = "all";
    const cw::EvalImages images = cw::readEvalImages(datasetDir, all, problems);
    std::vector<float> pixels = images.pixels;
    const std::size_t item = images.itemSize();
    for (std::size_t i = 0; i < images.count(); ++i)
        for (int r = 0; r < images.height; ++r)
            for (int c = images.width / 2; c < images.width; ++c)
                pixels[i * item + static_cast<std::size_t>(r) * images.width + c] = 0.0f;
    cw::writeNpy(npyPath, pixels,
                 {images.count(), static_cast<std::size_t>(images.height),
                  static_cast<std::size_t>(images.width)});
    return images.count();
}

/// A request for `generated` against the data set `real`, both read whole ("all" split).
inline cw::EvaluationRequest tinyRequest(const std::string& real, const std::string& generated) {
    cw::EvaluationRequest request;
    request.realPath = QString::fromStdString(real);
    request.generatedPath = QString::fromStdString(generated);
    request.realImages.split = "all";
    request.generatedImages.split = "all";
    request.evaluation.threads = 1;
    request.evaluation.kid.subsets = 10;
    return request;
}

/// The tiny set evaluated against itself and against its thinned copy.
struct TinyEvaluations {
    cw::EvaluationDataPtr self, other;
};

/// Builds the tiny set and its thinned copy in `dir` and evaluates both (the output is kept,
/// and its folder named, when CW_KEEP_TEST_OUTPUT is set).
inline TinyEvaluations evaluateTiny(QTemporaryDir& dir) {
    if (qEnvironmentVariableIsSet("CW_KEEP_TEST_OUTPUT")) {
        dir.setAutoRemove(false);
        qInfo() << "output kept in" << dir.path();
    }
    const std::string data = dir.filePath("tiny").toStdString();
    ensureTinyEcd(data);
    const std::string thinned = dir.filePath("thinned.npy").toStdString();
    writeThinnedStack(data, thinned);
    return {cw::runEvaluation(tinyRequest(data, data), nullptr, {}),
            cw::runEvaluation(tinyRequest(data, thinned), nullptr, {})};
}

}  // namespace cw::test
