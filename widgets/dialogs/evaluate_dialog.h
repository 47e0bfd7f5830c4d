#pragma once
// The Evaluate… dialog: the real data set (and its split), the generated images (a samples
// folder, a .npy stack or PNG), how many images of each to use, and whether to compute FID and
// KID; builds an EvaluationRequest. Defaults come from the selected run: its data set and its
// newest samples.

#include <QDialog>
#include <QString>

#include "jobs/evaluation_data.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace cw {

class EvaluateDialog : public QDialog {
    Q_OBJECT
public:
    EvaluateDialog(const QString& realPath, const QString& generatedPath,
                   QWidget* parent = nullptr);

    EvaluationRequest request() const;

    void accept() override;  ///< refuses paths that do not exist

private:
    QLineEdit* m_real;
    QComboBox* m_split;
    QSpinBox* m_maxReal;
    QLineEdit* m_generated;
    QSpinBox* m_maxGenerated;
    QCheckBox* m_features;
};

/// The newest samples of a run: the last folder of RUN/generated (the Sample… job's output,
/// named by time) that holds images, else the newest RUN/samples/step-N.npy; "" when none.
QString latestRunSamples(const QString& runDir);

}  // namespace cw
