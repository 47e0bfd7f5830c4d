#pragma once
// The workbench window: layout and wiring only; behaviour lives in panels and controllers.

#include <QByteArray>
#include <QMainWindow>

#include "crystal/structure.h"
#include "ecd/plane.h"

class QMenu;

namespace cw {

class CollectionBrowser;
class CrystalView;
class CrysTensPanel;
class FileController;
class LogPanel;
class SlicePanel;
class StructurePanel;

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

    CrystalView* crystalView() const { return m_crystalView; }
    SlicePanel* slicePanel() const { return m_slicePanel; }
    StructurePanel* structurePanel() const { return m_structurePanel; }
    CrysTensPanel* crysTensPanel() const { return m_crysTensPanel; }
    CollectionBrowser* collectionBrowser() const { return m_collectionBrowser; }
    LogPanel* logPanel() const { return m_logPanel; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildDocks();
    void buildMenus();
    void chooseFile();
    void chooseFolder();
    void fillRecentMenu();

    CrystalView* m_crystalView;
    StructurePanel* m_structurePanel;
    SlicePanel* m_slicePanel;
    CrysTensPanel* m_crysTensPanel;
    CollectionBrowser* m_collectionBrowser;
    LogPanel* m_logPanel;
    FileController* m_files;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QByteArray m_defaultState;
};

}  // namespace cw
