#pragma once
// Runs the real `cwb` binary (F3D's f3d_test pattern) and captures its exit code and output.

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace cw::test {

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

/// `environment`: NAME=VALUE entries added to (or replacing those of) the test's environment;
/// "NAME=" removes NAME.
inline CliResult runCwb(const QStringList& arguments, int timeoutMs = 600000,
                        const QStringList& environment = {}) {
    QProcess process;
    if (!environment.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& entry : environment) {
            if (entry.endsWith('='))
                env.remove(entry.chopped(1));  // "NAME=": not set at all
            else
                env.insert(entry.section('=', 0, 0), entry.section('=', 1));
        }
        process.setProcessEnvironment(env);
    }
    process.start(CWB_EXECUTABLE, arguments);
    CliResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        result.err = "cwb did not finish: " + process.errorString();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

}  // namespace cw::test
