#pragma once
/// @file A read-only memory map of a whole file (POSIX mmap), so large data-set shards are read
/// on demand by the page cache instead of into process memory.

#include <cstddef>
#include <string>

namespace cw {

/// A file mapped read-only for the lifetime of the object. If the file is truncated while
/// mapped, touching the lost pages raises SIGBUS: readers check the size first.
class MappedFile {
public:
    /// Maps `path`. Throws IoError (cannot open, stat or map). An empty file maps to
    /// data() == nullptr, size() == 0.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const unsigned char* data() const { return m_data; }
    std::size_t size() const { return m_size; }  ///< bytes, at the time of mapping
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    const unsigned char* m_data = nullptr;
    std::size_t m_size = 0;
};

}  // namespace cw
