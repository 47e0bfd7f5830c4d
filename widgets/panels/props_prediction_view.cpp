#include "panels/props_prediction_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <optional>

#include "models/property_columns.h"

namespace cw {

namespace {

// "1.234 eV", or with an ensemble's spread "1.234 ± 0.05 eV".
QString withUnit(double value, const QString& name, std::optional<double> spread = std::nullopt) {
    const QString unit = propertyUnit(name);
    QString number = QString::number(value, 'g', 4);
    if (spread) number += " ± " + QString::number(*spread, 'g', 2);
    return unit.isEmpty() ? number : number + " " + unit;
}

}  // namespace

PropsPredictionView::PropsPredictionView(QWidget* parent)
    : QWidget(parent),
      m_crystal(new QLabel),
      m_predict(new QPushButton("Predict for the open crystal")),
      m_table(new QTableWidget(0, ColumnCount)),
      m_message(new QLabel) {
    m_crystal->setObjectName("propsCrystal");
    m_crystal->setWordWrap(true);
    m_predict->setObjectName("propsPredictButton");
    connect(m_predict, &QPushButton::clicked, this, &PropsPredictionView::predictRequested);
    m_table->setObjectName("propsPredictionTable");
    m_table->setHorizontalHeaderLabels({"Property", "Predicted", "In the file"});
    m_table->horizontalHeaderItem(Known)->setToolTip(
        "The value the crystal's source carries (an MP or Alexandria entry), for comparison");
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_message->setWordWrap(true);
    m_message->hide();

    auto* top = new QHBoxLayout;
    top->addWidget(m_crystal, 1);
    top->addWidget(m_predict);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_message);
    setCrystal({});
}

void PropsPredictionView::setCrystal(const QString& name) {
    m_crystal->setText(name.isEmpty() ? "No crystal is open." : "Open crystal: " + name);
    m_table->setRowCount(0);
    setMessage({});
}

void PropsPredictionView::showPredictions(const std::vector<ml::PropsPrediction>& predictions,
                                          const std::vector<std::string>& targets,
                                          const std::map<std::string, double>& known,
                                          const std::vector<double>& spread) {
    m_table->setRowCount(0);
    if (predictions.empty()) return;
    const ml::PropsPrediction& p = predictions.front();
    for (std::size_t k = 0; k < targets.size() && k < p.values.size(); ++k) {
        const QString name = QString::fromStdString(targets[k]);
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, Property, new QTableWidgetItem(name));
        const std::optional<double> s = k < spread.size() ? std::optional<double>(spread[k]) : std::nullopt;
        auto* value = new QTableWidgetItem(withUnit(p.values[k], name, s));
        value->setData(Qt::UserRole, p.values[k]);
        if (k < spread.size()) value->setData(SpreadRole, spread[k]);
        m_table->setItem(row, Predicted, value);
        const auto it = known.find(targets[k]);
        auto* truth = new QTableWidgetItem(it == known.end() ? "–" : withUnit(it->second, name));
        if (it != known.end()) truth->setData(Qt::UserRole, it->second);
        m_table->setItem(row, Known, truth);
    }
}

void PropsPredictionView::setMessage(const QString& text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? "color: #b00020" : "");
    m_message->setVisible(!text.isEmpty());
}

QString PropsPredictionView::message() const {
    return m_message->isHidden() ? QString() : m_message->text();
}

}  // namespace cw
