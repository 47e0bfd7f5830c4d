#pragma once
// The metrics of a finished property-prediction run (RUN/results.json): one row per split and
// target (test first, then validation) with N, MAE, MSE, RMSE, MAPE and the count of near-zero
// truths it leaves out, R², and the MAE of always predicting the training mean. Cells show four
// significant digits; each holds the exact value in Qt::UserRole. Exports CSV.

#include <QTableWidget>

#include "ml/props/props_run.h"

namespace cw {

class PropsMetricsTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column {
        Split,
        Target,
        Count,
        Mae,
        Mse,
        Rmse,
        Mape,
        MapeExcluded,
        R2,
        TrainMeanMae,
        ColumnCount
    };

    explicit PropsMetricsTable(QWidget* parent = nullptr);

    /// Shows `results` (none clears).
    void setResults(const std::optional<ml::PropsResults>& results);
    /// The exact value of a cell (Qt::UserRole); NaN for an empty or text cell.
    double value(int row, Column column) const;

    /// Writes split,target,unit,n,mae,mse,rmse,mape_percent,mape_excluded,r2,train_mean_mae with
    /// every number exact (empty cells where MAPE or R² is undefined). Throws IoError.
    void exportCsv(const QString& path) const;
    void exportDialog();

private:
    void setNumber(int row, Column column, std::optional<double> value, int digits = 4);

    std::optional<ml::PropsResults> m_results;
};

}  // namespace cw
