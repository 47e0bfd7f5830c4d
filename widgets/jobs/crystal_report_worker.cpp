#include "jobs/crystal_report_worker.h"

#include "core/error.h"
#include "crystal_eval/coverage.h"
#include "crystal_eval/crystal_images.h"
#include "io/structure_stream.h"

namespace cw {
namespace {

std::vector<Structure> readInput(const QString& path, const char* role, CrystalReportData& data,
                                 const std::stop_token& stop) {
    std::vector<Structure> structures;
    ProblemLog problems;
    forEachStructure(
        path.toStdString(),
        [&](Structure&& s, std::size_t) {
            structures.push_back(std::move(s));
            return true;
        },
        problems, stop);
    data.skipped += qint64(problems.count());
    for (const Problem& p : problems.problems()) {
        if (data.problems.size() < 20) {
            data.problems << QString("%1: %2").arg(QString::fromStdString(p.where),
                                                   QString::fromStdString(p.reason));
        }
    }
    if (structures.empty() && !stop.stop_requested()) {
        throw FormatError(path.toStdString(), "", std::string("no ") + role + " crystal could be read");
    }
    return structures;
}

}  // namespace

const Structure* CrystalReportData::trainingCrystal(const std::string& id) const {
    for (const Structure& s : training) {
        if (s.id() == id) return &s;
    }
    return nullptr;
}

CrystalReportWorker::CrystalReportWorker(CrystalReportRequest request, QObject* parent)
    : Job(Pause::Unsupported, parent), m_request(std::move(request)) {
    setObjectName("crystal report");
    qRegisterMetaType<std::shared_ptr<const cw::CrystalReportData>>();
}

void CrystalReportWorker::execute() {
    ProgressSink& sink = throttledProgress([this](const ProgressEvent& event) {
        Q_EMIT progress(QString::fromStdString(event.stage), event.step, event.total);
    });
    const std::stop_token stop = cancelToken();
    auto data = std::make_shared<CrystalReportData>();
    data->request = m_request;
    Q_EMIT progress("reading", 0, 0);
    // Generated images (a samples.npy, a cwb generate folder, an encoding data set) are
    // decoded first; anything else is read as structures.
    std::vector<GeneratedCrystal> crystals;
    ProblemLog undecodable;
    if (auto images = readCrystalImages(m_request.generated.toStdString(), {}, undecodable)) {
        crystals = std::move(*images);
        for (const Problem& p : undecodable.problems())
            data->problems << QString::fromStdString(p.where + ": " + p.reason);
    } else {
        for (const Structure& s : readInput(m_request.generated, "generated", *data, stop))
            crystals.push_back(toGeneratedCrystal(s));
    }
    data->reference = readInput(m_request.reference, "reference", *data, stop);
    if (!m_request.training.isEmpty()) {
        data->training = readInput(m_request.training, "training", *data, stop);
    }
    if (stop.stop_requested()) {
        Q_EMIT cancelled();
        return;
    }
    CrystalReportOptions options;
    options.threads = m_request.threads;
    if (m_request.dataset.isEmpty()) {
        options.coverage.reset();
    } else {
        options.coverage = coverageCutoffsFor(m_request.dataset.toStdString());
    }
    data->report =
        evaluateGeneratedCrystals(crystals, data->reference, data->training, options, &sink, stop);
    flushProgress();
    if (data->report.cancelled) {
        Q_EMIT cancelled();
        return;
    }
    Q_EMIT finished(std::move(data));
}

}  // namespace cw
