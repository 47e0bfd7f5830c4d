#include "main_window.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include "core/error.h"
#include "io/structure_stream.h"
#include "panels/structure_panel.h"
#include "symmetry/space_group.h"

namespace cw {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_structurePanel(new StructurePanel) {
    setWindowTitle("Crystal Workbench");
    auto* placeholder = new QLabel("3D crystal viewer");
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setMinimumSize(640, 480);
    setCentralWidget(placeholder);

    auto* dock = new QDockWidget("Structure", this);
    dock->setObjectName("structureDock");
    dock->setWidget(m_structurePanel);
    addDockWidget(Qt::RightDockWidgetArea, dock);

    QMenu* fileMenu = menuBar()->addMenu("&File");
    QAction* open = fileMenu->addAction("&Open…", this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    fileMenu->addAction("&Quit", this, &QWidget::close)->setShortcut(QKeySequence::Quit);
    statusBar()->showMessage("Open a crystal: CIF, POSCAR, pymatgen / MP / Alexandria JSON, XYZ");
}

void MainWindow::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(this, "Open crystal");
    if (!path.isEmpty()) openFile(path);
}

bool MainWindow::openFile(const QString& path, bool quiet) {
    try {
        const Structure structure = readStructure(path.toStdString());
        const SpaceGroupInfo sg = analyzeSpaceGroup(structure);
        m_structurePanel->showStructure(
            structure, QString("%1 (%2)").arg(QString::fromStdString(sg.international)).arg(sg.number));
        setWindowTitle(QString("Crystal Workbench — %1").arg(path));
        statusBar()->showMessage(QString("Opened %1").arg(path));
        return true;
    } catch (const Error& e) {
        statusBar()->showMessage(QString::fromStdString(e.what()));
        if (!quiet) QMessageBox::critical(this, "Cannot open crystal", QString::fromStdString(e.what()));
        return false;
    }
}

}  // namespace cw
