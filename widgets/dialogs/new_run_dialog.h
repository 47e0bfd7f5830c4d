#pragma once
// The New training run dialog: the fields of ml::DiffusionTrainingConfig a user sets most (data
// set, run name inside the workspace, model size, schedule, steps, batch, learning rate, device,
// seed, how often to checkpoint and sample). OK builds the config; what validate() or the run
// folder check rejects is shown inline and keeps the dialog open.

#include <QDialog>
#include <QString>

#include "ml/diffusion/training_config.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cw {

class NewRunDialog : public QDialog {
    Q_OBJECT
public:
    /// Runs are created as `workspace`/name. `base` fills the fields (and keeps the fields the
    /// dialog does not show).
    explicit NewRunDialog(const QString& workspace, const ml::DiffusionTrainingConfig& base = {},
                          QWidget* parent = nullptr);

    /// The config of the fields (validated), and the run folder. Throws ConfigError naming the
    /// field when a value is invalid.
    ml::DiffusionTrainingConfig config() const;
    QString runDirectory() const;
    /// "" when the fields make a valid new run; else the message shown inline.
    QString check() const;
    QString errorText() const;

    // The fields, for scripting and tests.
    QLineEdit* dataDirEdit() const { return m_dataDir; }
    QLineEdit* runNameEdit() const { return m_runName; }
    QLineEdit* multsEdit() const { return m_mults; }
    QLineEdit* attentionEdit() const { return m_attention; }
    QLineEdit* learningRateEdit() const { return m_learningRate; }
    QSpinBox* imageSizeBox() const { return m_imageSize; }
    QSpinBox* baseChannelsBox() const { return m_baseChannels; }
    QSpinBox* stepsBox() const { return m_steps; }
    QSpinBox* warmupBox() const { return m_warmup; }
    /// What the run's automatic warm-up and EMA decay will be, or the warnings for set values.
    QString runLengthText() const;
    QSpinBox* batchBox() const { return m_batch; }
    QComboBox* deviceBox() const { return m_device; }

public Q_SLOTS:
    void accept() override;

private:
    void chooseDataDir();

    QString m_workspace;
    ml::DiffusionTrainingConfig m_base;
    QLineEdit* m_dataDir;
    QLineEdit* m_runName;
    QSpinBox* m_imageSize;
    QSpinBox* m_baseChannels;
    QLineEdit* m_mults;
    QLineEdit* m_attention;
    QSpinBox* m_steps;
    QSpinBox* m_warmup;
    QLabel* m_runLength;
    QSpinBox* m_batch;
    QLineEdit* m_learningRate;
    QComboBox* m_schedule;
    QComboBox* m_prediction;
    QComboBox* m_device;
    QSpinBox* m_seed;
    QSpinBox* m_checkpointEvery;
    QSpinBox* m_sampleEvery;
    QLabel* m_error;
    void dataDirChanged();
    void updateRunLength();
};

}  // namespace cw
