#include "models/collection_filter.h"

#include "models/collection_model.h"

namespace cw {

void CollectionFilter::setQuery(CrystalQuery query) {
    m_query = std::move(query);
    invalidateFilter();
}

bool CollectionFilter::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    if (m_query.empty()) return true;
    const auto* model = qobject_cast<const CollectionModel*>(sourceModel());
    return model && sourceRow < model->rowCount() && m_query.matches(model->record(sourceRow));
}

}  // namespace cw
