#pragma once
// The Sample… dialog of a trained run: how many images, which sampler (DDIM steps or full
// DDPM), guidance, seed and the output folder; builds an ml::SampleRequest.

#include <QDialog>
#include <QString>

#include "ml/generation/sampling.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace cw {

class SampleDialog : public QDialog {
    Q_OBJECT
public:
    /// Samples of `runDir` go to `runDir`/generated/<time> unless the user picks a folder.
    explicit SampleDialog(const QString& runDir, QWidget* parent = nullptr);

    ml::SampleRequest request() const;
    QString outputDirectory() const;

private:
    QSpinBox* m_count;
    QComboBox* m_sampler;
    QSpinBox* m_steps;
    QDoubleSpinBox* m_guidance;
    QSpinBox* m_seed;
    QLineEdit* m_outDir;
};

}  // namespace cw
