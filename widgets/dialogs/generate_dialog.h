#pragma once
// The Generate crystals… dialog over `cwb generate`'s options: how many crystals, the sampler,
// seed, symmetrisation and refinement of the decoded cells, the reference and training sets
// and the benchmark that judge them, and the output folder (re-using a folder resumes it).

#include <QDialog>

#include "ml/generation/crystal_generation.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace cw {

class GenerateDialog : public QDialog {
    Q_OBJECT
public:
    /// Crystals of `runDir` go to `runDir`/crystals/<time> unless the user picks a folder.
    explicit GenerateDialog(const QString& runDir, QWidget* parent = nullptr);

    ml::GenerationRequest request() const;
    QString outputDirectory() const;

    /// Fills the reference, training and benchmark fields (the window remembers the last ones);
    /// an empty reference keeps what the dialog chose (a shipped model's own reference set).
    void setSets(const QString& reference, const QString& training, const QString& dataset);
    /// The OK button is enabled once a reference set is named.
    bool isComplete() const;

private:
    QLineEdit* pathRow(QLineEdit* edit, const QString& title, bool folder, QFormLayout* form,
                       const QString& label);
    void updateOk();
    void applyModelDefaults();

    QString m_runDir;
    QSpinBox* m_count;
    QComboBox* m_sampler;
    QSpinBox* m_steps;
    QSpinBox* m_seed;
    QDoubleSpinBox* m_symmetrize;
    QCheckBox* m_refine;
    QLineEdit* m_reference;
    QLineEdit* m_training;
    QComboBox* m_dataset;
    QLineEdit* m_outDir;
    QPushButton* m_ok = nullptr;
};

}  // namespace cw
