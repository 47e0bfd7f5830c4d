#include "main_window.h"

#include <algorithm>

#include "ml/generation/crystal_generation.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QShowEvent>
#include <QStatusBar>
#include <QToolButton>

#include "charts/loss_chart.h"
#include "controllers/evaluation_controller.h"
#include "controllers/file_controller.h"
#include "controllers/training_controller.h"
#include "core/error.h"
#include "core/parallel.h"
#include "jobs/job_threads.h"
#include "panels/collection_browser.h"
#include "panels/crystals_panel.h"
#include "panels/crystens_panel.h"
#include "panels/gallery_panel.h"
#include "panels/log_panel.h"
#include "panels/metrics_panel.h"
#include "panels/properties_panel.h"
#include "panels/runs_panel.h"
#include "panels/samples_panel.h"
#include "panels/slice_panel.h"
#include "panels/structure_panel.h"
#include "symmetry/space_group.h"
#include "viewer/crystal_view.h"
#include "viewer/view_export_dialog.h"

namespace cw {

namespace {
// Bump when the docks change, so that an old saved layout is not applied to new docks.
constexpr int kLayoutVersion = 7;
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_crystalView(new CrystalView),
      m_structurePanel(new StructurePanel),
      m_slicePanel(new SlicePanel),
      m_crysTensPanel(new CrysTensPanel),
      m_collectionBrowser(new CollectionBrowser),
      m_logPanel(new LogPanel),
      m_runsPanel(new RunsPanel),
      m_lossChart(new LossChart),
      m_samplesPanel(new SamplesPanel),
      m_metricsPanel(new MetricsPanel),
      m_galleryPanel(new GalleryPanel),
      m_propertiesPanel(new PropertiesPanel),
      m_crystalsPanel(new CrystalsPanel),
      m_files(new FileController(m_collectionBrowser, this, this)),
      m_training(new TrainingController(m_runsPanel, m_lossChart, m_samplesPanel, this, this)),
      m_evaluation(
          new EvaluationController(m_runsPanel, m_metricsPanel, m_galleryPanel, this, this)) {
    setWindowTitle("Crystal Workbench");
    setCentralWidget(m_crystalView);
    setAcceptDrops(true);
    buildDocks();
    buildMenus();
    buildEvaluationStatus();

    connect(m_crystalView, &CrystalView::picksChanged, m_slicePanel, &SlicePanel::setPicks);
    connect(m_crystalView, &CrystalView::picksCleared, m_slicePanel, &SlicePanel::clearPicks);
    connect(m_slicePanel, &SlicePanel::parametersChanged, m_crystalView,
            &CrystalView::setSliceParameters);
    connect(m_slicePanel, &SlicePanel::sliceFailed, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    m_crystalView->setSliceParameters(m_slicePanel->parameters());
    // The sites table and the 3D view share one selection: rows chosen in the table light up
    // every displayed image of those sites; picks in the view select their rows.
    connect(m_structurePanel, &StructurePanel::siteSelectionChanged, m_crystalView,
            &CrystalView::setHighlightedSites);
    connect(m_crystalView, &CrystalView::selectionChanged, this, [this] {
        m_crystalView->setHighlightedSites({});
        m_structurePanel->setSelectedSites(m_crystalView->pickedSites());
    });
    connect(m_structurePanel, &StructurePanel::planeRequested, this, [this](int a, int b, int c) {
        const Eigen::Vector3i home = Eigen::Vector3i::Zero();
        m_crystalView->setPicks(PickTriple{Pick{a, home}, Pick{b, home}, Pick{c, home}});
    });

    connect(m_files, &FileController::structureOpened, this, &MainWindow::showStructure);
    connect(m_files, &FileController::chgcarOpened, m_slicePanel, &SlicePanel::setChgcar);
    connect(m_files, &FileController::errorReported, m_logPanel, &LogPanel::error);
    connect(m_files, &FileController::errorReported, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    connect(m_files, &FileController::infoReported, m_logPanel, &LogPanel::info);
    connect(m_collectionBrowser, &CollectionBrowser::entrySkipped, m_logPanel, &LogPanel::warning);
    connect(m_training, &TrainingController::infoReported, m_logPanel, &LogPanel::info);
    connect(m_training, &TrainingController::crystalsGenerated, this,
            [this](std::shared_ptr<const CrystalReportData> data) {
                showCrystalsPanel();
                m_crystalsPanel->showReport(std::move(data));
            });
    connect(m_training, &TrainingController::errorReported, m_logPanel, &LogPanel::error);
    connect(m_training, &TrainingController::errorReported, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    connect(m_evaluation, &EvaluationController::infoReported, m_logPanel, &LogPanel::info);
    connect(m_evaluation, &EvaluationController::infoReported, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    connect(m_evaluation, &EvaluationController::warningReported, m_logPanel, &LogPanel::warning);
    // A generated crystal (or its nearest training crystal) opens like any other file.
    connect(m_crystalsPanel, &CrystalsPanel::structureActivated, this, &MainWindow::showStructure);
    connect(m_crystalsPanel, &CrystalsPanel::message, m_logPanel, &LogPanel::info);
    connect(m_evaluation, &EvaluationController::errorReported, m_logPanel, &LogPanel::error);
    connect(m_evaluation, &EvaluationController::errorReported, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    connect(m_evaluation, &EvaluationController::evaluationShown, this,
            &MainWindow::showEvaluationPanels);
    connect(m_propertiesPanel, &PropertiesPanel::infoReported, m_logPanel, &LogPanel::info);
    connect(m_propertiesPanel, &PropertiesPanel::errorReported, m_logPanel, &LogPanel::error);
    connect(m_propertiesPanel, &PropertiesPanel::errorReported, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    m_runsPanel->restoreWorkspace();
    m_propertiesPanel->restoreSettings();
    statusBar()->showMessage(
        "Open a crystal (CIF, POSCAR, pymatgen JSON, XYZ), an MP / Alexandria collection or a "
        "folder; or drop one on the window");
}

void MainWindow::buildDocks() {
    auto dock = [this](QWidget* panel, const QString& title, const char* name,
                       Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        // In a scroll area, a panel squeezed below its minimum scrolls instead of widening the
        // window or overlapping its neighbours.
        auto* scroll = new QScrollArea;
        scroll->setObjectName(QString(name) + "Scroll");
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidgetResizable(true);
        scroll->setWidget(panel);
        d->setWidget(scroll);
        addDockWidget(area, d);
        return d;
    };
    QDockWidget* structure =
        dock(m_structurePanel, "Structure", "structureDock", Qt::RightDockWidgetArea);
    QDockWidget* slice = dock(m_slicePanel, "ECD slice", "sliceDock", Qt::RightDockWidgetArea);
    QDockWidget* crysTens =
        dock(m_crysTensPanel, "CrysTens / xtal2png", "crysTensDock", Qt::BottomDockWidgetArea);
    QDockWidget* collection =
        dock(m_collectionBrowser, "Collection", "collectionDock", Qt::BottomDockWidgetArea);
    QDockWidget* messages = dock(m_logPanel, "Messages", "messagesDock", Qt::BottomDockWidgetArea);
    // Training shares the tab groups: the crystal panels stay in front until a workspace opens.
    QDockWidget* runs = dock(m_runsPanel, "Runs", "runsDock", Qt::BottomDockWidgetArea);
    QDockWidget* loss = dock(m_lossChart, "Loss", "lossDock", Qt::BottomDockWidgetArea);
    QDockWidget* samples = dock(m_samplesPanel, "Samples", "samplesDock", Qt::RightDockWidgetArea);
    // The right column runs the full height; the bottom row sits under the 3-D view.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    splitDockWidget(crysTens, collection, Qt::Horizontal);
    splitDockWidget(collection, messages, Qt::Vertical);
    tabifyDockWidget(crysTens, loss);
    tabifyDockWidget(collection, runs);
    tabifyDockWidget(slice, samples);
    // Added once the others are tabbed: side by side with all of them, the bottom row's minimum
    // width would widen the window for good.
    QDockWidget* metrics = dock(m_metricsPanel, "Metrics", "metricsDock", Qt::BottomDockWidgetArea);
    tabifyDockWidget(crysTens, metrics);
    QDockWidget* gallery = dock(m_galleryPanel, "Gallery", "galleryDock", Qt::RightDockWidgetArea);
    tabifyDockWidget(slice, gallery);
    QDockWidget* properties =
        dock(m_propertiesPanel, "Properties", "propertiesDock", Qt::BottomDockWidgetArea);
    tabifyDockWidget(crysTens, properties);
    QDockWidget* crystals = dock(m_crystalsPanel, "Crystals", "crystalsDock", Qt::BottomDockWidgetArea);
    tabifyDockWidget(crysTens, crystals);
    for (QDockWidget* front : {crysTens, collection, slice}) front->raise();
    m_defaultState = saveState(kLayoutVersion);
}

void MainWindow::fitDocksToWindow() {
    // Fractions of the window rather than pixels, so that the layout fits 1366 × 768 and
    // scales up; the clamps keep the panels readable and the 3-D view the largest.
    auto find = [this](const char* name) { return findChild<QDockWidget*>(name); };
    QDockWidget* structure = find("structureDock");
    QDockWidget* slice = find("sliceDock");
    QDockWidget* crysTens = find("crysTensDock");
    QDockWidget* collection = find("collectionDock");
    QDockWidget* messages = find("messagesDock");
    const int w = width();
    const int h = height();
    const int right = std::clamp(w * 3 / 10, 340, 560);
    const int bottom = std::clamp(h * 42 / 100, 240, 480);
    resizeDocks({structure}, {right}, Qt::Horizontal);
    resizeDocks({structure, slice}, {h * 2 / 5, h * 3 / 5}, Qt::Vertical);
    resizeDocks({crysTens}, {bottom}, Qt::Vertical);
    resizeDocks({crysTens, collection}, {(w - right) * 55 / 100, (w - right) * 45 / 100},
                Qt::Horizontal);
    if (h < 860) {
        // A laptop's short window has no height for Messages under Runs: it becomes a tab
        // (errors also show in the status bar).
        if (tabifiedDockWidgets(messages).isEmpty()) tabifyDockWidget(collection, messages);
        // Tabifying raised Messages: bring back the tab that was in front.
        (m_trainingInFront ? find("runsDock") : collection)->raise();
    } else {
        resizeDocks({collection, messages}, {bottom * 72 / 100, bottom * 28 / 100}, Qt::Vertical);
    }
}

void MainWindow::resetLayout() {
    restoreState(m_defaultState, kLayoutVersion);
    fitDocksToWindow();
}

QSize MainWindow::defaultSize(QSize available) {
    // A laptop gets the whole screen; a large screen most of it, never less than 1440 × 900.
    if (available.width() <= 1600 || available.height() <= 960) return available;
    return QSize(std::max(1440, available.width() * 4 / 5), std::max(900, available.height() * 4 / 5))
        .boundedTo(available);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (!m_fitDocksOnShow) return;
    m_fitDocksOnShow = false;
    fitDocksToWindow();
}

void MainWindow::buildMenus() {
    QMenu* fileMenu = menuBar()->addMenu("&File");
    fileMenu->addAction("&Open…", this, &MainWindow::chooseFile)->setShortcut(QKeySequence::Open);
    fileMenu->addAction("Open &Folder…", this, &MainWindow::chooseFolder);
    m_recentMenu = fileMenu->addMenu("&Recent");
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    fileMenu->addSeparator();
    QMenu* exportMenu = fileMenu->addMenu("&Export Figure");
    exportMenu->addAction("&3D View…", this, [this] { ViewExportDialog(m_crystalView, this).exec(); })
        ->setObjectName("exportViewFigureMenu");
    exportMenu->addAction("&ECD Slice…", m_slicePanel, &SlicePanel::exportFigureDialog)
        ->setObjectName("exportSliceFigureMenu");
    exportMenu->addAction("&CrysTens / xtal2png…", m_crysTensPanel,
                          &CrysTensPanel::exportFigureDialog)
        ->setObjectName("exportCrysTensFigureMenu");
    fileMenu->addSeparator();
    fileMenu->addAction("&Quit", this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu* runMenu = menuBar()->addMenu("&Run");
    QAction* evaluate = runMenu->addAction("&Evaluate Generated Slices…", m_evaluation,
                                           &EvaluationController::evaluate);
    evaluate->setObjectName("evaluateAction");
    evaluate->setShortcut(QKeySequence("Ctrl+E"));
    runMenu->addAction("&Cancel Evaluation", m_evaluation, &EvaluationController::cancel)
        ->setObjectName("cancelEvaluationAction");
    runMenu->addSeparator();
    QAction* generate = runMenu->addAction("&Generate Crystals…", this, [this] {
        // The selected run, else the model shipped with the workbench (no training needed).
        QString run = m_runsPanel->currentRun();
#ifdef CW_WITH_TORCH
        if (run.isEmpty()) run = QString::fromStdString(ml::defaultGenerationRun());
#endif
        if (run.isEmpty()) {
            m_logPanel->error("Generate crystals: select a CrysTens or xtal2png run in the Runs panel first");
            return;
        }
        m_training->generate(run);
    });
    generate->setObjectName("generateCrystalsAction");
    buildThreadsMenu(runMenu);
    runMenu->addSeparator();
    runMenu->addAction("Train &Property Model…", this, &MainWindow::showPropertiesPanel)
        ->setObjectName("trainPropertiesAction");
    runMenu->addAction("Open P&roperty Run…", this,
                       [this] {
                           showPropertiesPanel();
                           m_propertiesPanel->chooseRun();
                       })
        ->setObjectName("openPropertyRunAction");
    runMenu->addAction("Pre&dict Properties of the Open Crystal", this,
                       [this] {
                           showPropertiesPanel();
                           m_propertiesPanel->predictOpenCrystal();
                       })
        ->setObjectName("predictPropertiesAction");

    m_viewMenu = menuBar()->addMenu("&View");
    for (QDockWidget* d : findChildren<QDockWidget*>())
        m_viewMenu->addAction(d->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction("&Reset Layout", this, &MainWindow::resetLayout);
}

void MainWindow::buildThreadsMenu(QMenu* runMenu) {
    // LibTorch jobs slow several-fold when they ask for more cores than are free: "Auto" counts
    // the free ones when each job starts.
    QMenu* menu = runMenu->addMenu("CPU &Threads");
    menu->setObjectName("threadsMenu");
    menu->setToolTipsVisible(true);
    auto* group = new QActionGroup(menu);
    auto add = [this, menu, group](const QString& text, int threads) {
        QAction* action = menu->addAction(text);
        action->setCheckable(true);
        action->setData(threads);
        action->setChecked(jobThreadsSetting() == threads);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, threads] {
            setJobThreadsSetting(threads);
            m_logPanel->info("Training, sampling and generation use " + jobThreadsDescription());
        });
        return action;
    };
    add("&Auto (the free cores less one)", 0)->setObjectName("threadsAuto");
    const int cores = resolveThreadCount(0);
    for (int n = 1; n <= cores; n = n < 4 ? n + 1 : n * 2) add(QString::number(n), n);
    if (jobThreadsSetting() > 0 && !group->checkedAction())
        add(QString::number(jobThreadsSetting()), jobThreadsSetting())->setChecked(true);
    connect(menu, &QMenu::aboutToShow, this, [menu] {
        menu->actions().first()->setToolTip(jobThreadsDescription());
    });
}

void MainWindow::buildEvaluationStatus() {
    // The evaluation runs beside a training (the Runs panel shows that one's progress), so it
    // has a progress bar of its own in the status bar, shown while it runs.
    m_evaluationProgress = new QProgressBar;
    m_evaluationProgress->setObjectName("evaluationProgress");
    m_evaluationProgress->setMaximumWidth(420);
    m_evaluationProgress->setMinimumWidth(260);
    m_evaluationProgress->setTextVisible(true);
    m_evaluationCancel = new QToolButton;
    m_evaluationCancel->setText("Cancel");
    m_evaluationCancel->setToolTip("Cancel the evaluation");
    connect(m_evaluationCancel, &QToolButton::clicked, m_evaluation,
            &EvaluationController::cancel);
    statusBar()->addPermanentWidget(m_evaluationProgress);
    statusBar()->addPermanentWidget(m_evaluationCancel);
    m_evaluationProgress->hide();
    m_evaluationCancel->hide();
    connect(m_evaluation, &EvaluationController::progressChanged, this,
            [this](const QString& text, qint64 done, qint64 total) {
                // A busy indicator while the total is unknown (reading images).
                m_evaluationProgress->setRange(0, total > 0 ? 1000 : 0);
                if (total > 0)
                    m_evaluationProgress->setValue(static_cast<int>(1000 * done / total));
                m_evaluationProgress->setFormat(text);
                m_evaluationProgress->setToolTip(text);
                m_evaluationProgress->show();
                m_evaluationCancel->show();
            });
    connect(m_evaluation, &EvaluationController::jobEnded, this, [this] {
        m_evaluationProgress->hide();
        m_evaluationCancel->hide();
    });
}

void MainWindow::fillRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = m_files->recentFiles();
    for (const QString& path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openFile(path); });
    if (recent.isEmpty())
        m_recentMenu->addAction("(none)")->setEnabled(false);
    else
        m_recentMenu->addAction("&Clear", m_files, &FileController::clearRecentFiles);
}

void MainWindow::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(
        this, "Open crystal or collection", {},
        "Crystals and collections (*.cif *.mcif *.vasp *.poscar POSCAR* CONTCAR* *.json *.xyz "
        "*.extxyz *.gz *.bz2 CHGCAR* AECCAR* ELFCAR* LOCPOT* *CHGCAR*);;All files (*)");
    if (!path.isEmpty()) openFile(path);
}

void MainWindow::chooseFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, "Open folder of crystals");
    if (!path.isEmpty()) openFile(path);
}

bool MainWindow::openFile(const QString& path, bool quiet) {
    return m_files->open(path, quiet);
}

void MainWindow::showStructure(const Structure& structure, const QString& source) {
    try {
        const SpaceGroupInfo sg = analyzeSpaceGroup(structure);
        // No group found is said with its reason, never as a space group 0.
        const QString spaceGroup =
            sg.number == 0
                ? QString("none (%1)").arg(QString::fromStdString(sg.failure))
                : QString("%1 (%2)").arg(QString::fromStdString(sg.international)).arg(sg.number);
        m_structurePanel->showStructure(structure, spaceGroup);
        m_slicePanel->setStructure(structure);
        m_crystalView->setStructure(structure);
        m_crysTensPanel->setStructure(structure);
        m_propertiesPanel->setStructure(structure, source);
        setWindowTitle(QString("Crystal Workbench — %1").arg(source));
        statusBar()->showMessage(QString("Opened %1").arg(source));
    } catch (const Error& e) {
        m_logPanel->error(QString("%1: %2").arg(source, QString::fromStdString(e.what())));
        statusBar()->showMessage(QString::fromStdString(e.what()));
    }
}

void MainWindow::openWorkspace(const QString& dir) {
    m_runsPanel->setWorkspace(dir);
    showTrainingPanels();
}

void MainWindow::showTrainingPanels() {
    m_trainingInFront = true;
    for (const char* name : {"runsDock", "lossDock", "samplesDock"})
        if (auto* d = findChild<QDockWidget*>(name)) {
            d->show();
            d->raise();
        }
}

void MainWindow::showEvaluationPanels() {
    for (const char* name : {"metricsDock", "galleryDock"})
        if (auto* d = findChild<QDockWidget*>(name)) {
            d->show();
            d->raise();
        }
}

void MainWindow::showPropertiesPanel() {
    if (auto* d = findChild<QDockWidget*>("propertiesDock")) {
        d->show();
        d->raise();
    }
}

void MainWindow::showCrystalsPanel() {
    if (auto* d = findChild<QDockWidget*>("crystalsDock")) {
        d->show();
        d->raise();
    }
}

bool MainWindow::openPropertyRun(const QString& dir) {
    showPropertiesPanel();
    return m_propertiesPanel->openRun(dir);
}

void MainWindow::restoreLayout() {
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    if (restoreState(settings.value("window/state").toByteArray(), kLayoutVersion))
        m_fitDocksOnShow = false;
}

void MainWindow::saveLayout() const {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState(kLayoutVersion));
    m_propertiesPanel->saveSettings();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayout();
    m_training->shutdown();
    m_evaluation->shutdown();
    m_propertiesPanel->shutdown();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    if (urls.size() > 1)
        m_logPanel->info(QString("%1 items dropped: opening the first").arg(urls.size()));
    openFile(urls.first().toLocalFile());
    event->acceptProposedAction();
}

}  // namespace cw
