// LibTorch is linked and usable on this machine's CPU; device strings resolve as documented.
#include <QtTest>

#include "core/error.h"
#include "core/parallel.h"
#include "ml/device.h"

class TestMlDevice : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void versionIsKnown() {
        QVERIFY(!cw::ml::torchVersion().empty());
        QVERIFY(cw::ml::torchVersion().find('.') != std::string::npos);
    }
    void cpuAlwaysResolves() {
        QCOMPARE(QString::fromStdString(cw::ml::resolveDevice("cpu")), QString("cpu"));
        const std::string automatic = cw::ml::resolveDevice("auto");
        QCOMPARE(QString::fromStdString(automatic),
                 QString(cw::ml::cudaAvailable() ? "cuda:0" : "cpu"));
    }
    // The default thread count is the free cores; an explicit one is kept.
    void threadsFollowTheFreeCores() {
        const int free = cw::freeCpuCores();
        QVERIFY(free >= 1 && free <= cw::resolveThreadCount(0));
        QCOMPARE(cw::ml::setTorchThreads(3), 3);
        const int automatic = cw::ml::setTorchThreads(0);
        QVERIFY(automatic >= 1 && automatic <= cw::resolveThreadCount(0));
    }
    void badDevicesAreConfigErrors() {
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::ml::resolveDevice("gpu"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::ml::resolveDevice("cuda:x"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError,
                                 cw::ml::resolveDevice("cuda:" + std::to_string(cw::ml::cudaDeviceCount())));
    }
};

QTEST_APPLESS_MAIN(TestMlDevice)
#include "test_ml_device.moc"
