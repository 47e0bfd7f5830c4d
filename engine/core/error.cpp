#include "core/error.h"

namespace cw {

IoError::IoError(std::string path, const std::string& reason)
    : Error(path + ": " + reason), m_path(std::move(path)) {}

namespace {
std::string formatMessage(const std::string& path, const std::string& location,
                          const std::string& reason) {
    std::string message = path.empty() ? std::string("<input>") : path;
    if (!location.empty()) message += ":" + location;
    return message + ": " + reason;
}
}  // namespace

FormatError::FormatError(std::string path, std::string location, std::string reason)
    : Error(formatMessage(path, location, reason)),
      m_path(std::move(path)),
      m_location(std::move(location)),
      m_reason(std::move(reason)) {}

}  // namespace cw
