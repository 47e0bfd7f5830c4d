#include "jobs/generation_worker.h"

#include "core/error.h"

namespace cw {

GenerationWorker::GenerationWorker(ml::GenerationRequest request, QString outDir, QObject* parent)
    : Job(Pause::Unsupported, parent), m_request(std::move(request)), m_outDir(std::move(outDir)) {
    setObjectName("generation");
}

void GenerationWorker::execute() {
#ifdef CW_WITH_TORCH
    ProgressSink& sink = throttledProgress([this](const ProgressEvent& event) {
        const auto rate = event.scalars.find("images_per_s");
        Q_EMIT progress(QString::fromStdString(event.stage), event.step, event.total,
                        rate == event.scalars.end() ? 0.0 : rate->second);
    });
    ml::GenerationResult result =
        ml::generateCrystals(m_request, m_outDir.toStdString(), sink, cancelToken());
    flushProgress();
    if (result.cancelled) {
        Q_EMIT cancelled(static_cast<qint64>(result.generated));
        return;
    }
    auto data = std::make_shared<CrystalReportData>();
    data->request.generated = m_outDir;
    data->request.reference = QString::fromStdString(m_request.reference);
    data->request.training = QString::fromStdString(m_request.training);
    data->request.dataset = QString::fromStdString(m_request.dataset);
    data->report = std::move(result.report);
    data->reference = std::move(result.reference);
    data->training = std::move(result.training);
    for (const std::string& u : result.undecodable) data->problems << QString::fromStdString(u);
    const QString summary =
        QString("%1 crystals generated (%2 decoded, %3 valid) in %4, %5 images/s")
            .arg(result.generated)
            .arg(result.decoded)
            .arg(data->report.valid)
            .arg(m_outDir)
            .arg(result.imagesPerSecond, 0, 'f', 2);
    Q_EMIT finished(data, summary);
#else
    throw Error("This build of Crystal Workbench has no LibTorch: it cannot generate crystals.");
#endif
}

}  // namespace cw
