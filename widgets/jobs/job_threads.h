#pragma once
// How many CPU threads the window's LibTorch jobs (training, sampling, generation, property
// models) use: the Run ▸ CPU Threads setting, kept in QSettings. "Auto" takes the cores free
// of other work less one for the window's event loop, read when each job starts.

#include <QString>

namespace cw {

/// The setting: 0 for auto, else a thread count.
int jobThreadsSetting();
void setJobThreadsSetting(int threads);
/// The thread count for a job starting now (never 0).
int jobThreads();
/// E.g. "auto: 3 threads (of 8 cores)" or "4 threads (set in Run ▸ CPU Threads)".
QString jobThreadsDescription();

}  // namespace cw
