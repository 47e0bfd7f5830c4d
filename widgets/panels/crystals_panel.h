#pragma once
// The Crystals panel: generated crystals judged as the crystal-generation field judges them.
// Pick a generated set, its reference (test) set and optionally the training set and the
// benchmark; the report runs in a worker thread (progress bar, Cancel); the summary stands
// beside the published rows for that benchmark; a sortable, filterable table lists every
// crystal with its verdicts, and a click opens the crystal (or, with the toggle, its nearest
// training crystal) in the 3D view. Export writes the report's files.

#include <QWidget>
#include <memory>

#include "crystal/structure.h"
#include "jobs/crystal_report_worker.h"
#include "jobs/job_runner.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace cw {

class CrystalReportModel;

class CrystalsPanel : public QWidget {
    Q_OBJECT
public:
    explicit CrystalsPanel(QWidget* parent = nullptr);
    ~CrystalsPanel() override;

    /// The inputs (files or folders any structure reader takes) and the benchmark
    /// ("perov5", "carbon24", "mp20" or "" for none).
    void setInputs(const QString& generated, const QString& reference, const QString& training,
                   const QString& dataset);
    /// Starts the report in the worker thread (cancelling a running one).
    void start();
    /// Shows a report made elsewhere (Generate crystals…): its inputs, summary and table, each
    /// row one click from the 3D view. A running report of the panel's own is cancelled.
    void showReport(std::shared_ptr<const CrystalReportData> data);
    void cancel();
    bool isRunning() const { return m_worker != nullptr; }

    /// Shows only rows containing `text` in any cell (case-insensitive), and only valid ones
    /// with `validOnly`.
    void setFilter(const QString& text, bool validOnly);
    /// With `on`, activating a row opens its nearest training crystal instead of itself.
    void setShowNearestTraining(bool on);
    /// Emits structureActivated for the row `row` of the sorted, filtered view.
    void activateRow(int row);
    /// Writes report.json, crystals.csv, CIF folders and figures to `directory`; returns the
    /// paths written, or an empty list (and a message) on failure.
    QStringList exportTo(const QString& directory);

    CrystalReportModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    /// The Summary (0) and Crystals (1) tabs.
    QTabWidget* tabs() const { return m_tabs; }
    QString summaryText() const;
    QString statusText() const;

Q_SIGNALS:
    void structureActivated(const cw::Structure& structure, const QString& source);
    void reportFinished();
    void message(const QString& text);

private:
    void onFinished(std::shared_ptr<const cw::CrystalReportData> data);
    void onEnded(const QString& status);
    void showSummary(const CrystalReportData& data);
    void browse(QLineEdit* edit, const QString& title);
    void exportDialog();

    QLineEdit* m_generated;
    QLineEdit* m_reference;
    QLineEdit* m_training;
    QComboBox* m_dataset;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_summary;
    QLineEdit* m_filter;
    QCheckBox* m_validOnly;
    QCheckBox* m_nearest;
    QPushButton* m_export;
    QTableView* m_view;
    QTabWidget* m_tabs;
    CrystalReportModel* m_model;
    QSortFilterProxyModel* m_proxy;

    CrystalReportWorker* m_worker = nullptr;  // the newest job (its signals count), or null
    JobRunner m_reports{"crystalReport"};
};

}  // namespace cw
