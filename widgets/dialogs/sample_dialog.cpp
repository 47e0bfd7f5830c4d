#include "dialogs/sample_dialog.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <limits>

namespace cw {

SampleDialog::SampleDialog(const QString& runDir, QWidget* parent)
    : QDialog(parent),
      m_count(new QSpinBox),
      m_sampler(new QComboBox),
      m_steps(new QSpinBox),
      m_guidance(new QDoubleSpinBox),
      m_seed(new QSpinBox),
      m_outDir(new QLineEdit) {
    setWindowTitle(QString("Sample from %1").arg(QFileInfo(runDir).fileName()));
    const ml::SampleRequest defaults;
    m_count->setRange(1, 100000);
    m_count->setValue(defaults.count);
    m_sampler->addItems({"ddim", "ddpm"});
    m_sampler->setCurrentText(ml::samplerName(defaults.sampler.kind));
    m_steps->setRange(1, 10000);
    m_steps->setValue(defaults.sampler.samplingSteps);
    m_steps->setToolTip("DDIM steps (DDPM always takes all T steps)");
    connect(m_sampler, &QComboBox::currentTextChanged, this,
            [this](const QString& kind) { m_steps->setEnabled(kind == "ddim"); });
    m_guidance->setRange(0, 50);
    m_guidance->setDecimals(2);
    m_guidance->setValue(defaults.sampler.guidanceScale);
    m_guidance->setToolTip("Classifier-free guidance scale (0 = off; conditional runs only)");
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_outDir->setText(QDir(runDir).filePath(
        "generated/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
    auto* browse = new QToolButton;
    browse->setText("…");
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, "Output folder");
        if (!dir.isEmpty()) m_outDir->setText(dir);
    });
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_outDir, 1);
    outRow->addWidget(browse);

    auto* form = new QFormLayout;
    form->addRow("Images", m_count);
    form->addRow("Sampler", m_sampler);
    form->addRow("Sampling steps", m_steps);
    form->addRow("Guidance", m_guidance);
    form->addRow("Seed", m_seed);
    form->addRow("Output folder", outRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

ml::SampleRequest SampleDialog::request() const {
    ml::SampleRequest r;
    r.count = m_count->value();
    r.batchSize = std::min(r.count, r.batchSize);
    r.sampler.kind = ml::parseSampler(m_sampler->currentText().toStdString());
    r.sampler.samplingSteps = m_steps->value();
    r.sampler.guidanceScale = m_guidance->value();
    r.sampler.seed = static_cast<std::uint64_t>(m_seed->value());
    return r;
}

QString SampleDialog::outputDirectory() const {
    return m_outDir->text().trimmed();
}

}  // namespace cw
