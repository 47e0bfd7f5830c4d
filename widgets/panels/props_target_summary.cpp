#include "panels/props_target_summary.h"

#include <QHeaderView>
#include <cmath>
#include <optional>

#include "models/property_columns.h"

namespace cw {

namespace {
const char* const kSplits[2] = {"test", "val"};
}  // namespace

PropsTargetSummary::PropsTargetSummary(QWidget* parent) : QTableWidget(RowCount, 2, parent) {
    setObjectName("propsTargetSummary");
    setHorizontalHeaderLabels({"test", "val"});
    setVerticalHeaderLabels({"N", "MAE", "MSE", "RMSE", "MAPE %", "MAPE excl.", "R²", "Mean MAE"});
    verticalHeaderItem(MapeExcluded)->setToolTip("Truths left out of MAPE because |y| < 1e-8");
    verticalHeaderItem(TrainMeanMae)
        ->setToolTip("MAE of always predicting the training split's mean (the score to beat)");
    setWordWrap(false);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setMinimumSectionSize(48);
    verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    setMinimumWidth(190);
    setMaximumWidth(250);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
}

void PropsTargetSummary::showTarget(const PropsRunData& data, const std::string& target) {
    const QString unit = propertyUnit(QString::fromStdString(target));
    m_unitText = unit.isEmpty() ? QString() : QString("MAE, RMSE in %1; MSE in (%1)²").arg(unit);
    for (int column = 0; column < 2; ++column) {
        const ml::PropsTargetMetrics* t = data.metrics(target, kSplits[column]);
        const auto set = [&](Row row, std::optional<double> value, int digits = 4) {
            auto* item =
                new QTableWidgetItem(value ? QString::number(*value, 'g', digits) : QString("–"));
            if (value) item->setData(Qt::UserRole, *value);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            setItem(row, column, item);
        };
        if (!t) {
            for (int row = 0; row < RowCount; ++row) set(static_cast<Row>(row), std::nullopt);
            continue;
        }
        const ml::RegressionMetrics& m = t->metrics;
        set(Count, static_cast<double>(m.count), 10);
        set(Mae, m.mae);
        set(Mse, m.mse);
        set(Rmse, m.rmse);
        set(Mape, m.mape, 3);
        set(MapeExcluded, static_cast<double>(m.mapeExcluded), 10);
        set(R2, m.r2, 3);
        set(TrainMeanMae, t->trainMeanMae);
    }
}

double PropsTargetSummary::value(Row row, int splitColumn) const {
    const QTableWidgetItem* cell = item(row, splitColumn);
    if (!cell || !cell->data(Qt::UserRole).isValid()) return std::nan("");
    return cell->data(Qt::UserRole).toDouble();
}

QStringList PropsTargetSummary::splits() const {
    return {kSplits[0], kSplits[1]};
}

}  // namespace cw
