#pragma once
/// @file Sequential reading of files that may be gzip- or bzip2-compressed (detected from the
/// magic bytes, not the extension), so that large collections stream without being unpacked.

#include <cstddef>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

namespace cw {

/// Reads a plain, gzip or bzip2 file front to back. Not thread-safe; movable.
class CompressedInput {
public:
    /// Opens `path`. Throws IoError naming the file if it cannot be opened.
    explicit CompressedInput(const std::string& path);
    ~CompressedInput();
    CompressedInput(CompressedInput&&) noexcept;
    CompressedInput& operator=(CompressedInput&&) noexcept;

    /// Reads up to `n` bytes into `buffer`; returns 0 only at the end of the data.
    /// Throws IoError naming the file on a corrupt or truncated compressed stream.
    std::size_t read(char* buffer, std::size_t n);

    const std::string& path() const;
    /// "plain", "gzip" or "bzip2".
    const char* compression() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// A std::streambuf over CompressedInput, for parsers that read std::istream. Decompression
/// errors are rethrown from the stream's read calls as IoError (the istream is configured
/// with exceptions for badbit by CompressedIStream).
class CompressedStreamBuf : public std::streambuf {
public:
    explicit CompressedStreamBuf(const std::string& path, std::size_t bufferSize = 1 << 16);

protected:
    int_type underflow() override;

private:
    CompressedInput m_input;
    std::string m_buffer;
};

/// std::istream over a possibly compressed file.
class CompressedIStream : public std::istream {
public:
    explicit CompressedIStream(const std::string& path);

private:
    CompressedStreamBuf m_buffer;
};

/// Whole decompressed content of a (small) file. Throws IoError.
std::string readDecompressed(const std::string& path);

}  // namespace cw
