#include "panels/props_train_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSpinBox>
#include <QToolButton>
#include <algorithm>
#include <thread>

#include "core/error.h"
#include "jobs/job_threads.h"
#include "models/property_columns.h"

namespace cw {

namespace {

QToolButton* browseButton(const QString& tip) {
    auto* button = new QToolButton;
    button->setText("…");
    button->setToolTip(tip);
    return button;
}

QHBoxLayout* row(QWidget* field, QWidget* button) {
    auto* layout = new QHBoxLayout;
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    layout->addWidget(button);
    return layout;
}

}  // namespace

PropsTrainForm::PropsTrainForm(QWidget* parent)
    : QWidget(parent),
      m_dataDir(new QLineEdit),
      m_targets(new QListWidget),
      m_tableMessage(new QLabel),
      m_model(new QComboBox),
      m_backboneRow(new QWidget),
      m_backboneFile(new QLineEdit),
      m_fineTune(new QCheckBox("fine-tune")),
      m_transform(new QComboBox),
      m_loss(new QComboBox),
      m_epochs(new QSpinBox),
      m_patience(new QSpinBox),
      m_averageWeights(new QCheckBox("average weights")),
      m_runDir(new QLineEdit) {
    m_dataDir->setObjectName("propsDataDir");
    m_dataDir->setPlaceholderText("CrysTens data set (cwb crystens build …)");
    connect(m_dataDir, &QLineEdit::editingFinished, this, &PropsTrainForm::reloadTargets);
    QToolButton* browseData = browseButton("Choose the data set folder");
    connect(browseData, &QToolButton::clicked, this, &PropsTrainForm::chooseDataDir);

    m_targets->setObjectName("propsTargets");
    m_targets->setToolTip(
        "Numeric columns of the data set's properties.csv; several targets "
        "train one multi-task model");
    m_targets->setMinimumWidth(140);
    m_tableMessage->setWordWrap(true);
    m_tableMessage->setStyleSheet("color: #b00020");
    m_tableMessage->hide();

    for (ml::PropsModelKind kind :
         {ml::PropsModelKind::Baseline, ml::PropsModelKind::ResNet, ml::PropsModelKind::Backbone,
          ml::PropsModelKind::Sites})
        m_model->addItem(ml::propsModelName(kind));
    m_model->setItemData(0, "The seed's CNN: 3×3 convolutions, max pooling, dense layers",
                         Qt::ToolTipRole);
    m_model->setItemData(1, "Residual blocks with GroupNorm, global pooling, multi-task head",
                         Qt::ToolTipRole);
    m_model->setItemData(2, "A TorchScript feature extractor of yours with a regression head",
                         Qt::ToolTipRole);
    m_model->setItemData(3, "Attention over the crystal's sites with pairwise distances (CrysTens only)",
                         Qt::ToolTipRole);
    connect(m_model, &QComboBox::currentIndexChanged, this, &PropsTrainForm::showModelFields);
    m_backboneFile->setObjectName("propsBackboneFile");
    m_backboneFile->setPlaceholderText("TorchScript file (.pt)");
    m_fineTune->setToolTip("Train the backbone's weights too (otherwise only the head trains)");
    QToolButton* browseBackbone = browseButton("Choose the TorchScript backbone");
    connect(browseBackbone, &QToolButton::clicked, this, &PropsTrainForm::chooseBackbone);
    auto* backbone = new QHBoxLayout(m_backboneRow);
    backbone->setContentsMargins(0, 0, 0, 0);
    backbone->addWidget(m_backboneFile, 1);
    backbone->addWidget(browseBackbone);
    backbone->addWidget(m_fineTune);
    for (ml::TargetTransform t :
         {ml::TargetTransform::None, ml::TargetTransform::Sqrt, ml::TargetTransform::Standardize,
          ml::TargetTransform::SqrtStandardize})
        m_transform->addItem(ml::targetTransformName(t));
    m_transform->setToolTip(
        "Learnt transform of the targets (inverted for predictions); sqrt "
        "needs values ≥ 0");
    for (ml::PropsLoss l : {ml::PropsLoss::Mse, ml::PropsLoss::L1, ml::PropsLoss::Huber})
        m_loss->addItem(ml::propsLossName(l));
    m_loss->setObjectName("propsLoss");
    m_loss->setToolTip("Training loss: mse (the seed's), l1 (optimises the reported MAE), huber");
    m_epochs->setRange(1, 100000);
    m_patience->setRange(0, 100000);
    m_patience->setSpecialValueText("off");
    m_patience->setToolTip("Stop when the validation loss has not improved for this many epochs");
    m_averageWeights->setObjectName("propsEma");
    m_averageWeights->setToolTip(
        "Validate and predict with an exponential moving average of the weights (decay 0.999), "
        "which smooths the noise of the last batches");

    m_runDir->setObjectName("propsRunDir");
    m_runDir->setPlaceholderText("New folder for the run");
    QToolButton* browseRun = browseButton("Choose where the run is written");
    connect(browseRun, &QToolButton::clicked, this, &PropsTrainForm::chooseRunDirectory);

    // Two columns: the settings, and the targets list beside them (the dock is wide, not tall).
    m_fields = new QFormLayout;
    m_fields->setContentsMargins(0, 0, 0, 0);
    m_fields->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_fields->addRow("Data set", row(m_dataDir, browseData));
    m_fields->addRow("Model", m_model);
    m_fields->addRow("Backbone", m_backboneRow);
    auto* transform = new QHBoxLayout;
    transform->addWidget(m_transform, 1);
    transform->addWidget(new QLabel("loss"));
    transform->addWidget(m_loss, 1);
    m_fields->addRow("Transform", transform);
    auto* epochs = new QHBoxLayout;
    epochs->addWidget(m_epochs, 1);
    epochs->addWidget(new QLabel("patience"));
    epochs->addWidget(m_patience, 1);
    epochs->addWidget(m_averageWeights);
    m_fields->addRow("Epochs", epochs);
    m_fields->addRow("Run folder", row(m_runDir, browseRun));
    auto* targets = new QVBoxLayout;
    targets->setContentsMargins(0, 0, 0, 0);
    targets->addWidget(new QLabel("Targets"));
    targets->addWidget(m_targets, 1);
    targets->addWidget(m_tableMessage);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_fields, 3);
    layout->addLayout(targets, 2);
    showConfig(m_base);
    showModelFields();
}

void PropsTrainForm::showModelFields() {
    const bool backbone =
        m_model->currentText() == ml::propsModelName(ml::PropsModelKind::Backbone);
    m_backboneRow->setVisible(backbone);
    if (m_fields)
        if (QWidget* label = m_fields->labelForField(m_backboneRow)) label->setVisible(backbone);
}

void PropsTrainForm::chooseBackbone() {
    const QString file =
        QFileDialog::getOpenFileName(this, "TorchScript backbone", m_backboneFile->text(),
                                     "TorchScript (*.pt *.pth);;All files (*)");
    if (!file.isEmpty()) m_backboneFile->setText(file);
}

void PropsTrainForm::setDataDir(const QString& dir) {
    m_dataDir->setText(dir);
    reloadTargets();
}

QString PropsTrainForm::dataDir() const {
    return m_dataDir->text().trimmed();
}

void PropsTrainForm::reloadTargets() {
    const QStringList checked = checkedTargets();
    m_targets->clear();
    m_tableMessage->hide();
    const QString dir = dataDir();
    if (dir.isEmpty()) return;
    QStringList columns;
    try {
        columns = numericPropertyColumns(dir);
        if (columns.isEmpty())
            throw ConfigError(dir.toStdString() +
                              " has no numeric property columns "
                              "(properties.csv of a CrysTens data set)");
    } catch (const Error& e) {
        m_tableMessage->setText(QString::fromStdString(e.what()));
        m_tableMessage->show();
    }
    for (const QString& column : columns) {
        auto* item = new QListWidgetItem(propertyLabel(column), m_targets);
        item->setData(Qt::UserRole, column);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(column) ? Qt::Checked : Qt::Unchecked);
    }
    if (checkedTargets().isEmpty() && m_targets->count() > 0)
        m_targets->item(0)->setCheckState(Qt::Checked);
    // A fresh run folder beside the data set, unless the user typed one.
    const QString current = m_runDir->text().trimmed();
    if (current.isEmpty() || current == m_suggestedRunDir) {
        const QDir parent = QFileInfo(QDir::cleanPath(dir)).dir();
        m_suggestedRunDir =
            parent.filePath(QDateTime::currentDateTime().toString("'props-'yyyyMMdd-HHmmss"));
        m_runDir->setText(m_suggestedRunDir);
    }
}

QStringList PropsTrainForm::availableTargets() const {
    QStringList names;
    for (int i = 0; i < m_targets->count(); ++i)
        names << m_targets->item(i)->data(Qt::UserRole).toString();
    return names;
}

void PropsTrainForm::setCheckedTargets(const QStringList& targets) {
    for (int i = 0; i < m_targets->count(); ++i) {
        QListWidgetItem* item = m_targets->item(i);
        item->setCheckState(targets.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                                  : Qt::Unchecked);
    }
}

QStringList PropsTrainForm::checkedTargets() const {
    QStringList names;
    for (int i = 0; i < m_targets->count(); ++i)
        if (m_targets->item(i)->checkState() == Qt::Checked)
            names << m_targets->item(i)->data(Qt::UserRole).toString();
    return names;
}

void PropsTrainForm::setRunDirectory(const QString& dir) {
    m_runDir->setText(dir);
}

QString PropsTrainForm::runDirectory() const {
    return m_runDir->text().trimmed();
}

void PropsTrainForm::setBaseConfig(const ml::PropsConfig& base) {
    m_base = base;
}

void PropsTrainForm::showConfig(const ml::PropsConfig& config) {
    if (QString::fromStdString(config.dataDir) != dataDir())
        setDataDir(QString::fromStdString(config.dataDir));
    QStringList targets;
    for (const std::string& t : config.targets) targets << QString::fromStdString(t);
    if (!targets.isEmpty()) setCheckedTargets(targets);
    m_model->setCurrentText(ml::propsModelName(config.model));
    m_backboneFile->setText(QString::fromStdString(config.backboneFile));
    m_fineTune->setChecked(!config.freezeBackbone);
    m_transform->setCurrentText(ml::targetTransformName(config.transform));
    m_loss->setCurrentText(ml::propsLossName(config.loss));
    m_epochs->setValue(config.epochs);
    m_patience->setValue(config.patience);
    m_averageWeights->setChecked(config.emaDecay > 0);
    if (config.emaDecay > 0) m_emaDecayWhenOn = config.emaDecay;
}

ml::PropsConfig PropsTrainForm::config() const {
    ml::PropsConfig c = m_base;
    c.dataDir = dataDir().toStdString();
    c.targets.clear();
    for (const QString& t : checkedTargets()) c.targets.push_back(t.toStdString());
    c.model = ml::parsePropsModel(m_model->currentText().toStdString());
    c.backboneFile = c.model == ml::PropsModelKind::Backbone
                         ? m_backboneFile->text().trimmed().toStdString()
                         : std::string();
    c.freezeBackbone = !m_fineTune->isChecked();
    c.transform = ml::parseTargetTransform(m_transform->currentText().toStdString());
    c.loss = ml::parsePropsLoss(m_loss->currentText().toStdString());
    c.epochs = m_epochs->value();
    c.patience = m_patience->value();
    c.emaDecay = m_averageWeights->isChecked() ? m_emaDecayWhenOn : 0.0;
    if (c.threads == 0) c.threads = jobThreads();  // Run ▸ CPU Threads
    c.validate();
    return c;
}

QString PropsTrainForm::check() const {
    const QString data = dataDir();
    if (data.isEmpty()) return "Choose the CrysTens data set to train on.";
    if (!QFileInfo(QDir(data).filePath("dataset.json")).isFile())
        return QString("%1 is not a finished data set (it has no dataset.json).").arg(data);
    if (checkedTargets().isEmpty()) return "Check at least one target property.";
    const QString run = runDirectory();
    if (run.isEmpty()) return "Choose a folder for the run.";
    if (QFileInfo(run).exists() && !(QFileInfo(run).isDir() && QDir(run).isEmpty()))
        return QString("%1 exists already and is not empty: choose a new run folder.").arg(run);
    try {
        config();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

void PropsTrainForm::chooseDataDir() {
    const QString dir = QFileDialog::getExistingDirectory(this, "CrysTens data set", dataDir());
    if (!dir.isEmpty()) setDataDir(dir);
}

void PropsTrainForm::chooseRunDirectory() {
    const QString dir = QFileDialog::getSaveFileName(
        this, "New property run folder", runDirectory(), {}, nullptr, QFileDialog::ShowDirsOnly);
    if (!dir.isEmpty()) m_runDir->setText(dir);
}

}  // namespace cw
