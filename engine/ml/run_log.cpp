#include "ml/run_log.h"

#include <utility>

#include "core/error.h"

namespace cw::ml {

RunLog::RunLog(const std::string& runDir, std::function<void(const std::string&)> forward)
    : m_file(runDir + "/train.log", std::ios::app), m_forward(std::move(forward)) {}

void RunLog::line(const std::string& text) {
    m_file << text << '\n';
    m_file.flush();
    if (m_forward) m_forward(text);
}

void recordRunFailure(const std::string& runDir, RunStatus status, RunLog& log, const std::exception& error,
                      const std::string& what) {
    std::string message = error.what();
    if (auto newline = message.find('\n'); newline != std::string::npos) message.resize(newline);
    status.state = RunState::Failed;
    status.message = message;
    try {
        writeRunStatus(runDir, status);
        log.line("failed: " + message);
    } catch (...) {
    }
    if (dynamic_cast<const Error*>(&error)) throw;
    throw Error(what + " failed: " + message);
}

}  // namespace cw::ml
