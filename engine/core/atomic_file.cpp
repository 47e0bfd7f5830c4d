#include "core/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "core/error.h"

namespace cw {

void writeFileAtomically(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    std::error_code ec;
    if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
    // The pid keeps concurrent writers (shards, threads of other processes) apart.
    const std::string temporary = path + ".tmp." + std::to_string(::getpid());
    {
        std::FILE* file = std::fopen(temporary.c_str(), "wb");
        if (!file) throw IoError(path, std::string("cannot create file: ") + std::strerror(errno));
        const bool ok = std::fwrite(content.data(), 1, content.size(), file) == content.size() &&
                        std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
        const int savedErrno = errno;
        std::fclose(file);
        if (!ok) {
            std::remove(temporary.c_str());
            throw IoError(path, std::string("write failed: ") + std::strerror(savedErrno));
        }
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        std::remove(temporary.c_str());
        throw IoError(path, "cannot rename temporary file into place: " + ec.message());
    }
}

std::string readFileToString(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path, std::string("cannot open file: ") + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw IoError(path, "read failed");
    return buffer.str();
}

}  // namespace cw
