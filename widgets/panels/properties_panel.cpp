#include "panels/properties_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>
#include <filesystem>

#include "charts/error_histogram_chart.h"
#include "charts/parity_chart.h"
#include "charts/props_loss_chart.h"
#include "common/wrap_text.h"
#include "core/error.h"
#include "io/structure_stream.h"
#include "jobs/job_runner.h"
#include "jobs/props_worker.h"
#include "ml/props/props_report.h"
#include "models/property_columns.h"
#include "panels/props_metrics_table.h"
#include "panels/props_prediction_view.h"
#include "panels/props_target_summary.h"
#include "panels/props_train_form.h"

namespace cw {

namespace {

const char* const kNoTorchTip =
    "This build of Crystal Workbench has no LibTorch: property runs can be opened and plotted, "
    "but training and prediction need a build with CW_WITH_TORCH";

QString number(double value, int digits = 4) {
    return QString::number(value, 'g', digits);
}

QString withUnit(double value, const QString& unit) {
    return unit.isEmpty() ? number(value) : number(value) + " " + unit;
}

}  // namespace

PropertiesPanel::PropertiesPanel(QWidget* parent)
    : QWidget(parent),
      m_form(new PropsTrainForm),
      m_train(new QPushButton("Train")),
      m_cancel(new QPushButton("Cancel")),
      m_progress(new QProgressBar),
      m_status(new QLabel),
      m_runLabel(new QLabel),
      m_tabs(new QTabWidget),
      m_targetBox(new QComboBox),
      m_loss(new PropsLossChart),
      m_metrics(new PropsMetricsTable),
      m_parity(new ParityChart),
      m_errors(new ErrorHistogramChart),
      m_summary(new PropsTargetSummary),
      m_unitLabel(new QLabel),
      m_prediction(new PropsPredictionView),
      m_job(new JobRunner("properties", this)) {
    m_train->setObjectName("propsTrainButton");
    m_cancel->setObjectName("propsCancelButton");
    m_cancel->setToolTip("Stop after the current batch; the run keeps its finished epochs");
    connect(m_train, &QPushButton::clicked, this, &PropertiesPanel::startTraining);
    connect(m_cancel, &QPushButton::clicked, this, &PropertiesPanel::cancel);
    auto* openRun = new QPushButton("Open run…");
    openRun->setToolTip("Show a property run folder (cwb props train, or trained here)");
    connect(openRun, &QPushButton::clicked, this, &PropertiesPanel::chooseRun);
    auto* report = new QPushButton("Report…");
    report->setToolTip("Write the run's report (results.md, figures as PNG and SVG) to a folder");
    connect(report, &QPushButton::clicked, this, &PropertiesPanel::exportReportDialog);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(10);
    m_status->setObjectName("propsStatus");
    // One line that never widens the dock; the whole text is in the tooltip.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_runLabel->setWordWrap(true);
    m_status->setWordWrap(true);
    m_runLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Everything in tabs: the dock shares the bottom row of a 1440 × 900 window, so it is
    // wide but short. Status, target and Export… stay visible below whichever tab is shown.
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_train);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    buttons->addWidget(openRun);
    buttons->addWidget(report);
    auto* trainPage = new QWidget;
    auto* trainLayout = new QVBoxLayout(trainPage);
    trainLayout->setContentsMargins(4, 4, 4, 2);
    trainLayout->addWidget(m_form, 1);
    trainLayout->addLayout(buttons);
    trainLayout->addWidget(m_runLabel);
    auto* trainScroll = new QScrollArea;
    trainScroll->setWidget(trainPage);
    trainScroll->setWidgetResizable(true);
    trainScroll->setFrameShape(QFrame::NoFrame);

    auto* paritySplit = new QSplitter(Qt::Horizontal);
    paritySplit->setChildrenCollapsible(false);
    paritySplit->addWidget(m_parity);
    auto* summaryBox = new QWidget;
    auto* summaryLayout = new QVBoxLayout(summaryBox);
    summaryLayout->setContentsMargins(0, 0, 0, 0);
    summaryLayout->setSpacing(2);
    summaryLayout->addWidget(m_summary, 1);
    summaryLayout->addWidget(m_unitLabel);
    m_unitLabel->setWordWrap(true);
    m_unitLabel->setMaximumWidth(250);
    paritySplit->addWidget(summaryBox);
    paritySplit->setStretchFactor(0, 1);
    paritySplit->setStretchFactor(1, 0);
    paritySplit->setSizes({330, 200});  // the plot gets the room; the table only needs ~200 px

    m_tabs->setObjectName("propsTabs");
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(trainScroll, "Train");
    m_tabs->addTab(m_loss, "Loss");
    m_tabs->addTab(paritySplit, "Parity");
    m_tabs->addTab(m_errors, "Errors");
    m_tabs->addTab(m_metrics, "Metrics");
    m_tabs->addTab(m_prediction, "Open crystal");
    m_targetBox->setObjectName("propsTargetBox");
    m_targetBox->setToolTip("The target of the parity plot and the error histogram");
    m_targetBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_targetBox, &QComboBox::currentIndexChanged, this, &PropertiesPanel::showFigures);
    auto* exportButton = new QPushButton("Export…");
    exportButton->setObjectName("propsExportButton");
    exportButton->setToolTip("Export the shown chart (PNG, SVG, PDF, CSV) or table (CSV)");
    connect(exportButton, &QPushButton::clicked, this, &PropertiesPanel::exportCurrentDialog);
    connect(m_prediction, &PropsPredictionView::predictRequested, this,
            &PropertiesPanel::predictOpenCrystal);

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addSpacing(8);
    bottom->addWidget(new QLabel("Target"));
    bottom->addWidget(m_targetBox);
    bottom->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_progress);
    layout->addLayout(bottom);
    m_progress->hide();  // shown while a job runs
    setStatus("Choose a CrysTens data set and targets, then Train; or open a finished run.");
    updateActions();
}

PropertiesPanel::~PropertiesPanel() {
    shutdown();
}

void PropertiesPanel::setStatus(const QString& text, bool error) {
    m_status->setText(breakablePaths(text));
    m_status->setToolTip(text);
    m_status->setStyleSheet(error ? "color: #b00020" : "");
}

QString PropertiesPanel::statusText() const {
    return m_status->text();
}

void PropertiesPanel::updateActions() {
    const bool available = PropsWorker::available();
    const bool training = m_jobTrains;
    m_train->setEnabled(available && !busy());
    m_train->setToolTip(available ? "Train a model of the form's settings into the run folder"
                                  : kNoTorchTip);
    m_cancel->setEnabled(training);
    QPushButton* predict = m_prediction->predictButton();
    QString why;
    if (!available)
        why = kNoTorchTip;
    else if (busy())
        why = "Wait for the running job";
    else if (!m_structure)
        why = "Open a crystal first";
    else if (m_data.runDir.isEmpty())
        why = "Train or open a run with trained weights first";
    else
        for (const QString& run : predictingRuns())
            if (!std::filesystem::is_regular_file(ml::propsBestCheckpointPath(run.toStdString())))
                why = m_data.isEnsemble() ? "The ensemble's member " + run + " has no trained weights"
                                          : "Train or open a run with trained weights first";
    predict->setEnabled(why.isEmpty());
    predict->setToolTip(why.isEmpty() ? (m_data.isEnsemble()
                                             ? "Predict the properties of the open crystal with the "
                                               "ensemble's member runs: their mean ± spread"
                                             : "Predict the properties of the open crystal with the "
                                               "shown run's best weights")
                                      : why);
}

bool PropertiesPanel::startTraining() {
    if (busy()) return false;
    QString problem = PropsWorker::available() ? m_form->check() : QString(kNoTorchTip);
    if (!problem.isEmpty()) {
        setStatus(problem, true);
        Q_EMIT errorReported(problem);
        return false;
    }
    const ml::PropsConfig config = m_form->config();
    const QString runDir = QDir::cleanPath(QDir(m_form->runDirectory()).absolutePath());
    m_epoch = 0;
    m_epochs = config.epochs;
    m_data = PropsRunData{};
    m_data.runDir = runDir;
    for (const std::string& t : config.targets) m_data.targets.push_back(t);
    m_loss->setRun(runDir);
    m_runLabel->setText(breakablePaths(runDir));
    showFigures();
    auto* worker = new PropsWorker(config, runDir, false);
    connect(worker, &PropsWorker::epochFinished, this,
            [this](int epoch, int epochs, double train, double val, double) {
                showEpoch(epoch, epochs, train, val);
            });
    connect(worker, &PropsWorker::batchProgress, this,
            [this](qint64 batch, qint64 batches, double) {
                if (m_epochs <= 0 || batches <= 0) return;
                const double done = m_epoch + static_cast<double>(batch) / batches;
                m_progress->setValue(static_cast<int>(1000 * done / m_epochs));
            });
    connect(worker, &PropsWorker::log, this, &PropertiesPanel::infoReported);
    connect(worker, &PropsWorker::trainingFinished, this, &PropertiesPanel::trainingFinished);
    connect(worker, &PropsWorker::failed, this, &PropertiesPanel::jobFailed);
    runJob(worker);
    m_tabs->setCurrentIndex(LossTab);
    setStatus(QString("Training %1 on %2…")
                  .arg(QString::fromStdString(ml::propsModelName(config.model)),
                       m_form->checkedTargets().join(", ")));
    Q_EMIT infoReported(QString("Property training into %1").arg(runDir));
    return true;
}

void PropertiesPanel::runJob(PropsWorker* worker) {
    m_jobRun = worker->runDirectory();
    m_jobTrains = worker->kind() == PropsWorker::Kind::Train;
    m_progress->setValue(0);
    m_progress->show();
    m_job->start(worker);
    updateActions();
}

void PropertiesPanel::endJob() {
    m_job->finish();
    m_progress->hide();
    m_jobRun.clear();
    m_jobTrains = false;
    updateActions();
    Q_EMIT jobEnded();
}

bool PropertiesPanel::busy() const {
    return m_job->busy();
}

void PropertiesPanel::cancel() {
    m_job->cancel();
}

void PropertiesPanel::shutdown() {
    m_job->shutdown();
}

void PropertiesPanel::showEpoch(int epoch, int epochs, double trainLoss, double valLoss) {
    m_epoch = epoch;
    m_epochs = epochs;
    m_progress->setValue(epochs > 0 ? static_cast<int>(1000LL * epoch / epochs) : 0);
    // The curves are metrics.csv itself, which the engine has written before this report.
    m_loss->reload();
    setStatus(QString("Epoch %1 / %2 · training loss %3 · validation loss %4")
                  .arg(epoch)
                  .arg(epochs)
                  .arg(number(trainLoss, 3), number(valLoss, 3)));
    Q_EMIT trainingProgress(epoch, epochs);
}

void PropertiesPanel::trainingFinished(const ml::PropsTrainingResult& result) {
    const QString runDir = m_jobRun;
    endJob();
    QString text;
    if (result.cancelled)
        text = QString(
                   "Cancelled after %1 epochs; the run keeps them (cwb props train --resume "
                   "continues it)")
                   .arg(result.epochsDone);
    else
        text = QString("Finished: %1 epochs%2, best epoch %3 (validation loss %4)")
                   .arg(result.epochsDone)
                   .arg(result.stoppedEarly ? " (stopped early)" : "")
                   .arg(result.bestEpoch)
                   .arg(number(result.bestValLoss, 3));
    openRun(runDir);
    setStatus(text);
    Q_EMIT infoReported(QFileInfo(runDir).fileName() + ": " + text);
    Q_EMIT trainingEnded(result);
}

void PropertiesPanel::jobFailed(const QString& message) {
    const bool training = m_jobTrains;
    endJob();
    if (training) {
        m_loss->reload();
        setStatus("Failed: " + message, true);
    } else {
        m_prediction->setMessage(message, true);
    }
    Q_EMIT errorReported(message);
}

bool PropertiesPanel::openRun(const QString& runDir) {
    try {
        m_data = loadPropsRun(runDir);
    } catch (const Error& e) {
        const QString message = QString::fromStdString(e.what());
        setStatus(message, true);
        Q_EMIT errorReported(message);
        return false;
    }
    if (!m_loss->setRun(runDir)) Q_EMIT errorReported(m_loss->loadError());
    m_metrics->setResults(m_data.results);
    m_runLabel->setText(breakablePaths(runDir));
    const QString previous = target();
    {
        const QSignalBlocker block(m_targetBox);
        m_targetBox->clear();
        for (const std::string& t : m_data.targets) m_targetBox->addItem(QString::fromStdString(t));
        if (!previous.isEmpty() && m_targetBox->findText(previous) >= 0)
            m_targetBox->setCurrentText(previous);
    }
    showFigures();
    m_prediction->showPredictions({}, {}, {});
    if (!busy()) m_tabs->setCurrentIndex(m_data.results ? ParityTab : LossTab);
    if (!busy()) {
        const QString name = QFileInfo(runDir).fileName();
        if (m_data.isEnsemble())
            setStatus(QString("%1: the mean of %2 runs").arg(name).arg(m_data.results->members.size()));
        else if (m_data.results)
            setStatus(QString("%1: %2 epochs, best epoch %3")
                          .arg(name)
                          .arg(m_data.results->epochsDone)
                          .arg(m_data.results->bestEpoch));
        else
            setStatus(QString("%1 has not finished: no results yet").arg(name));
    }
    updateActions();
    return true;
}

void PropertiesPanel::chooseRun() {
    const QString dir = QFileDialog::getExistingDirectory(this, "Open property run", run());
    if (!dir.isEmpty()) openRun(dir);
}

void PropertiesPanel::setTarget(const QString& target) {
    m_targetBox->setCurrentText(target);
}

QString PropertiesPanel::target() const {
    return m_targetBox->currentText();
}

void PropertiesPanel::showFigures() {
    const std::string name = target().toStdString();
    const std::string split = m_data.figureSplit();
    if (name.empty() || !m_data.results) {
        m_parity->setPairs({});
        m_errors->setPairs({});
        m_summary->showTarget(m_data, {});
        m_unitLabel->clear();
        return;
    }
    const QString unit = propertyUnit(QString::fromStdString(name));
    const PropsPairs pairs = m_data.pairs(name, split);
    QStringList notes;
    if (const ml::PropsTargetMetrics* m = m_data.metrics(name, split)) {
        notes << "MAE = " + withUnit(m->metrics.mae, unit);
        if (m->metrics.r2) notes << "R² = " + number(*m->metrics.r2, 3);
        notes << "mean MAE = " + withUnit(m->trainMeanMae, unit);
    }
    m_parity->setPairs(pairs, unit, notes);
    m_summary->showTarget(m_data, name);
    m_unitLabel->setText(m_summary->unitText());
    m_errors->setPairs(pairs, unit, notes.mid(0, 1));
}

void PropertiesPanel::setStructure(const Structure& structure, const QString& source) {
    m_structure = structure;
    m_structureName = source;
    m_predictions.clear();
    m_prediction->setCrystal(
        QString("%1 — %2").arg(QString::fromStdString(structure.reducedFormula()), source));
    updateActions();
}

QStringList PropertiesPanel::predictingRuns() const {
    if (!m_data.isEnsemble()) return {m_data.runDir};
    QStringList runs;
    for (const std::string& member : m_data.results->members) runs << QString::fromStdString(member);
    return runs;
}

bool PropertiesPanel::predictOpenCrystal() {
    updateActions();
    if (!m_prediction->predictButton()->isEnabled()) {
        m_prediction->setMessage(m_prediction->predictButton()->toolTip(), true);
        return false;
    }
    // The engine predicts from files: write the crystal as pymatgen JSON, which keeps its id
    // and properties (the space group the data-set builder used, where the source had one).
    if (!m_scratch) m_scratch = std::make_unique<QTemporaryDir>();
    const QString path = m_scratch->filePath("open-crystal.json");
    try {
        writeStructures(path.toStdString(), {*m_structure});
    } catch (const Error& e) {
        m_prediction->setMessage(QString::fromStdString(e.what()), true);
        return false;
    }
    ml::PropsPredictOptions options;
    options.threads = 1;  // one crystal: more threads only cost start-up time
    auto* worker = new PropsWorker(predictingRuns(), {path}, options);
    connect(
        worker, &PropsWorker::predicted, this,
        [this](const std::vector<ml::PropsPrediction>& predictions,
               const std::vector<std::vector<double>>& spreads) {
            endJob();
            m_predictions = predictions;
            m_spreads = spreads;
            std::map<std::string, double> known = m_structure->properties();
            // Density follows from the structure itself.
            if (!known.count("density") && m_structure->size() > 0)
                known["density"] = m_structure->densityGPerCm3();
            const QString name = QFileInfo(m_data.runDir).fileName();
            if (m_data.isEnsemble()) {
                m_prediction->showPredictions(predictions, m_data.targets, known,
                                              spreads.empty() ? std::vector<double>{} : spreads.front());
                m_prediction->setMessage(QString("Predicted by %1: the mean of its %2 runs ± their spread")
                                             .arg(name)
                                             .arg(m_data.results->members.size()));
            } else {
                m_prediction->showPredictions(predictions, m_data.targets, known);
                m_prediction->setMessage(QString("Predicted by %1 (best epoch)").arg(name));
            }
        });
    connect(worker, &PropsWorker::failed, this, &PropertiesPanel::jobFailed);
    m_prediction->setMessage("Predicting…");
    m_tabs->setCurrentIndex(CrystalTab);
    runJob(worker);
    return true;
}

void PropertiesPanel::exportReportDialog() {
    if (!m_data.results) {
        QMessageBox::information(this, "Property report", "Open or train a finished run first.");
        return;
    }
    const QString dir = QFileDialog::getExistingDirectory(this, "Folder for the report");
    if (dir.isEmpty()) return;
    try {
        const auto written = ml::writePropsReport(m_data.runDir.toStdString(), dir.toStdString());
        Q_EMIT infoReported(QString("Report of %1: %2 files in %3")
                                .arg(QFileInfo(m_data.runDir).fileName())
                                .arg(written.size())
                                .arg(dir));
    } catch (const Error& e) {
        QMessageBox::warning(this, "Property report", QString::fromStdString(e.what()));
    }
}

void PropertiesPanel::exportCurrentDialog() {
    switch (m_tabs->currentIndex()) {
        case LossTab:
            m_loss->exportDialog();
            break;
        case MetricsTab:
            m_metrics->exportDialog();
            break;
        case ParityTab:
            m_parity->exportDialog();
            break;
        case ErrorsTab:
            m_errors->exportDialog();
            break;
        default:
            QMessageBox::information(this, "Export",
                                     "Export writes the chart or table of the Loss, Parity, "
                                     "Errors and Metrics tabs.");
    }
}

void PropertiesPanel::saveSettings() const {
    QSettings settings;
    settings.setValue("properties/dataDir", m_form->dataDir());
    settings.setValue("properties/run", run());
}

void PropertiesPanel::restoreSettings() {
    QSettings settings;
    const QString data = settings.value("properties/dataDir").toString();
    if (!data.isEmpty() && QFileInfo(data).isDir()) m_form->setDataDir(data);
    const QString runDir = settings.value("properties/run").toString();
    if (!runDir.isEmpty() && QFileInfo(runDir).isDir()) openRun(runDir);
}

}  // namespace cw
