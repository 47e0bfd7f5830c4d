#pragma once
// The workbench window: layout and wiring only; behaviour lives in panels and controllers.

#include <QByteArray>
#include <QMainWindow>

#include "crystal/structure.h"
#include "ecd/plane.h"

class QMenu;
class QProgressBar;
class QToolButton;

namespace cw {

class CollectionBrowser;
class CrystalView;
class CrysTensPanel;
class CrystalsPanel;
class EvaluationController;
class FileController;
class GalleryPanel;
class LogPanel;
class LossChart;
class MetricsPanel;
class PropertiesPanel;
class RunsPanel;
class SamplesPanel;
class SlicePanel;
class StructurePanel;
class TrainingController;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    /// Opens a crystal file, a collection or a folder (FileController::open); on error shows a
    /// dialog (unless `quiet`) and keeps the current crystal. Returns false on error.
    bool openFile(const QString& path, bool quiet = false);
    /// Shows a crystal in the view and every panel.
    void showStructure(const Structure& structure, const QString& source);

    /// Dock layout and window geometry from QSettings (UI state only); saved on close.
    void restoreLayout();
    void saveLayout() const;
    /// The default dock layout, its docks sized in proportion to the window (a laptop's
    /// 1366 × 768 and a 4K screen alike); View ▸ Reset Layout.
    void resetLayout();
    /// A first window size for `available` (a screen's free area): all of a laptop screen,
    /// most of a large one.
    static QSize defaultSize(QSize available);

    CrystalView* crystalView() const { return m_crystalView; }
    SlicePanel* slicePanel() const { return m_slicePanel; }
    StructurePanel* structurePanel() const { return m_structurePanel; }
    CrysTensPanel* crysTensPanel() const { return m_crysTensPanel; }
    CollectionBrowser* collectionBrowser() const { return m_collectionBrowser; }
    LogPanel* logPanel() const { return m_logPanel; }
    RunsPanel* runsPanel() const { return m_runsPanel; }
    LossChart* lossChart() const { return m_lossChart; }
    SamplesPanel* samplesPanel() const { return m_samplesPanel; }
    TrainingController* trainingController() const { return m_training; }
    MetricsPanel* metricsPanel() const { return m_metricsPanel; }
    GalleryPanel* galleryPanel() const { return m_galleryPanel; }
    EvaluationController* evaluationController() const { return m_evaluation; }
    PropertiesPanel* propertiesPanel() const { return m_propertiesPanel; }
    CrystalsPanel* crystalsPanel() const { return m_crystalsPanel; }

    /// Lists the training runs of `dir` and brings the Runs, Loss and Samples docks to front.
    void openWorkspace(const QString& dir);
    /// Brings the Runs, Loss and Samples docks to the front of their tab groups.
    void showTrainingPanels();
    /// Brings the Metrics and Gallery docks to the front of their tab groups.
    void showEvaluationPanels();
    /// Brings the Properties dock to the front of its tab group.
    void showPropertiesPanel();
    /// Brings the Crystals dock to the front of its tab group.
    void showCrystalsPanel();
    /// Shows a property-prediction run in the Properties panel (front); false if it is none.
    bool openPropertyRun(const QString& dir);

protected:
    void showEvent(QShowEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildDocks();
    void buildMenus();
    void chooseFile();
    void chooseFolder();
    void fillRecentMenu();
    void buildEvaluationStatus();
    void buildThreadsMenu(QMenu* runMenu);
    void fitDocksToWindow();

    CrystalView* m_crystalView;
    StructurePanel* m_structurePanel;
    SlicePanel* m_slicePanel;
    CrysTensPanel* m_crysTensPanel;
    CollectionBrowser* m_collectionBrowser;
    LogPanel* m_logPanel;
    RunsPanel* m_runsPanel;
    LossChart* m_lossChart;
    SamplesPanel* m_samplesPanel;
    MetricsPanel* m_metricsPanel;
    GalleryPanel* m_galleryPanel;
    PropertiesPanel* m_propertiesPanel;
    CrystalsPanel* m_crystalsPanel;
    FileController* m_files;
    TrainingController* m_training;
    EvaluationController* m_evaluation;
    QProgressBar* m_evaluationProgress = nullptr;
    QToolButton* m_evaluationCancel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QByteArray m_defaultState;
    // The docks take their proportions when the window is first shown, unless a saved layout
    // was restored.
    bool m_fitDocksOnShow = true;
    bool m_trainingInFront = false;  // the Runs tab, not Collection, is in front
};

}  // namespace cw
