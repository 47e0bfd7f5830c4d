#pragma once
// The workbench window: layout and wiring only; behaviour lives in panels and controllers.

#include <QMainWindow>

#include "ecd/plane.h"

namespace cw {

class CrystalView;
class SlicePanel;
class StructurePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    /// Opens a crystal file; on error shows a dialog (unless `quiet`) and keeps the current one.
    /// Returns false on error.
    bool openFile(const QString& path, bool quiet = false);

    CrystalView* crystalView() const { return m_crystalView; }
    SlicePanel* slicePanel() const { return m_slicePanel; }
    StructurePanel* structurePanel() const { return m_structurePanel; }

private:
    void chooseFile();

    CrystalView* m_crystalView;
    StructurePanel* m_structurePanel;
    SlicePanel* m_slicePanel;
};

}  // namespace cw
