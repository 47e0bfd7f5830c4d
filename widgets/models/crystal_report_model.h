#pragma once
// The Crystals panel's table model: one row per generated crystal of a crystal report, with
// its formula, space group, every verdict and its nearest training crystal. Sortable by the
// raw values (SortRole) and filterable by the text of its cells.

#include <QAbstractTableModel>
#include <memory>

#include "jobs/crystal_report_worker.h"

namespace cw {

class CrystalReportModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id, Formula, SpaceGroup, Structural, Compositional, Valid, Unique, Novel, Covers,
        NearestTraining, NearestRms, Reason, ColumnCount
    };
    /// Numbers and flags as numbers, for sorting.
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit CrystalReportModel(QObject* parent = nullptr);

    void setData(std::shared_ptr<const CrystalReportData> data);
    std::shared_ptr<const CrystalReportData> reportData() const { return m_data; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const CrystalReportData> m_data;
};

}  // namespace cw
