#pragma once
// The table behind the collection browser: one row per structure (id, formula, elements, sites,
// space group from the source's symmetry_number, then one column per numeric property met so
// far). Display strings, a numeric sort role, and each entry's CrystalRecord for the filter.

#include <QAbstractTableModel>
#include <QStringList>
#include <map>
#include <vector>

#include "jobs/collection_loader.h"

namespace cw {

class CollectionModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// Numbers for numeric columns (missing values sort first), text otherwise.
    static constexpr int kSortRole = Qt::UserRole;
    enum FixedColumn {
        IdColumn,
        FormulaColumn,
        ElementsColumn,
        SitesColumn,
        SpaceGroupColumn,
        kFixedColumns
    };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Appends entries; new property names become columns at the end.
    void append(std::vector<CollectionEntry>&& entries);
    void clear();
    const Structure& structure(int row) const {
        return m_entries[static_cast<std::size_t>(row)].structure;
    }
    const CrystalRecord& record(int row) const {
        return m_entries[static_cast<std::size_t>(row)].record;
    }
    /// Column of a property, or -1.
    int propertyColumn(const QString& name) const;

private:
    std::vector<CollectionEntry> m_entries;
    QStringList m_properties;                 // column kFixedColumns + i
    std::vector<std::string> m_propertyKeys;  // the same names as the engine spells them
};

}  // namespace cw
