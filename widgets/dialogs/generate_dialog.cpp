#include "dialogs/generate_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <limits>

namespace cw {

GenerateDialog::GenerateDialog(const QString& runDir, QWidget* parent)
    : QDialog(parent),
      m_runDir(runDir),
      m_count(new QSpinBox),
      m_sampler(new QComboBox),
      m_steps(new QSpinBox),
      m_seed(new QSpinBox),
      m_symmetrize(new QDoubleSpinBox),
      m_refine(new QCheckBox("Fit xtal2png coordinates to the decoded distances")),
      m_reference(new QLineEdit),
      m_training(new QLineEdit),
      m_dataset(new QComboBox),
      m_outDir(new QLineEdit) {
    setWindowTitle(QString("Generate crystals from %1").arg(QFileInfo(runDir).fileName()));
    m_count->setRange(1, 1000000);
    m_count->setValue(100);
    m_sampler->addItems({"ddim", "ddpm"});
    m_steps->setRange(1, 10000);
    m_steps->setValue(ml::SamplerOptions{}.samplingSteps);
    m_steps->setToolTip("DDIM steps (DDPM always takes all T steps)");
    connect(m_sampler, &QComboBox::currentTextChanged, this,
            [this](const QString& kind) { m_steps->setEnabled(kind == "ddim"); });
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_symmetrize->setRange(0, 1);
    m_symmetrize->setDecimals(3);
    m_symmetrize->setSingleStep(0.01);
    m_symmetrize->setSuffix(" Å");
    m_symmetrize->setSpecialValueText("off (keep the decoded P1 cell)");
    m_symmetrize->setToolTip("Replace each decoded cell by spglib's standardised cell at this symprec");
    m_dataset->addItems({"none", "perov5", "carbon24", "mp20"});
    m_dataset->setToolTip("The benchmark whose coverage cutoffs and published rows apply");
    m_reference->setPlaceholderText("Test crystals: a CDVAE CSV, MP JSON, CIF folder, or data set");
    m_training->setPlaceholderText("Optional: training crystals, for novelty");
    m_outDir->setText(QDir(runDir).filePath("crystals/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
    m_outDir->setToolTip("A new folder, or the folder of an interrupted generation to resume it");

    auto* form = new QFormLayout;
    form->addRow("Crystals", m_count);
    form->addRow("Sampler", m_sampler);
    form->addRow("Sampling steps", m_steps);
    form->addRow("Seed", m_seed);
    form->addRow("Symmetrise", m_symmetrize);
    form->addRow("", m_refine);
    pathRow(m_reference, "Reference crystals", false, form, "Reference");
    pathRow(m_training, "Training crystals", false, form, "Training");
    form->addRow("Benchmark", m_dataset);
    pathRow(m_outDir, "Output folder", true, form, "Output folder");
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText("Generate");
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reference, &QLineEdit::textChanged, this, &GenerateDialog::updateOk);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    applyModelDefaults();
    updateOk();
}

void GenerateDialog::applyModelDefaults() {
    // A shipped model (resources/models/*/model.json) names its reference set, benchmark and
    // sampling steps, so that generating from it needs no choices at all.
    QFile file(QDir(m_runDir).filePath("model.json"));
    if (!file.open(QIODevice::ReadOnly)) return;
    const QJsonObject model = QJsonDocument::fromJson(file.readAll()).object();
    const QString reference = model.value("reference").toString();
    if (!reference.isEmpty()) m_reference->setText(QDir(m_runDir).filePath(reference));
    const QString dataset = model.value("dataset").toString();
    if (m_dataset->findText(dataset) >= 0) m_dataset->setCurrentText(dataset);
    const int steps = model.value("sampling").toObject().value("sampling_steps").toInt();
    if (steps > 0) m_steps->setValue(steps);
    // A shipped model lives in the install or source tree: generate into the user's home.
    m_outDir->setText(QDir::home().filePath("crystal-workbench/crystals/" +
                                             QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
}

QLineEdit* GenerateDialog::pathRow(QLineEdit* edit, const QString& title, bool folder, QFormLayout* form,
                                   const QString& label) {
    auto* browse = new QToolButton;
    browse->setText("…");
    connect(browse, &QToolButton::clicked, this, [this, edit, title, folder] {
        const QString path = folder ? QFileDialog::getExistingDirectory(this, title)
                                    : QFileDialog::getOpenFileName(this, title);
        if (!path.isEmpty()) edit->setText(path);
    });
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    return edit;
}

void GenerateDialog::updateOk() {
    m_ok->setEnabled(isComplete());
}

bool GenerateDialog::isComplete() const {
    return !m_reference->text().trimmed().isEmpty();
}

void GenerateDialog::setSets(const QString& reference, const QString& training, const QString& dataset) {
    if (reference.isEmpty()) return;  // keep a shipped model's own reference
    m_reference->setText(reference);
    m_training->setText(training);
    if (m_dataset->findText(dataset) >= 0) m_dataset->setCurrentText(dataset);
}

ml::GenerationRequest GenerateDialog::request() const {
    ml::GenerationRequest r;
    r.runDir = m_runDir.toStdString();
    r.sample.count = m_count->value();
    r.sample.batchSize = std::min(r.sample.count, 64);
    r.sample.sampler.kind = ml::parseSampler(m_sampler->currentText().toStdString());
    r.sample.sampler.samplingSteps = m_steps->value();
    r.sample.sampler.seed = static_cast<std::uint64_t>(m_seed->value());
    r.decode.symmetrizeA = m_symmetrize->value();
    r.decode.refine = m_refine->isChecked();
    r.reference = m_reference->text().trimmed().toStdString();
    r.training = m_training->text().trimmed().toStdString();
    r.dataset = m_dataset->currentText() == "none" ? std::string() : m_dataset->currentText().toStdString();
    return r;
}

QString GenerateDialog::outputDirectory() const {
    return m_outDir->text().trimmed();
}

}  // namespace cw
