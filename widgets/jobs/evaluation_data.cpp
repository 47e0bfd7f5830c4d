#include "jobs/evaluation_data.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/problem_log.h"
#include "eval/feature_extractor.h"

namespace cw {

EvaluationDataPtr runEvaluation(const EvaluationRequest& request, ProgressSink* progress,
                                std::stop_token stop) {
    auto data = std::make_shared<EvaluationData>();
    data->request = request;
    auto report = [&](std::int64_t step) {
        if (progress) progress->report(ProgressEvent{"read", step, 2, {}});
    };

    ProblemLog problems;
    report(0);
    auto generated = std::make_shared<EvalImages>(
        readEvalImages(request.generatedPath.toStdString(), request.generatedImages, problems));
    if (stop.stop_requested()) return nullptr;
    report(1);
    // The real slices are resampled to the generated size (a model trained at 64² samples
    // 64² images from a 256² data set), by the same rule as `cwb eval`.
    EvalImagesOptions realOptions = request.realImages;
    if (realOptions.imageSize == 0) {
        const RealImageSize size =
            realImageSizeFor(request.realPath.toStdString(), realOptions.split, *generated);
        realOptions.imageSize = size.imageSize;
        if (!size.note.empty()) data->notes << QString::fromStdString(size.note);
    }
    auto real = std::make_shared<EvalImages>(
        readEvalImages(request.realPath.toStdString(), realOptions, problems));
    data->request.realImages = realOptions;
    if (stop.stop_requested()) return nullptr;
    report(2);
    for (const Problem& p : problems.problems())
        data->problems << QString::fromStdString(p.where + ": " + p.reason);
    if (problems.count() > problems.problems().size())
        data->problems
            << QString("… and %1 more").arg(problems.count() - problems.problems().size());

    if (request.blobSigmaFromDataset) {
        // As `cwb eval report`: the data set's σ and window, else 0.25 Å in a 40 Å window.
        data->request.evaluation.counting.blobSigma =
            datasetBlobSigmaPixels(request.realPath.toStdString(), generated->width);
    }
    if (data->request.evaluation.countAtoms)
        data->countingWarning =
            QString::fromStdString(atomCountingWarning(data->request.evaluation.counting.blobSigma));
    std::unique_ptr<FeatureExtractor> extractor;
    if (request.spectralFeatures) extractor = makeSpectralExtractor();
    data->result = evaluateGenerated(*real, *generated, data->request.evaluation, extractor.get(),
                                     progress, stop);
    if (data->result.cancelled || stop.stop_requested()) return nullptr;
    data->real = std::move(real);
    data->generated = std::move(generated);
    return data;
}

}  // namespace cw
