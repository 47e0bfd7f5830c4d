#include "panels/structure_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "crystal/elements.h"

namespace cw {

StructurePanel::StructurePanel(QWidget* parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_sites(new QTableWidget(0, 5, this)) {
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_sites->setHorizontalHeaderLabels({"Element", "x", "y", "z", "Occupancy"});
    m_sites->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_sites->horizontalHeader()->setStretchLastSection(true);
    m_sites->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    setMinimumWidth(420);
    m_sites->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setObjectName("structureSummary");
    m_sites->setObjectName("structureSites");
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_sites, 1);
}

void StructurePanel::showStructure(const Structure& structure, const QString& spaceGroup) {
    const LatticeParameters p = structure.lattice().parameters();
    m_summary->setText(
        QString("<b>%1</b> (%2 sites)<br>space group %3<br>"
                "a = %4 Å, b = %5 Å, c = %6 Å<br>α = %7°, β = %8°, γ = %9°<br>"
                "V = %10 Å³, ρ = %11 g/cm³")
            .arg(QString::fromStdString(structure.reducedFormula()))
            .arg(structure.size())
            .arg(spaceGroup)
            .arg(p.a, 0, 'f', 4).arg(p.b, 0, 'f', 4).arg(p.c, 0, 'f', 4)
            .arg(p.alpha, 0, 'f', 3).arg(p.beta, 0, 'f', 3).arg(p.gamma, 0, 'f', 3)
            .arg(structure.lattice().volume(), 0, 'f', 3)
            .arg(structure.densityGPerCm3(), 0, 'f', 4));
    m_sites->setRowCount(static_cast<int>(structure.size()));
    QStringList siteIndices;  // 0-based, as the CLI and the engine count sites
    for (std::size_t i = 0; i < structure.size(); ++i) siteIndices << QString::number(i);
    m_sites->setVerticalHeaderLabels(siteIndices);
    for (int row = 0; row < static_cast<int>(structure.size()); ++row) {
        const Site& site = structure.site(static_cast<std::size_t>(row));
        m_sites->setItem(row, 0, new QTableWidgetItem(element(site.z).symbol));
        for (int d = 0; d < 3; ++d) {
            m_sites->setItem(row, d + 1, new QTableWidgetItem(QString::number(site.frac[d], 'f', 5)));
        }
        m_sites->setItem(row, 4, new QTableWidgetItem(QString::number(site.occupancy)));
    }
}

}  // namespace cw
