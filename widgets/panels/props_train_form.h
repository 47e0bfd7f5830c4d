#pragma once
// The Properties panel's training form: the CrysTens data set, the targets (a checkable list of
// the numeric columns of its properties.csv), the model (with its TorchScript file for a
// backbone), the target transform, epochs and patience, and the run folder to create. It builds
// an ml::PropsConfig over a base config that holds everything the form does not show (width,
// batch size, learning rate, threads, …).

#include <QString>
#include <QStringList>
#include <QWidget>

#include "ml/props/props_config.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace cw {

class PropsTrainForm : public QWidget {
    Q_OBJECT
public:
    explicit PropsTrainForm(QWidget* parent = nullptr);

    /// Sets the data set and lists its numeric properties as targets (those checked before
    /// stay checked when the new set has them). Problems reading the table show in the form.
    void setDataDir(const QString& dir);
    QString dataDir() const;
    /// The targets offered, in table order.
    QStringList availableTargets() const;
    void setCheckedTargets(const QStringList& targets);
    QStringList checkedTargets() const;

    void setRunDirectory(const QString& dir);
    QString runDirectory() const;

    /// The values behind the fields the form does not show (the form's own fields override).
    void setBaseConfig(const ml::PropsConfig& base);
    /// Shows a config's data set, targets, model, transform, epochs and patience.
    void showConfig(const ml::PropsConfig& config);
    /// The config to train. Throws ConfigError (PropsConfig::validate).
    ml::PropsConfig config() const;
    /// What stops training from starting ("" when nothing): no data set, no target checked, a
    /// run folder that is not empty, an invalid config.
    QString check() const;

    QComboBox* modelBox() const { return m_model; }
    QComboBox* transformBox() const { return m_transform; }
    QSpinBox* epochsBox() const { return m_epochs; }
    QSpinBox* patienceBox() const { return m_patience; }
    QListWidget* targetList() const { return m_targets; }

private:
    void chooseDataDir();
    void chooseRunDirectory();
    void chooseBackbone();
    void showModelFields();
    void reloadTargets();

    ml::PropsConfig m_base;
    QFormLayout* m_fields = nullptr;
    QLineEdit* m_dataDir;
    QListWidget* m_targets;
    QLabel* m_tableMessage;
    QComboBox* m_model;
    QWidget* m_backboneRow;
    QLineEdit* m_backboneFile;
    QCheckBox* m_fineTune;
    QComboBox* m_transform;
    QComboBox* m_loss;
    QSpinBox* m_epochs;
    QSpinBox* m_patience;
    QCheckBox* m_averageWeights;
    double m_emaDecayWhenOn = 0.999;  // a run shown with another decay keeps it
    QLineEdit* m_runDir;
    QString m_suggestedRunDir;  // filled in by the form; replaced when the data set changes
};

}  // namespace cw
