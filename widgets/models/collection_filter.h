#pragma once
// The collection browser's filter: rows of a CollectionModel that match a CrystalQuery
// (elements, formula, space group, property ranges, text; see engine/io/crystal_query.h).

#include <QSortFilterProxyModel>

#include "io/crystal_query.h"

namespace cw {

class CollectionFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setQuery(CrystalQuery query);
    const CrystalQuery& query() const { return m_query; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    CrystalQuery m_query;
};

}  // namespace cw
