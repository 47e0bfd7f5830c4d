#pragma once
// The workbench window: layout and wiring only; behaviour lives in panels and controllers.

#include <QMainWindow>

namespace cw {

class StructurePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    /// Opens a crystal file; on error shows a dialog (unless `quiet`) and keeps the current one.
    /// Returns false on error.
    bool openFile(const QString& path, bool quiet = false);

private:
    void chooseFile();

    StructurePanel* m_structurePanel;
};

}  // namespace cw
