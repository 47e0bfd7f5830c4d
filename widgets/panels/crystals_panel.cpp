#include "panels/crystals_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>
#include <cmath>

#include "common/wrap_text.h"
#include "core/error.h"
#include "crystal_eval/crystal_report_files.h"
#include "models/crystal_report_model.h"

namespace cw {
namespace {

/// Text filter over every cell, plus "valid only".
class CrystalFilterProxy : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setFilter(const QString& text, bool validOnly) {
        m_text = text.trimmed();
        m_validOnly = validOnly;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        const QAbstractItemModel* source = sourceModel();
        if (m_validOnly &&
            !source->data(source->index(row, CrystalReportModel::Valid, parent),
                          CrystalReportModel::SortRole).toBool()) {
            return false;
        }
        if (m_text.isEmpty()) return true;
        for (int column = 0; column < source->columnCount(parent); ++column) {
            if (source->data(source->index(row, column, parent)).toString().contains(m_text, Qt::CaseInsensitive)) {
                return true;
            }
        }
        return false;
    }

private:
    QString m_text;
    bool m_validOnly = false;
};

QString percent(std::size_t count, std::size_t of) {
    return of ? QString::number(100.0 * double(count) / double(of), 'f', 2) : QString("–");
}

QString cell(double value, int decimals) {
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QString("–");
}

QString stageText(const QString& stage) {
    if (stage == "reading") return "Reading crystals";
    return stage.left(1).toUpper() + stage.mid(1);
}

}  // namespace

CrystalsPanel::CrystalsPanel(QWidget* parent)
    : QWidget(parent),
      m_generated(new QLineEdit),
      m_reference(new QLineEdit),
      m_training(new QLineEdit),
      m_dataset(new QComboBox),
      m_run(new QPushButton("Evaluate")),
      m_cancel(new QPushButton("Cancel")),
      m_progress(new QProgressBar),
      m_status(new QLabel),
      m_summary(new QLabel),
      m_filter(new QLineEdit),
      m_validOnly(new QCheckBox("valid only")),
      m_nearest(new QCheckBox("open nearest training")),
      m_export(new QPushButton("Export…")),
      m_view(new QTableView),
      m_tabs(new QTabWidget),
      m_model(new CrystalReportModel(this)),
      m_proxy(new CrystalFilterProxy(this)) {
    m_generated->setPlaceholderText("generated crystals: folder, CIF, CSV or JSON collection");
    m_reference->setPlaceholderText("reference (test) set");
    m_training->setPlaceholderText("training set (optional: novelty)");
    m_dataset->addItem("no benchmark", QString());
    m_dataset->addItem("Perov-5", QString("perov5"));
    m_dataset->addItem("Carbon-24", QString("carbon24"));
    m_dataset->addItem("MP-20", QString("mp20"));
    m_filter->setPlaceholderText("Filter: id, formula, group, reason…");
    m_nearest->setToolTip("A click opens the crystal's nearest training crystal instead of itself");
    m_cancel->setEnabled(false);
    m_export->setEnabled(false);
    m_progress->setVisible(false);
    // Long paths and summaries wrap rather than widen the window.
    m_status->setWordWrap(true);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* inputs = new QGridLayout;
    auto addRow = [&](int row, int column, const QString& label, QLineEdit* edit, const QString& title) {
        auto* browse = new QPushButton("…");
        browse->setMaximumWidth(32);
        connect(browse, &QPushButton::clicked, this, [this, edit, title] { this->browse(edit, title); });
        inputs->addWidget(new QLabel(label), row, column);
        inputs->addWidget(edit, row, column + 1);
        inputs->addWidget(browse, row, column + 2);
    };
    addRow(0, 0, "Generated", m_generated, "Generated crystals");
    addRow(0, 3, "Reference", m_reference, "Reference (test) set");
    addRow(1, 0, "Training", m_training, "Training set");
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_dataset);
    actions->addWidget(m_run);
    actions->addWidget(m_cancel);
    inputs->addLayout(actions, 1, 3, 1, 3);
    inputs->setColumnStretch(1, 1);
    inputs->setColumnStretch(4, 1);

    auto* tools = new QHBoxLayout;
    tools->addWidget(m_filter, 1);
    tools->addWidget(m_validOnly);
    tools->addWidget(m_nearest);
    tools->addWidget(m_export);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CrystalReportModel::SortRole);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->setVisible(false);
    m_view->horizontalHeader()->setStretchLastSection(true);

    // A bottom dock is short: the summary (beside the published rows) and the table of
    // crystals are two tabs, each with the whole height.
    auto* summaryScroll = new QScrollArea;
    summaryScroll->setWidget(m_summary);
    summaryScroll->setWidgetResizable(true);
    summaryScroll->setFrameShape(QFrame::NoFrame);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* tablePane = new QWidget;
    auto* tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(tools);
    tableLayout->addWidget(m_view, 1);
    m_tabs->addTab(summaryScroll, "Summary");
    m_tabs->addTab(tablePane, "Crystals");

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(inputs);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_tabs, 1);

    connect(m_run, &QPushButton::clicked, this, &CrystalsPanel::start);
    connect(m_cancel, &QPushButton::clicked, this, &CrystalsPanel::cancel);
    connect(m_export, &QPushButton::clicked, this, &CrystalsPanel::exportDialog);
    connect(m_filter, &QLineEdit::textChanged, this,
            [this] { setFilter(m_filter->text(), m_validOnly->isChecked()); });
    connect(m_validOnly, &QCheckBox::toggled, this,
            [this] { setFilter(m_filter->text(), m_validOnly->isChecked()); });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex& index) { activateRow(index.row()); });
    connect(m_view, &QTableView::clicked, this,
            [this](const QModelIndex& index) { activateRow(index.row()); });
}

CrystalsPanel::~CrystalsPanel() = default;  // m_reports cancels a running report and joins it

void CrystalsPanel::setInputs(const QString& generated, const QString& reference,
                              const QString& training, const QString& dataset) {
    m_generated->setText(generated);
    m_reference->setText(reference);
    m_training->setText(training);
    const int index = m_dataset->findData(dataset);
    m_dataset->setCurrentIndex(index < 0 ? 0 : index);
}

void CrystalsPanel::start() {
    if (m_generated->text().isEmpty() || m_reference->text().isEmpty()) {
        m_status->setText("Choose a generated set and a reference set first.");
        return;
    }
    cancel();
    CrystalReportRequest request;
    request.generated = m_generated->text();
    request.reference = m_reference->text();
    request.training = m_training->text();
    request.dataset = m_dataset->currentData().toString();
    request.threads = std::max(1, QThread::idealThreadCount() - 1);  // keep the window responsive
    m_worker = new CrystalReportWorker(request);
    CrystalReportWorker* worker = m_worker;
    connect(worker, &CrystalReportWorker::progress, this,
            [this, worker](const QString& stage, qint64 done, qint64 total) {
                if (worker != m_worker) return;
                m_progress->setRange(0, total > 0 ? 1000 : 0);
                if (total > 0) m_progress->setValue(int(1000 * done / total));
                m_status->setText(total > 0 ? QString("%1: %2 of %3").arg(stageText(stage)).arg(done).arg(total)
                                            : stageText(stage) + "…");
            });
    connect(worker, &CrystalReportWorker::finished, this,
            [this, worker](std::shared_ptr<const CrystalReportData> data) {
                if (worker == m_worker) onFinished(std::move(data));
            });
    connect(worker, &CrystalReportWorker::cancelled, this, [this, worker] {
        if (worker == m_worker) onEnded("Cancelled.");
    });
    connect(worker, &CrystalReportWorker::failed, this, [this, worker](const QString& text) {
        if (worker == m_worker) onEnded("Failed: " + text);
        Q_EMIT message("Crystal report failed: " + text);
    });
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setVisible(true);
    m_progress->setRange(0, 0);
    m_status->setText("Starting…");
    m_reports.replace(worker);  // a report still running was cancelled above
}

void CrystalsPanel::cancel() {
    if (!m_worker) return;
    m_reports.cancel();
    // The runner deletes the job when it ends; its signals are ignored from now on.
    m_worker = nullptr;
    onEnded("Cancelled.");
}

void CrystalsPanel::onEnded(const QString& status) {
    m_worker = nullptr;
    m_run->setEnabled(true);
    m_cancel->setEnabled(false);
    m_progress->setVisible(false);
    m_status->setText(breakablePaths(status));
}

void CrystalsPanel::showReport(std::shared_ptr<const CrystalReportData> data) {
    if (isRunning()) cancel();
    const CrystalReportRequest& r = data->request;
    setInputs(r.generated, r.reference, r.training, r.dataset);
    onFinished(std::move(data));
}

void CrystalsPanel::onFinished(std::shared_ptr<const CrystalReportData> data) {
    onEnded(QString("%1 crystals judged against %2 reference crystals%3.")
                .arg(data->report.generated)
                .arg(data->report.reference)
                .arg(data->skipped ? QString(", %1 unreadable entries skipped").arg(data->skipped)
                                   : QString()));
    showSummary(*data);
    m_model->setData(std::move(data));
    m_view->resizeColumnsToContents();
    m_export->setEnabled(true);
    Q_EMIT reportFinished();
}

void CrystalsPanel::showSummary(const CrystalReportData& data) {
    const CrystalReport& r = data.report;
    const std::string dataset = data.request.dataset.toStdString();
    QString html = "<table cellspacing='0' cellpadding='1'><tr><th align='left'>model</th>"
                   "<th>struct %</th><th>comp %</th><th>COV-R %</th><th>COV-P %</th>"
                   "<th>W(ρ)</th><th>W(N<sub>el</sub>)</th><th>unique %</th><th>novel %</th></tr>";
    html += QString("<tr><td><b>this set</b></td><td>%1</td><td>%2</td><td>%3</td><td>%4</td>"
                    "<td>%5</td><td>%6</td><td>%7</td><td>%8</td></tr>")
                .arg(percent(r.structurallyValid, r.generated), percent(r.compositionallyValid, r.generated),
                     r.coverage ? cell(100 * r.coverage->recall, 2) : "–",
                     r.coverage ? cell(100 * r.coverage->precision, 2) : "–",
                     r.properties ? cell(r.properties->densityW1, 4) : "–",
                     r.properties ? cell(r.properties->elementCountW1, 4) : "–",
                     percent(r.unique, r.generated), r.novel ? percent(*r.novel, r.generated) : "–");
    for (const PublishedRow& row : publishedRows(dataset)) {
        html += QString("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td>"
                        "<td>%7</td><td>–</td><td>–</td></tr>")
                    .arg(QString::fromStdString(row.model), cell(row.structural, 2),
                         cell(row.compositional, 2), cell(row.coverageRecall, 2),
                         cell(row.coveragePrecision, 2), cell(row.densityW1, 4), cell(row.elementsW1, 4));
    }
    html += "</table>";
    if (!r.propertiesNote.empty()) html += "<br>" + QString::fromStdString(r.propertiesNote).toHtmlEscaped();
    if (dataset.empty()) html += "<br>No coverage: choose the benchmark for its cutoffs.";
    m_summary->setText(html);
}

void CrystalsPanel::setFilter(const QString& text, bool validOnly) {
    static_cast<CrystalFilterProxy*>(m_proxy)->setFilter(text, validOnly);
}

void CrystalsPanel::setShowNearestTraining(bool on) { m_nearest->setChecked(on); }

void CrystalsPanel::activateRow(int row) {
    const auto data = m_model->reportData();
    if (!data) return;
    const QModelIndex source = m_proxy->mapToSource(m_proxy->index(row, 0));
    if (!source.isValid()) return;
    const std::size_t i = std::size_t(source.row());
    const CrystalVerdict& v = data->report.crystals.at(i);
    m_tabs->setCurrentIndex(1);
    m_view->selectRow(row);
    if (m_nearest->isChecked()) {
        const Structure* nearest = data->trainingCrystal(v.nearestTrainingId);
        if (!nearest) {
            Q_EMIT message(QString("%1 has no training crystal of its composition within the "
                                   "matcher's tolerance")
                               .arg(QString::fromStdString(v.id)));
            return;
        }
        Q_EMIT structureActivated(*nearest, QString("training %1 (nearest to %2)")
                                                .arg(QString::fromStdString(nearest->id()),
                                                     QString::fromStdString(v.id)));
        return;
    }
    const std::optional<Structure>& crystal = data->report.structures.at(i);
    if (!crystal) {
        Q_EMIT message(QString("%1 has no cell to show (%2)")
                           .arg(QString::fromStdString(v.id), QString::fromStdString(v.validity.reason())));
        return;
    }
    Q_EMIT structureActivated(*crystal, QString("generated %1").arg(QString::fromStdString(v.id)));
}

QStringList CrystalsPanel::exportTo(const QString& directory) {
    const auto data = m_model->reportData();
    if (!data) return {};
    try {
        QStringList out;
        for (const std::string& path :
             writeCrystalReport(directory.toStdString(), data->report, data->reference, data->request.dataset.toStdString())) {
            out << QString::fromStdString(path);
        }
        m_status->setText(breakablePaths(QString("Exported %1 files to %2").arg(out.size()).arg(directory)));
        return out;
    } catch (const Error& e) {
        m_status->setText(QString("Export failed: %1").arg(e.what()));
        Q_EMIT message(QString("Export failed: %1").arg(e.what()));
        return {};
    }
}

void CrystalsPanel::exportDialog() {
    const QString directory = QFileDialog::getExistingDirectory(this, "Export the crystal report to");
    if (!directory.isEmpty()) exportTo(directory);
}

void CrystalsPanel::browse(QLineEdit* edit, const QString& title) {
    const QString path = QFileDialog::getOpenFileName(
        this, title, QString(), "Crystals (*.cif *.csv *.csv.gz *.json *.json.gz *.json.bz2 *.xyz *.vasp);;All files (*)");
    if (!path.isEmpty()) edit->setText(path);
}

QString CrystalsPanel::summaryText() const { return m_summary->text(); }
QString CrystalsPanel::statusText() const { return m_status->text(); }

}  // namespace cw
