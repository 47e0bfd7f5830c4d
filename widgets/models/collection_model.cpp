#include "models/collection_model.h"

#include <cmath>
#include <limits>

namespace cw {

namespace {
// Shown as the space-group column, not as a property column.
const std::string kSymmetryNumber = "symmetry_number";
}  // namespace

int CollectionModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int CollectionModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : kFixedColumns + static_cast<int>(m_properties.size());
}

QVariant CollectionModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section;
    static const char* fixed[kFixedColumns] = {"id", "formula", "elements", "sites", "space group"};
    if (section < kFixedColumns) return QString(fixed[section]);
    return m_properties.value(section - kFixedColumns);
}

QVariant CollectionModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const CollectionEntry& e = m_entries[static_cast<std::size_t>(index.row())];
    if (role == Qt::TextAlignmentRole)
        return index.column() >= SitesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                             : QVariant();
    if (role != Qt::DisplayRole && role != kSortRole && role != Qt::ToolTipRole) return {};
    const bool sort = role == kSortRole;
    const auto& props = e.structure.properties();
    auto number = [&](const std::string& key) -> QVariant {
        const auto it = props.find(key);
        const bool present = it != props.end() && std::isfinite(it->second);
        if (sort) return present ? it->second : std::numeric_limits<double>::lowest();
        return present ? QVariant(QString::number(it->second, 'g', 6)) : QVariant(QString());
    };
    switch (index.column()) {
        case IdColumn:
            return QString::fromStdString(e.structure.id());
        case FormulaColumn:
            return e.formula;
        case ElementsColumn:
            return e.elements;
        case SitesColumn:
            return sort ? QVariant(static_cast<double>(e.structure.size()))
                        : QVariant(QString::number(e.structure.size()));
        case SpaceGroupColumn:
            return number(kSymmetryNumber);
        default:
            return number(m_propertyKeys[static_cast<std::size_t>(index.column() - kFixedColumns)]);
    }
}

void CollectionModel::append(std::vector<CollectionEntry>&& entries) {
    if (entries.empty()) return;
    QStringList added;
    for (const CollectionEntry& e : entries)
        for (const auto& [key, value] : e.structure.properties()) {
            const QString name = QString::fromStdString(key);
            if (key != kSymmetryNumber && !m_properties.contains(name) && !added.contains(name))
                added << name;
        }
    if (!added.isEmpty()) {
        const int first = columnCount();
        beginInsertColumns({}, first, first + static_cast<int>(added.size()) - 1);
        for (const QString& name : added) {
            m_properties << name;
            m_propertyKeys.push_back(name.toStdString());
        }
        endInsertColumns();
    }
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(entries.size()) - 1);
    m_entries.reserve(m_entries.size() + entries.size());
    for (CollectionEntry& e : entries) m_entries.push_back(std::move(e));
    endInsertRows();
}

void CollectionModel::clear() {
    beginResetModel();
    m_entries.clear();
    m_properties.clear();
    m_propertyKeys.clear();
    endResetModel();
}

int CollectionModel::propertyColumn(const QString& name) const {
    const qsizetype i = m_properties.indexOf(name);
    return i < 0 ? -1 : kFixedColumns + static_cast<int>(i);
}

}  // namespace cw
