#pragma once
// The Structure panel: formula, space group, lattice, the source's properties and the sites of
// the crystal in the viewer. The sites table is an editable selection synced with the 3D view:
// rows the user selects (click, shift/ctrl-click, or all sites of an element) are announced with
// siteSelectionChanged, the view's picks select their rows through setSelectedSites, and three
// selected rows can become the slice plane's picks.

#include <QWidget>
#include <vector>

#include "crystal/structure.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace cw {

class StructurePanel : public QWidget {
    Q_OBJECT
public:
    explicit StructurePanel(QWidget* parent = nullptr);
    /// Shows `structure`; `spaceGroup` is the already computed "Fm-3m (225)". Clears the
    /// selection.
    void showStructure(const Structure& structure, const QString& spaceGroup);

    /// Selected site indices (0-based, ascending).
    std::vector<int> selectedSites() const;
    /// Selects these rows (others deselected) without emitting siteSelectionChanged: the view's
    /// picks shown in the table. Out-of-range indices are ignored.
    void setSelectedSites(const std::vector<int>& sites);
    /// Selects these sites as the user's selection (emits siteSelectionChanged).
    void selectSites(const std::vector<int>& sites);
    /// Selects every site of element `z` as the user's selection (emits siteSelectionChanged).
    void selectElement(int z);
    /// Selects what a comma-separated text names: site indices ("0,3") and element symbols
    /// ("Fe" = every Fe site), mixed freely. False, with `error` naming the bad item (an index out
    /// of range, an element not in the crystal, a word that is neither), and nothing changed.
    bool selectSpec(const QString& spec, QString* error = nullptr);

Q_SIGNALS:
    /// The user changed the selection of rows.
    void siteSelectionChanged(const std::vector<int>& sites);
    /// "Plane through selected" with exactly three rows selected: the sites, in row order.
    void planeRequested(int siteA, int siteB, int siteC);

private:
    void onRowsSelected();
    void updatePlaneButton();

    QLabel* m_summary;
    QLabel* m_properties;
    QComboBox* m_elementBox;
    QPushButton* m_planeButton;
    QTableWidget* m_sites;
    std::vector<int> m_siteZ;  // atomic number of each row
    bool m_settingSelection = false;
};

}  // namespace cw
