#include "panels/props_metrics_table.h"

#include <QFileDialog>
#include <QHeaderView>
#include <QMessageBox>
#include <cmath>

#include "core/atomic_file.h"
#include "core/error.h"
#include "models/property_columns.h"

namespace cw {

namespace {

std::string csvNumber(const std::optional<double>& value) {
    return value ? ml::exactNumberText(*value) : std::string();
}

std::string csvText(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

PropsMetricsTable::PropsMetricsTable(QWidget* parent) : QTableWidget(0, ColumnCount, parent) {
    setHorizontalHeaderLabels(
        {"Split", "Target", "N", "MAE", "MSE", "RMSE", "MAPE %", "MAPE excl.", "R²", "Mean MAE"});
    const QStringList tips{
        "Data split",
        "Property (unit); MAE and RMSE are in this unit, MSE in its square",
        "Materials with a known value",
        "Mean absolute error",
        "Mean squared error",
        "Root mean squared error",
        "Mean absolute percentage error over the truths with |y| ≥ 1e-8",
        "Truths left out of MAPE because |y| < 1e-8",
        "Coefficient of determination",
        "MAE of always predicting the training split's mean (the score to beat)"};
    for (int c = 0; c < ColumnCount; ++c) horizontalHeaderItem(c)->setToolTip(tips[c]);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setAlternatingRowColors(true);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    setWordWrap(false);
}

void PropsMetricsTable::setNumber(int row, Column column, std::optional<double> value, int digits) {
    auto* item = new QTableWidgetItem(value ? QString::number(*value, 'g', digits) : "–");
    if (value) item->setData(Qt::UserRole, *value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setItem(row, column, item);
}

void PropsMetricsTable::setResults(const std::optional<ml::PropsResults>& results) {
    m_results = results;
    setRowCount(0);
    if (!results) return;
    for (const char* split : {"test", "val"}) {
        const auto it = results->splits.find(split);
        if (it == results->splits.end()) continue;
        for (const ml::PropsTargetMetrics& t : it->second) {
            const int row = rowCount();
            insertRow(row);
            const ml::RegressionMetrics& m = t.metrics;
            setItem(row, Split, new QTableWidgetItem(split));
            const QString target = QString::fromStdString(t.target);
            auto* name = new QTableWidgetItem(propertyLabel(target));
            name->setData(Qt::UserRole + 1, target);
            setItem(row, Target, name);
            setNumber(row, Count, static_cast<double>(m.count), 10);
            setNumber(row, Mae, m.mae);
            setNumber(row, Mse, m.mse);
            setNumber(row, Rmse, m.rmse);
            setNumber(row, Mape, m.mape, 3);
            setNumber(row, MapeExcluded, static_cast<double>(m.mapeExcluded), 10);
            setNumber(row, R2, m.r2, 3);
            setNumber(row, TrainMeanMae, t.trainMeanMae);
        }
    }
}

double PropsMetricsTable::value(int row, Column column) const {
    const QTableWidgetItem* cell = item(row, column);
    if (!cell || !cell->data(Qt::UserRole).isValid()) return std::nan("");
    return cell->data(Qt::UserRole).toDouble();
}

void PropsMetricsTable::exportCsv(const QString& path) const {
    std::string text =
        "split,target,unit,n,mae,mse,rmse,mape_percent,mape_excluded,r2,train_mean_mae\n";
    if (m_results)
        for (const char* split : {"test", "val"}) {
            const auto it = m_results->splits.find(split);
            if (it == m_results->splits.end()) continue;
            for (const ml::PropsTargetMetrics& t : it->second) {
                const ml::RegressionMetrics& m = t.metrics;
                text += std::string(split) + "," + csvText(t.target) + "," +
                        csvText(propertyUnit(QString::fromStdString(t.target)).toStdString()) +
                        "," + std::to_string(m.count) + "," + ml::exactNumberText(m.mae) + "," +
                        ml::exactNumberText(m.mse) + "," + ml::exactNumberText(m.rmse) + "," +
                        csvNumber(m.mape) + "," + std::to_string(m.mapeExcluded) + "," +
                        csvNumber(m.r2) + "," + ml::exactNumberText(t.trainMeanMae) + "\n";
            }
        }
    writeFileAtomically(path.toStdString(), text);
}

void PropsMetricsTable::exportDialog() {
    if (!m_results) {
        QMessageBox::information(this, "Export metrics", "No finished run is shown.");
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, "Export metrics", "props-metrics.csv",
                                                      "CSV table (*.csv)");
    if (path.isEmpty()) return;
    try {
        exportCsv(path);
    } catch (const Error& e) {
        QMessageBox::warning(this, "Export metrics", QString::fromStdString(e.what()));
    }
}

}  // namespace cw
