#pragma once
// The metrics of one target beside its parity plot: rows N, MAE, MSE, RMSE, MAPE %, MAPE
// excluded, R² and the training-mean MAE; a column per split (test, validation), values in the
// target's unit (unitText() names it). Cells show four significant digits and hold the exact
// value in Qt::UserRole.

#include <QTableWidget>

#include "models/props_run_data.h"

namespace cw {

class PropsTargetSummary : public QTableWidget {
    Q_OBJECT
public:
    enum Row { Count, Mae, Mse, Rmse, Mape, MapeExcluded, R2, TrainMeanMae, RowCount };

    explicit PropsTargetSummary(QWidget* parent = nullptr);

    /// Shows `target` of `data` (no results, or an empty target, clears the values).
    void showTarget(const PropsRunData& data, const std::string& target);
    /// The exact value of a cell; NaN where the metric is undefined or absent.
    double value(Row row, int splitColumn) const;
    /// The splits of the columns, in order ("test", "val").
    QStringList splits() const;
    /// "MAE, RMSE in eV; MSE in (eV)²" for the shown target; "" when its unit is unknown.
    QString unitText() const { return m_unitText; }

private:
    QString m_unitText;
};

}  // namespace cw
