#pragma once
/// @file Typed errors of the engine. Every message is a complete sentence a user can act on:
/// it names the file, the line or entry, and the reason.

#include <stdexcept>
#include <string>

namespace cw {

/// Base of every error the engine throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A file could not be opened, read, decompressed or written.
class IoError : public Error {
public:
    IoError(std::string path, const std::string& reason);
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

/// Malformed content. `location` is e.g. "line 12" or "entry 17 (mp-1234)"; may be empty.
class FormatError : public Error {
public:
    FormatError(std::string path, std::string location, std::string reason);
    const std::string& path() const { return m_path; }
    const std::string& location() const { return m_location; }
    const std::string& reason() const { return m_reason; }

private:
    std::string m_path;
    std::string m_location;
    std::string m_reason;
};

/// A value that makes no physical sense (zero cell volume, collinear picks, NaN coordinates).
class ValueError : public Error {
public:
    using Error::Error;
};

/// Invalid options or configuration (unknown option value, conflicting settings).
class ConfigError : public Error {
public:
    using Error::Error;
};

}  // namespace cw
