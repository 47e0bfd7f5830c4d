// The New training run dialog (widgets/dialogs/new_run_dialog.h): the fields become a
// DiffusionTrainingConfig, and what is wrong (not a data set, a run that exists, a bad list or
// number, a value validate() rejects) is shown inline and keeps the dialog open.
#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "core/atomic_file.h"
#include "dialogs/new_run_dialog.h"
#include "tiny_datasets.h"

class TestNewRunDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        cw::writeFileAtomically(m_dir.filePath("data/dataset.json").toStdString(), "{}");
        cw::writeFileAtomically(m_dir.filePath("runs/taken/config.json").toStdString(), "{}");
    }

    void fieldsBecomeTheConfig() {
        cw::NewRunDialog dialog(m_dir.filePath("runs"));
        dialog.dataDirEdit()->setText(m_dir.filePath("data"));
        dialog.runNameEdit()->setText("tiny");
        dialog.imageSizeBox()->setValue(32);
        dialog.baseChannelsBox()->setValue(16);
        dialog.multsEdit()->setText("1, 2");
        dialog.attentionEdit()->setText("16");
        dialog.stepsBox()->setValue(300);
        dialog.batchBox()->setValue(8);
        dialog.learningRateEdit()->setText("2e-4");
        dialog.deviceBox()->setCurrentText("cpu");
        QCOMPARE(dialog.check(), QString());
        const cw::ml::DiffusionTrainingConfig c = dialog.config();
        QCOMPARE(c.dataDir, m_dir.filePath("data").toStdString());
        QCOMPARE(c.model.imageSize, 32);
        QCOMPARE(c.model.baseChannels, 16);
        QCOMPARE(c.model.channelMults, (std::vector<int>{1, 2}));
        QCOMPARE(c.model.attentionResolutions, (std::vector<int>{16}));
        QCOMPARE(c.steps, std::int64_t{300});
        QCOMPARE(c.batchSize, 8);
        QCOMPARE(c.learningRate, 2e-4);
        QCOMPARE(c.device, std::string("cpu"));
        QCOMPARE(dialog.runDirectory(), m_dir.filePath("runs/tiny"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(dialog.errorText().isEmpty());
    }

    // The image size follows the data set (a 32-px ECD set; an encoding's fixed side, which
    // cannot be changed), and the automatic warm-up and EMA are spelled out for the run length.
    void imageSizeAndWarmupFollowTheRun() {
        const std::string ecd = m_dir.filePath("ecd32").toStdString();
        cw::test::buildTinyEcd(ecd);
        const std::string encoding = m_dir.filePath("crystens").toStdString();
        cw::test::buildTinyEncoding(encoding);
        cw::NewRunDialog dialog(m_dir.filePath("runs"));
        QCOMPARE(dialog.imageSizeBox()->value(), 64);
        dialog.dataDirEdit()->setText(QString::fromStdString(ecd));
        QCOMPARE(dialog.imageSizeBox()->value(), 32);
        QVERIFY(dialog.imageSizeBox()->isEnabled());  // ECD slices can be resampled
        dialog.dataDirEdit()->setText(QString::fromStdString(encoding));
        QCOMPARE(dialog.imageSizeBox()->value(), 64);
        QVERIFY(!dialog.imageSizeBox()->isEnabled());

        dialog.stepsBox()->setValue(300);
        QCOMPARE(dialog.warmupBox()->value(), -1);
        QCOMPARE(dialog.warmupBox()->text(), QString("auto (15)"));  // 5 % of 300
        QVERIFY2(dialog.runLengthText().startsWith("Warm-up 15 steps"), qPrintable(dialog.runLengthText()));
        QVERIFY(dialog.runLengthText().contains("EMA decay 0.96667"));
        dialog.warmupBox()->setValue(400);  // longer than the run
        QVERIFY2(dialog.runLengthText().contains("⚠"), qPrintable(dialog.runLengthText()));
        dialog.runNameEdit()->setText("warm");
        QCOMPARE(dialog.config().warmupSteps, std::int64_t{400});
    }

    void problemsShownInline_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("no data set") << "data" << "runs" << "no dataset.json";
        QTest::newRow("run exists") << "name" << "taken" << "exists already";
        QTest::newRow("name with a slash") << "name" << "a/b" << "plain folder name";
        QTest::newRow("bad multipliers") << "mults" << "1,x" << "channel multipliers";
        QTest::newRow("bad learning rate") << "lr" << "fast" << "learning rate";
        QTest::newRow("lr not positive") << "lr" << "0" << "learning_rate";
    }

    void problemsShownInline() {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, message);
        cw::NewRunDialog dialog(m_dir.filePath("runs"));
        dialog.dataDirEdit()->setText(m_dir.filePath("data"));
        dialog.runNameEdit()->setText("fresh");
        if (field == "data") dialog.dataDirEdit()->setText(m_dir.filePath(value));
        if (field == "name") dialog.runNameEdit()->setText(value);
        if (field == "mults") dialog.multsEdit()->setText(value);
        if (field == "lr") dialog.learningRateEdit()->setText(value);
        dialog.accept();
        QVERIFY(dialog.result() != QDialog::Accepted);
        QVERIFY2(dialog.errorText().contains(message), qPrintable(dialog.errorText()));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestNewRunDialog)
#include "test_new_run_dialog.moc"
