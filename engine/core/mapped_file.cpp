#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace cw {

MappedFile::MappedFile(const std::string& path) : m_path(path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw IoError(path, std::string("cannot open for reading: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw IoError(path, std::string("cannot stat: ") + std::strerror(e));
    }
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            const int e = errno;
            ::close(fd);
            throw IoError(path, std::string("cannot memory-map: ") + std::strerror(e));
        }
        m_data = static_cast<const unsigned char*>(p);
    }
    ::close(fd);  // the mapping keeps its own reference to the file
}

MappedFile::~MappedFile() {
    if (m_data) ::munmap(const_cast<unsigned char*>(m_data), m_size);
}

}  // namespace cw
