#include "panels/structure_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <set>

#include "crystal/elements.h"
#include "models/property_columns.h"

namespace cw {

StructurePanel::StructurePanel(QWidget* parent)
    : QWidget(parent),
      m_summary(new QLabel(this)),
      m_properties(new QLabel(this)),
      m_elementBox(new QComboBox(this)),
      m_planeButton(new QPushButton("Plane through selected", this)),
      m_sites(new QTableWidget(0, 5, this)) {
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_properties->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_properties->setWordWrap(true);
    m_properties->hide();
    m_sites->setHorizontalHeaderLabels({"Element", "x", "y", "z", "Occupancy"});
    m_sites->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_sites->horizontalHeader()->setStretchLastSection(true);
    m_sites->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    setMinimumWidth(340);
    // The table takes what height is left: its preferred height must not make the dock's
    // scroll area (which sizes word-wrapped panels by preferred height) scroll.
    m_sites->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Ignored);
    m_sites->setMinimumHeight(5 * (fontMetrics().height() + 6));
    m_sites->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sites->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_sites->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_sites->setToolTip("Select sites to highlight every image of them in the 3D view "
                        "(shift/ctrl-click for more); three selected sites can define the plane");
    m_summary->setObjectName("structureSummary");
    m_properties->setObjectName("structureProperties");
    m_sites->setObjectName("structureSites");
    m_elementBox->setObjectName("selectElementBox");
    m_planeButton->setObjectName("planeThroughSelected");
    m_planeButton->setToolTip("Use the three selected sites (in the home cell) as the plane's picks");
    m_planeButton->setEnabled(false);

    auto* selectionBar = new QHBoxLayout;
    selectionBar->addWidget(new QLabel("Select"));
    selectionBar->addWidget(m_elementBox);
    selectionBar->addStretch(1);
    selectionBar->addWidget(m_planeButton);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_properties);
    layout->addLayout(selectionBar);
    layout->addWidget(m_sites, 1);

    connect(m_sites->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &StructurePanel::onRowsSelected);
    connect(m_elementBox, &QComboBox::activated, this, [this](int index) {
        const int z = m_elementBox->itemData(index).toInt();
        if (z > 0) selectElement(z);
        QSignalBlocker block(m_elementBox);
        m_elementBox->setCurrentIndex(0);  // a command, not a state
    });
    connect(m_planeButton, &QPushButton::clicked, this, [this] {
        const std::vector<int> sites = selectedSites();
        if (sites.size() == 3) Q_EMIT planeRequested(sites[0], sites[1], sites[2]);
    });
}

void StructurePanel::showStructure(const Structure& structure, const QString& spaceGroup) {
    const LatticeParameters p = structure.lattice().parameters();
    const QString id = structure.id().empty()
                           ? QString()
                           : " · " + QString::fromStdString(structure.id()).toHtmlEscaped();
    m_summary->setText(
        QString("<b>%1</b> (%2 sites)%12<br>space group %3<br>"
                "a = %4 Å, b = %5 Å, c = %6 Å<br>α = %7°, β = %8°, γ = %9°<br>"
                "V = %10 Å³, ρ = %11 g/cm³")
            .arg(QString::fromStdString(structure.reducedFormula()))
            .arg(structure.size())
            .arg(spaceGroup)
            .arg(p.a, 0, 'f', 4).arg(p.b, 0, 'f', 4).arg(p.c, 0, 'f', 4)
            .arg(p.alpha, 0, 'f', 3).arg(p.beta, 0, 'f', 3).arg(p.gamma, 0, 'f', 3)
            .arg(structure.lattice().volume(), 0, 'f', 3)
            .arg(structure.densityGPerCm3(), 0, 'f', 4)
            .arg(id));

    // The source collection's numbers (MP, Alexandria), with units where known.
    QStringList properties;
    for (const auto& [name, value] : structure.properties()) {
        const QString unit = propertyUnit(QString::fromStdString(name));
        properties << QString("%1 = %2%3")
                          .arg(QString::fromStdString(name).toHtmlEscaped())
                          .arg(value, 0, 'g', 6)
                          .arg(unit.isEmpty() ? QString() : " " + unit);
    }
    m_properties->setText(properties.join("<br>"));
    m_properties->setVisible(!properties.isEmpty());

    m_settingSelection = true;
    m_sites->clearSelection();
    m_sites->setRowCount(static_cast<int>(structure.size()));
    QStringList siteIndices;  // 0-based, as the CLI and the engine count sites
    for (std::size_t i = 0; i < structure.size(); ++i) siteIndices << QString::number(i);
    m_sites->setVerticalHeaderLabels(siteIndices);
    m_siteZ.clear();
    for (int row = 0; row < static_cast<int>(structure.size()); ++row) {
        const Site& site = structure.site(static_cast<std::size_t>(row));
        m_siteZ.push_back(site.z);
        m_sites->setItem(row, 0, new QTableWidgetItem(element(site.z).symbol));
        for (int d = 0; d < 3; ++d) {
            m_sites->setItem(row, d + 1, new QTableWidgetItem(QString::number(site.frac[d], 'f', 5)));
        }
        m_sites->setItem(row, 4, new QTableWidgetItem(QString::number(site.occupancy)));
    }
    m_settingSelection = false;

    QSignalBlocker block(m_elementBox);
    m_elementBox->clear();
    m_elementBox->addItem("element…", 0);
    for (int z : structure.elements())
        m_elementBox->addItem(QString("all %1").arg(element(z).symbol), z);
    updatePlaneButton();
}

std::vector<int> StructurePanel::selectedSites() const {
    std::set<int> rows;
    for (const QModelIndex& index : m_sites->selectionModel()->selectedRows()) rows.insert(index.row());
    return {rows.begin(), rows.end()};
}

void StructurePanel::setSelectedSites(const std::vector<int>& sites) {
    m_settingSelection = true;
    QItemSelection selection;
    for (int row : sites) {
        if (row < 0 || row >= m_sites->rowCount()) continue;
        selection.select(m_sites->model()->index(row, 0),
                         m_sites->model()->index(row, m_sites->columnCount() - 1));
    }
    m_sites->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!sites.empty() && sites.front() >= 0 && sites.front() < m_sites->rowCount())
        m_sites->scrollTo(m_sites->model()->index(sites.front(), 0));
    m_settingSelection = false;
    updatePlaneButton();
}

void StructurePanel::selectSites(const std::vector<int>& sites) {
    QItemSelection selection;
    for (int row : sites)
        if (row >= 0 && row < m_sites->rowCount())
            selection.select(m_sites->model()->index(row, 0),
                             m_sites->model()->index(row, m_sites->columnCount() - 1));
    // Emits through onRowsSelected, as a selection made by hand does.
    m_sites->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty()) m_sites->scrollTo(selection.first().topLeft());
}

void StructurePanel::selectElement(int z) {
    std::vector<int> sites;
    for (int row = 0; row < static_cast<int>(m_siteZ.size()); ++row)
        if (m_siteZ[static_cast<std::size_t>(row)] == z) sites.push_back(row);
    selectSites(sites);
}

bool StructurePanel::selectSpec(const QString& spec, QString* error) {
    std::set<int> sites;
    for (const QString& raw : spec.split(',', Qt::SkipEmptyParts)) {
        const QString item = raw.trimmed();
        bool isIndex = false;
        const int index = item.toInt(&isIndex);
        QString problem;
        if (isIndex) {
            if (index >= 0 && index < static_cast<int>(m_siteZ.size()))
                sites.insert(index);
            else
                problem = QString("site %1 is out of range (0–%2)").arg(index).arg(m_siteZ.size() - 1);
        } else {
            const std::optional<int> z = findAtomicNumber(item.toStdString());
            bool found = false;
            for (int row = 0; z && row < static_cast<int>(m_siteZ.size()); ++row)
                if (m_siteZ[static_cast<std::size_t>(row)] == *z) {
                    sites.insert(row);
                    found = true;
                }
            if (!z)
                problem = QString("“%1” is neither a site index nor an element").arg(item);
            else if (!found)
                problem = QString("the crystal has no %1 site").arg(item);
        }
        if (!problem.isEmpty()) {
            if (error) *error = problem;
            return false;
        }
    }
    selectSites({sites.begin(), sites.end()});
    return true;
}

void StructurePanel::onRowsSelected() {
    updatePlaneButton();
    if (m_settingSelection) return;
    Q_EMIT siteSelectionChanged(selectedSites());
}

void StructurePanel::updatePlaneButton() {
    m_planeButton->setEnabled(selectedSites().size() == 3);
}

}  // namespace cw
