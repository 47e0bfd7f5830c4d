#include "jobs/job_threads.h"

#include <QSettings>
#include <algorithm>

#include "core/parallel.h"

namespace cw {

namespace {
constexpr const char* kThreadsKey = "jobs/threads";
}

int jobThreadsSetting() {
    return std::max(0, QSettings().value(kThreadsKey, 0).toInt());
}

void setJobThreadsSetting(int threads) {
    QSettings().setValue(kThreadsKey, std::max(0, threads));
}

int jobThreads() {
    const int setting = jobThreadsSetting();
    if (setting > 0) return setting;
    const int cores = resolveThreadCount(0);
    return std::max(1, std::min(freeCpuCores(), cores - 1));
}

QString jobThreadsDescription() {
    const int setting = jobThreadsSetting();
    if (setting > 0) return QString("%1 thread%2 (set in Run ▸ CPU Threads)").arg(setting).arg(setting == 1 ? "" : "s");
    return QString("auto: %1 thread%2 (of %3 cores; the free ones less one for the window)")
        .arg(jobThreads())
        .arg(jobThreads() == 1 ? "" : "s")
        .arg(resolveThreadCount(0));
}

}  // namespace cw
