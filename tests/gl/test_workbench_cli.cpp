// The application's batch modes, run as a user runs them: `crystal-workbench FILE --pick I,J,K
// --export-figures DIR` and `--select`. Needs an X server (run under xvfb-run); skips elsewhere.
#include <QGuiApplication>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "core/image.h"
#include "core/npy.h"
#include "ecd/slicer.h"
#include "io/structure_stream.h"

namespace {

const QString kLiFePO4 = QString(CW_SOURCE_DIR) + "/resources/examples/LiFePO4.cif";

struct Run {
    int exitCode = -1;
    QString errors;
};

Run workbench(const QStringList& arguments) {
    QProcess process;
    process.start(CW_WORKBENCH_EXECUTABLE, arguments);
    Run run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        run.errors = "timed out";
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.errors = QString::fromUtf8(process.readAllStandardError());
    return run;
}

}  // namespace

class TestWorkbenchCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (QGuiApplication::platformName() != "xcb")
            QSKIP("the workbench needs an X server (run under xvfb-run); platform is not xcb");
    }

    // The four figures, view.png at the requested width, slice.npy equal to the engine's slice.
    void exportFiguresWritesTheFourFiles() {
        QTemporaryDir dir;
        QTemporaryDir settings;  // the run's QSettings stay out of the user's
        qputenv("XDG_CONFIG_HOME", settings.path().toUtf8());
        const Run run = workbench({kLiFePO4, "--pick", "0,1,2", "--select", "P",
                                   "--export-figures", dir.path(), "--export-width", "900"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        const QImage view(dir.filePath("view.png"));
        QCOMPARE(view.width(), 900);
        QVERIFY(!QImage(dir.filePath("slice.png")).isNull());
        QVERIFY(!QImage(dir.filePath("crystens.png")).isNull());
        const cw::Structure s = cw::readStructure(kLiFePO4.toStdString());
        const Eigen::Vector3i home = Eigen::Vector3i::Zero();
        const cw::PickTriple picks{cw::Pick{0, home}, cw::Pick{1, home}, cw::Pick{2, home}};
        const cw::SliceResult expected = cw::sliceStructure(s, picks, cw::SliceParameters{});
        const cw::Image npy = cw::readNpyImage(dir.filePath("slice.npy").toStdString());
        QCOMPARE(cw::maxAbsDifference(npy, expected.image), 0.0);
    }

    void badSelectionIsNamed() {
        QTemporaryDir dir;
        const Run run = workbench({kLiFePO4, "--pick", "0,1,2", "--select", "Cu",
                                   "--export-figures", dir.path()});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.errors.contains("--select: the crystal has no Cu site"), qPrintable(run.errors));
        const Run index = workbench({kLiFePO4, "--select", "0,99", "--screenshot",
                                     dir.filePath("shot.png")});
        QCOMPARE(index.exitCode, 2);
        QVERIFY2(index.errors.contains("site 99 is out of range (0–27)"), qPrintable(index.errors));
    }
};

QTEST_MAIN(TestWorkbenchCli)
#include "test_workbench_cli.moc"
