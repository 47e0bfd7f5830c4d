#pragma once
// The Structure panel: formula, space group, lattice and sites of the crystal in the viewer.

#include <QWidget>

#include "crystal/structure.h"

class QLabel;
class QTableWidget;

namespace cw {

class StructurePanel : public QWidget {
    Q_OBJECT
public:
    explicit StructurePanel(QWidget* parent = nullptr);
    /// Shows `structure`; `spaceGroup` is the already computed "Fm-3m (225)".
    void showStructure(const Structure& structure, const QString& spaceGroup);

private:
    QLabel* m_summary;
    QTableWidget* m_sites;
};

}  // namespace cw
