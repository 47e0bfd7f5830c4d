#pragma once
// Judges generated crystals off the GUI thread: a Job (JobRunner runs it) reads the generated,
// reference and training sets and runs evaluateGeneratedCrystals on them, with throttled queued
// progress. Emits exactly one of finished(), cancelled() and failed().

#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "crystal/structure.h"
#include "crystal_eval/crystal_report.h"
#include "jobs/job.h"

namespace cw {

/// What to judge: three inputs any structure reader takes, and the benchmark's name.
struct CrystalReportRequest {
    QString generated, reference, training;  ///< training may be empty
    QString dataset;                         ///< "perov5", "carbon24", "mp20" or "" (no coverage)
    int threads = 0;
};

/// The finished report with the crystals behind it, so that a row opens its crystal.
struct CrystalReportData {
    CrystalReportRequest request;
    CrystalReport report;
    std::vector<Structure> reference;
    std::vector<Structure> training;
    qint64 skipped = 0;  ///< unreadable entries of the three inputs
    QStringList problems;  ///< the first of them, "file:entry N: reason"

    /// The training crystal with `id`, if any.
    const Structure* trainingCrystal(const std::string& id) const;
};

class CrystalReportWorker : public Job {
    Q_OBJECT
public:
    explicit CrystalReportWorker(CrystalReportRequest request, QObject* parent = nullptr);

Q_SIGNALS:
    void progress(const QString& stage, qint64 done, qint64 total);
    void finished(std::shared_ptr<const cw::CrystalReportData> data);
    void cancelled();

private:
    void execute() override;

    CrystalReportRequest m_request;
};

}  // namespace cw

Q_DECLARE_METATYPE(std::shared_ptr<const cw::CrystalReportData>)
