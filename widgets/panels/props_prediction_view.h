#pragma once
// The Properties panel's "Open crystal" tab: the crystal open in the viewer, a Predict button,
// and a table of the run's predictions for it (property, predicted value with its unit, and
// the value the crystal's file carries, if any). It only shows: the panel runs the prediction.

#include <QString>
#include <QWidget>
#include <map>
#include <string>
#include <vector>

#include "ml/props/props_model.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace cw {

class PropsPredictionView : public QWidget {
    Q_OBJECT
public:
    enum Column { Property, Predicted, Known, ColumnCount };
    /// The Predicted cell's data role holding an ensemble's spread (Qt::UserRole: the value).
    static constexpr int SpreadRole = Qt::UserRole + 1;

    explicit PropsPredictionView(QWidget* parent = nullptr);

    /// The crystal to predict for, by name ("" = none open).
    void setCrystal(const QString& name);
    /// Shows the first prediction's values for `targets` (run order); `known` are the crystal's
    /// own values by property name; `spread` (an ensemble's, per target) adds "± s" to each
    /// value. An empty list clears the table.
    void showPredictions(const std::vector<ml::PropsPrediction>& predictions,
                         const std::vector<std::string>& targets,
                         const std::map<std::string, double>& known,
                         const std::vector<double>& spread = {});
    /// A line under the table ("Predicting…", an error), "" hides it.
    void setMessage(const QString& text, bool error = false);
    QString message() const;

    QPushButton* predictButton() const { return m_predict; }
    QTableWidget* table() const { return m_table; }

Q_SIGNALS:
    void predictRequested();

private:
    QLabel* m_crystal;
    QPushButton* m_predict;
    QTableWidget* m_table;
    QLabel* m_message;
};

}  // namespace cw
