#include "main_window.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include "core/error.h"
#include "io/structure_stream.h"
#include "panels/slice_panel.h"
#include "panels/structure_panel.h"
#include "symmetry/space_group.h"
#include "viewer/crystal_view.h"

namespace cw {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_crystalView(new CrystalView),
      m_structurePanel(new StructurePanel),
      m_slicePanel(new SlicePanel) {
    setWindowTitle("Crystal Workbench");
    setCentralWidget(m_crystalView);

    auto* structureDock = new QDockWidget("Structure", this);
    structureDock->setObjectName("structureDock");
    structureDock->setWidget(m_structurePanel);
    addDockWidget(Qt::RightDockWidgetArea, structureDock);
    auto* sliceDock = new QDockWidget("ECD slice", this);
    sliceDock->setObjectName("sliceDock");
    sliceDock->setWidget(m_slicePanel);
    addDockWidget(Qt::RightDockWidgetArea, sliceDock);
    resizeDocks({structureDock, sliceDock}, {260, 520}, Qt::Vertical);
    resizeDocks({sliceDock}, {380}, Qt::Horizontal);

    connect(m_crystalView, &CrystalView::picksChanged, m_slicePanel, &SlicePanel::setPicks);
    connect(m_crystalView, &CrystalView::picksCleared, m_slicePanel, &SlicePanel::clearPicks);
    connect(m_slicePanel, &SlicePanel::parametersChanged, m_crystalView,
            &CrystalView::setSliceParameters);
    connect(m_slicePanel, &SlicePanel::sliceFailed, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    m_crystalView->setSliceParameters(m_slicePanel->parameters());

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
            structure,
            QString("%1 (%2)").arg(QString::fromStdString(sg.international)).arg(sg.number));
        m_slicePanel->setStructure(structure);
        m_crystalView->setStructure(structure);
        setWindowTitle(QString("Crystal Workbench — %1").arg(path));
        statusBar()->showMessage(QString("Opened %1").arg(path));
        return true;
    } catch (const Error& e) {
        statusBar()->showMessage(QString::fromStdString(e.what()));
        if (!quiet)
            QMessageBox::critical(this, "Cannot open crystal", QString::fromStdString(e.what()));
        return false;
    }
}

}  // namespace cw
