#include "dialogs/new_run_dialog.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/error.h"
#include "dataset/image_set.h"
#include "ml/diffusion/unet_config.h"
#ifdef CW_WITH_TORCH
#include "ml/device.h"
#include "jobs/job_threads.h"
#endif

namespace cw {

namespace {

QString intList(const std::vector<int>& values) {
    QStringList parts;
    for (int v : values) parts << QString::number(v);
    return parts.join(',');
}

QSpinBox* spinBox(int minimum, int maximum, qint64 value, int step = 1) {
    auto* box = new QSpinBox;
    box->setRange(minimum, maximum);
    box->setSingleStep(step);
    box->setValue(static_cast<int>(std::clamp<qint64>(value, minimum, maximum)));
    box->setGroupSeparatorShown(true);
    return box;
}

QComboBox* comboBox(const QStringList& items, const QString& current) {
    auto* box = new QComboBox;
    box->addItems(items);
    box->setCurrentText(current);
    return box;
}

}  // namespace

NewRunDialog::NewRunDialog(const QString& workspace, const ml::DiffusionTrainingConfig& base,
                           QWidget* parent)
    : QDialog(parent), m_workspace(workspace), m_base(base) {
    setWindowTitle("New training run");
    constexpr int kIntMax = std::numeric_limits<int>::max();
    m_dataDir = new QLineEdit(QString::fromStdString(base.dataDir));
    m_dataDir->setPlaceholderText("A finished ECD or encoding data set (cwb ecd build …)");
    m_runName = new QLineEdit(QDateTime::currentDateTime().toString("'run-'yyyyMMdd-HHmmss"));
    m_imageSize = spinBox(32, 256, base.model.imageSize, 16);
    m_baseChannels = spinBox(8, 1024, base.model.baseChannels, 8);
    m_mults = new QLineEdit(intList(base.model.channelMults));
    m_mults->setToolTip("Channel multiplier per level, e.g. 1,2,4");
    m_attention = new QLineEdit(intList(base.model.attentionResolutions));
    m_attention->setToolTip("Feature-map sizes (pixels) with self-attention, e.g. 16 or 16,8");
    m_steps = spinBox(1, kIntMax, base.steps, 1000);
    // −1 is "auto" (5 % of the run, at most 500 steps); its text shows the resolved count.
    m_warmup = spinBox(-1, kIntMax, base.warmupSteps, 50);
    m_warmup->setObjectName("warmupSteps");
    m_runLength = new QLabel;
    m_runLength->setObjectName("runLength");
    m_runLength->setWordWrap(true);
    m_batch = spinBox(1, 4096, base.batchSize);
    m_learningRate = new QLineEdit(QString::number(base.learningRate, 'g', 6));
    m_schedule =
        comboBox({"linear", "cosine", "sigmoid"}, ml::scheduleName(base.diffusion.schedule));
    m_prediction = comboBox({"eps", "x0", "v"}, ml::predictionName(base.diffusion.prediction));
    QStringList devices{"auto", "cpu"};
#ifdef CW_WITH_TORCH
    for (int i = 0; i < ml::cudaDeviceCount(); ++i) devices << QString("cuda:%1").arg(i);
#endif
    m_device = comboBox(devices, QString::fromStdString(base.device));
    m_seed = spinBox(0, kIntMax, static_cast<qint64>(base.seed));
    m_checkpointEvery = spinBox(1, kIntMax, base.checkpointEvery, 100);
    m_sampleEvery = spinBox(0, kIntMax, base.sampleEvery, 100);
    m_sampleEvery->setSpecialValueText("never");

    auto* browse = new QToolButton;
    browse->setText("…");
    connect(browse, &QToolButton::clicked, this, &NewRunDialog::chooseDataDir);
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(m_dataDir, 1);
    dataRow->addWidget(browse);

    auto* form = new QFormLayout;
    form->addRow("Data set", dataRow);
    form->addRow("Run name", m_runName);
    form->addRow("Image size (px)", m_imageSize);
    form->addRow("Base channels", m_baseChannels);
    form->addRow("Channel multipliers", m_mults);
    form->addRow("Attention at (px)", m_attention);
    form->addRow("Steps", m_steps);
    form->addRow("Warm-up steps", m_warmup);
    form->addRow("", m_runLength);
    form->addRow("Batch size", m_batch);
    form->addRow("Learning rate", m_learningRate);
    form->addRow("Noise schedule", m_schedule);
    form->addRow("Prediction", m_prediction);
    form->addRow("Device", m_device);
    form->addRow("Seed", m_seed);
    form->addRow("Checkpoint every", m_checkpointEvery);
    form->addRow("Sample grid every", m_sampleEvery);

    m_error = new QLabel;
    m_error->setObjectName("newRunError");
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020");
    m_error->hide();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText("Start training");
    connect(buttons, &QDialogButtonBox::accepted, this, &NewRunDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &NewRunDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_steps, &QSpinBox::valueChanged, this, &NewRunDialog::updateRunLength);
    connect(m_warmup, &QSpinBox::valueChanged, this, &NewRunDialog::updateRunLength);
    connect(m_dataDir, &QLineEdit::textChanged, this, &NewRunDialog::dataDirChanged);
    dataDirChanged();
    updateRunLength();
}

void NewRunDialog::dataDirChanged() {
    // The data set's own item size: an encoding's cannot be resampled, and an ECD set's is
    // what the user built (a 32-px set trained at 64 px is upsampled for nothing).
    std::optional<int> side, encodingSide;
    try {
        side = storedItemSide(m_dataDir->text().trimmed().toStdString());
        encodingSide = encodingItemSide(m_dataDir->text().trimmed().toStdString());
    } catch (const Error&) {
        // A malformed dataset.json is reported by check() when the run is started.
    }
    if (side) m_imageSize->setValue(*side);
    m_imageSize->setEnabled(!encodingSide);
    m_imageSize->setToolTip(encodingSide ? "An encoding's items are tables: the model takes their size"
                            : side       ? QString("The data set's slices are %1 px; another size resamples them").arg(*side)
                                         : QString());
}

QString NewRunDialog::runLengthText() const {
    return m_runLength->text();
}

void NewRunDialog::updateRunLength() {
    ml::DiffusionTrainingConfig c = m_base;
    c.steps = m_steps->value();
    c.warmupSteps = m_warmup->value();
    c.emaDecay = m_base.emaDecay;
    const std::vector<std::string> warnings = ml::resolveRunLengthDefaults(c);
    m_warmup->setSpecialValueText(QString("auto (%1)").arg(c.warmupSteps));
    QString text = QString("Warm-up %1 steps, then cosine decay; EMA decay %2 (averages the last ~%3 steps)")
                       .arg(c.warmupSteps)
                       .arg(c.emaDecay, 0, 'g', 5)
                       .arg(static_cast<qint64>(std::llround(1.0 / std::max(1e-12, 1.0 - c.emaDecay))));
    for (const std::string& w : warnings) text += "\n⚠ " + QString::fromStdString(w);
    m_runLength->setText(text);
}

void NewRunDialog::chooseDataDir() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, "Data set for training", m_dataDir->text());
    if (!dir.isEmpty()) m_dataDir->setText(dir);
}

ml::DiffusionTrainingConfig NewRunDialog::config() const {
    ml::DiffusionTrainingConfig c = m_base;
    c.dataDir = m_dataDir->text().trimmed().toStdString();
    c.model.imageSize = m_imageSize->value();
    c.model.baseChannels = m_baseChannels->value();
    c.model.channelMults = ml::parseIntList(m_mults->text().toStdString(), "channel multipliers");
    c.model.attentionResolutions =
        ml::parseIntList(m_attention->text().toStdString(), "attention resolutions");
    c.steps = m_steps->value();
    c.warmupSteps = m_warmup->value();
    c.batchSize = m_batch->value();
    bool ok = false;
    c.learningRate = m_learningRate->text().trimmed().toDouble(&ok);
    if (!ok)
        throw ConfigError("learning rate: \"" + m_learningRate->text().toStdString() +
                          "\" is not a number");
    c.diffusion.schedule = ml::parseSchedule(m_schedule->currentText().toStdString());
    c.diffusion.prediction = ml::parsePrediction(m_prediction->currentText().toStdString());
    c.device = m_device->currentText().toStdString();
    if (c.threads == 0) c.threads = jobThreads();  // Run ▸ CPU Threads
    c.seed = static_cast<std::uint64_t>(m_seed->value());
    c.checkpointEvery = m_checkpointEvery->value();
    c.sampleEvery = m_sampleEvery->value();
    c.validate();
    c.model.validate();
    return c;
}

QString NewRunDialog::runDirectory() const {
    return QDir(m_workspace).filePath(m_runName->text().trimmed());
}

QString NewRunDialog::check() const {
    const QString name = m_runName->text().trimmed();
    if (m_workspace.isEmpty()) return "Choose a workspace folder first.";
    if (name.isEmpty() || name.contains('/') || name.contains('\\') || name == "." || name == "..")
        return "The run name must be a plain folder name inside the workspace.";
    const QDir runDir(runDirectory());
    if (runDir.exists() && !runDir.isEmpty())
        return QString("A run named \"%1\" exists already: choose another name.").arg(name);
    const QString data = m_dataDir->text().trimmed();
    if (data.isEmpty()) return "Choose the data set to train on.";
    if (!QFileInfo(QDir(data).filePath("dataset.json")).isFile())
        return QString("%1 is not a finished data set (it has no dataset.json).").arg(data);
    try {
        config();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString NewRunDialog::errorText() const {
    return m_error->isHidden() ? QString() : m_error->text();
}

void NewRunDialog::accept() {
    const QString problem = check();
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    if (problem.isEmpty()) QDialog::accept();
}

}  // namespace cw
