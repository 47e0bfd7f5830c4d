#include "viewer/view_export_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "core/error.h"
#include "figures/figure_path.h"
#include "viewer/crystal_view.h"
#include "viewer/figure_export.h"
#include "viewer/vtk_bridge.h"

namespace cw {

ViewExportDialog::ViewExportDialog(CrystalView* view, QWidget* parent)
    : QDialog(parent), m_view(view), m_path(new QLineEdit), m_width(new QSpinBox), m_transparent(new QCheckBox) {
    setWindowTitle("Export 3D view");
    m_path->setObjectName("viewExportPath");
    m_path->setText(QDir::home().filePath("view.png"));
    auto* browse = new QPushButton("Browse…");
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen = chooseSavePath(this, "Export 3D view", m_path->text(), "PNG image (*.png)");
        if (!chosen.isEmpty()) m_path->setText(chosen);
    });
    m_width->setObjectName("viewExportWidth");
    m_width->setRange(16, 16384);
    m_width->setSingleStep(400);
    m_width->setSuffix(" px");
    // Twice the view's size on screen by default: sharp on a slide or a printed page.
    m_width->setValue(std::clamp(2 * view->bridge()->width(), 800, 4000));
    m_transparent->setObjectName("viewExportTransparent");
    m_transparent->setText("Transparent background");
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow("File", pathRow);
    form->addRow("Width", m_width);
    form->addRow("", m_transparent);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &ViewExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

QString ViewExportDialog::path() const {
    return pathWithFilterSuffix(m_path->text().trimmed(), "PNG image (*.png)");
}

int ViewExportDialog::imageWidth() const {
    return m_width->value();
}

bool ViewExportDialog::transparent() const {
    return m_transparent->isChecked();
}

void ViewExportDialog::accept() {
    try {
        exportViewImage(*m_view, path(), imageWidth(), transparent());
        QDialog::accept();
    } catch (const Error& e) {
        QMessageBox::warning(this, "Export 3D view", QString::fromStdString(e.what()));
    }
}

}  // namespace cw
