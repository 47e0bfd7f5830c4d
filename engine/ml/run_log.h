#pragma once
/// @file What a training run (diffusion or property) says as it goes: RUN/train.log, echoed to
/// the caller, and how a failure is recorded before it reaches the caller. Torch-free.

#include <exception>
#include <fstream>
#include <functional>
#include <string>

#include "ml/run_directory.h"

namespace cw::ml {

/// Appends lines to RUN/train.log (flushed at once, so a crash keeps them) and forwards each to
/// `forward` (the CLI's terminal, the GUI's log view), when set.
class RunLog {
public:
    RunLog(const std::string& runDir, std::function<void(const std::string&)> forward);
    void line(const std::string& text);

private:
    std::ofstream m_file;
    std::function<void(const std::string&)> m_forward;
};

/// Called in the handler of a run's failure: status.json says "failed" with the first line of
/// the message, the log says "failed: …", then the exception goes on: a cw::Error as it is,
/// anything else as Error("`what` failed: …"). A status or log write that fails is ignored:
/// the original error matters more.
[[noreturn]] void recordRunFailure(const std::string& runDir, RunStatus status, RunLog& log,
                                   const std::exception& error, const std::string& what);

}  // namespace cw::ml
