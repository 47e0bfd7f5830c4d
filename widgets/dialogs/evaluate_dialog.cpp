#include "dialogs/evaluate_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "ml/run_directory.h"

namespace cw {

namespace {

QHBoxLayout* pathRow(QLineEdit* edit, QWidget* parent, const QString& title, bool files) {
    auto* folder = new QToolButton;
    folder->setText("…");
    folder->setToolTip("Choose a folder");
    QObject::connect(folder, &QToolButton::clicked, parent, [edit, parent, title] {
        const QString dir = QFileDialog::getExistingDirectory(parent, title, edit->text());
        if (!dir.isEmpty()) edit->setText(dir);
    });
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(folder);
    if (files) {
        auto* file = new QToolButton;
        file->setText("File…");
        file->setToolTip("Choose a .npy stack or a PNG");
        QObject::connect(file, &QToolButton::clicked, parent, [edit, parent, title] {
            const QString path =
                QFileDialog::getOpenFileName(parent, title, edit->text(), "Images (*.npy *.png)");
            if (!path.isEmpty()) edit->setText(path);
        });
        row->addWidget(file);
    }
    return row;
}

}  // namespace

QString latestRunSamples(const QString& runDir) {
    if (runDir.isEmpty()) return {};
    const QDir generated(QDir(runDir).filePath("generated"));
    QStringList folders = generated.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (auto it = folders.crbegin(); it != folders.crend(); ++it) {
        const QDir folder(generated.filePath(*it));
        if (!folder.entryList({"*.npy", "*.png"}, QDir::Files).isEmpty())
            return folder.absolutePath();
    }
    const QDir samples(QString::fromStdString(ml::runSamplesDir(runDir.toStdString())));
    const QStringList stacks = samples.entryList({"step-*.npy"}, QDir::Files, QDir::Name);
    return stacks.isEmpty() ? QString() : samples.absoluteFilePath(stacks.last());
}

EvaluateDialog::EvaluateDialog(const QString& realPath, const QString& generatedPath,
                               QWidget* parent)
    : QDialog(parent),
      m_real(new QLineEdit(realPath)),
      m_split(new QComboBox),
      m_maxReal(new QSpinBox),
      m_generated(new QLineEdit(generatedPath)),
      m_maxGenerated(new QSpinBox),
      m_features(new QCheckBox("FID and KID on spectral features")) {
    setWindowTitle("Evaluate generated slices");
    m_real->setObjectName("realPathEdit");
    m_generated->setObjectName("generatedPathEdit");
    m_real->setPlaceholderText("data set folder (dataset.json), or images");
    m_generated->setPlaceholderText("samples folder, .npy stack or PNG");
    m_split->addItems({"train", "val", "test", "all"});
    for (QSpinBox* box : {m_maxReal, m_maxGenerated}) {
        box->setRange(0, 1000000);
        box->setSpecialValueText("all");
    }
    // Every image is held in memory as float32 (256² is 256 kB each): a few thousand are
    // plenty for the count distribution and FID.
    m_maxReal->setValue(2000);
    m_maxReal->setToolTip(
        "Training slices read (the first of the split); each is kept in memory "
        "as float32 while the panels show it: 256 kB at 256²");
    m_maxGenerated->setValue(0);
    m_features->setChecked(true);
    m_features->setToolTip(
        "Training-free features (radial power spectrum, intensity and blob "
        "statistics); every FID names its extractor and N");

    auto* form = new QFormLayout;
    form->addRow("Training data set", pathRow(m_real, this, "Training data set", true));
    form->addRow("Split", m_split);
    form->addRow("Training images (at most)", m_maxReal);
    form->addRow("Generated images", pathRow(m_generated, this, "Generated images", true));
    form->addRow("Generated images (at most)", m_maxGenerated);
    form->addRow(m_features);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText("Evaluate");
    connect(buttons, &QDialogButtonBox::accepted, this, &EvaluateDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(640, sizeHint().height());
}

EvaluationRequest EvaluateDialog::request() const {
    EvaluationRequest r;
    r.realPath = m_real->text().trimmed();
    r.generatedPath = m_generated->text().trimmed();
    r.realImages.split = m_split->currentText().toStdString();
    r.realImages.maxImages = static_cast<std::size_t>(m_maxReal->value());
    r.generatedImages.maxImages = static_cast<std::size_t>(m_maxGenerated->value());
    r.spectralFeatures = m_features->isChecked();
    return r;
}

void EvaluateDialog::accept() {
    for (const QLineEdit* edit : {m_real, m_generated}) {
        const QString path = edit->text().trimmed();
        if (path.isEmpty() || !QFileInfo::exists(path)) {
            QMessageBox::warning(
                this, windowTitle(),
                path.isEmpty() ? QString("Choose the %1.")
                                     .arg(edit == m_real ? "training data set" : "generated images")
                               : QString("%1 does not exist.").arg(path));
            return;
        }
    }
    QDialog::accept();
}

}  // namespace cw
