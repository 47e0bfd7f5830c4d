#include "core/compressed_input.h"

#include <bzlib.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace cw {
namespace {

enum class Compression { Plain, Gzip, Bzip2 };

constexpr std::size_t kInputChunk = 1 << 16;

}  // namespace

struct CompressedInput::Impl {
    std::string path;
    Compression compression = Compression::Plain;
    std::FILE* file = nullptr;
    bool fileEof = false;

    // Raw bytes read from the file and not yet consumed: [inBegin, inEnd) of inBuffer.
    std::vector<char> inBuffer = std::vector<char>(kInputChunk);
    std::size_t inBegin = 0;
    std::size_t inEnd = 0;

    // One decoder per member: gzip and bzip2 files may hold several streams back to back
    // (`cat a.gz b.gz`, pbzip2 output), which together are one file's content.
    z_stream zlib{};
    bz_stream bzip{};
    bool decoderActive = false;
    bool memberEnded = false;  ///< a member finished; another may follow
    bool finished = false;

    ~Impl() {
        endDecoder();
        if (file) std::fclose(file);
    }

    std::size_t available() const { return inEnd - inBegin; }

    /// Appends raw bytes after the unconsumed ones; returns the number read (0 at end of file).
    std::size_t fill() {
        if (fileEof) return 0;
        if (inBegin > 0) {
            std::memmove(inBuffer.data(), inBuffer.data() + inBegin, available());
            inEnd -= inBegin;
            inBegin = 0;
        }
        if (inEnd == inBuffer.size()) return 0;
        const std::size_t got =
            std::fread(inBuffer.data() + inEnd, 1, inBuffer.size() - inEnd, file);
        if (got == 0) {
            if (std::ferror(file)) {
                throw IoError(path, std::string("read failed: ") + std::strerror(errno));
            }
            fileEof = true;
        }
        inEnd += got;
        return got;
    }

    /// Ensures at least `n` unconsumed bytes if the file has them.
    void fillAtLeast(std::size_t n) {
        while (available() < n && fill() > 0) {
        }
    }

    bool startsWith(const char* magic, std::size_t n) const {
        return available() >= n && std::memcmp(inBuffer.data() + inBegin, magic, n) == 0;
    }

    const char* name() const {
        switch (compression) {
            case Compression::Gzip:
                return "gzip";
            case Compression::Bzip2:
                return "bzip2";
            case Compression::Plain:
                break;
        }
        return "plain";
    }

    void startDecoder() {
        if (compression == Compression::Gzip) {
            zlib = z_stream{};
            // 16 + MAX_WBITS: gzip wrapper only, so a zlib or raw stream is reported as corrupt.
            if (inflateInit2(&zlib, 16 + MAX_WBITS) != Z_OK) {
                throw IoError(path, "cannot initialise gzip decompression (out of memory)");
            }
        } else {
            bzip = bz_stream{};
            if (BZ2_bzDecompressInit(&bzip, 0, 0) != BZ_OK) {
                throw IoError(path, "cannot initialise bzip2 decompression (out of memory)");
            }
        }
        decoderActive = true;
        memberEnded = false;
    }

    void endDecoder() {
        if (!decoderActive) return;
        if (compression == Compression::Gzip)
            inflateEnd(&zlib);
        else
            BZ2_bzDecompressEnd(&bzip);
        decoderActive = false;
    }

    /// One decoder step from the unconsumed input into out[0, n). Returns bytes produced; sets
    /// `consumed` and `streamEnd`. Throws IoError on corrupt data.
    std::size_t step(char* out, std::size_t n, std::size_t& consumed, bool& streamEnd) {
        char* in = inBuffer.data() + inBegin;
        const std::size_t inCount = available();
        streamEnd = false;
        if (compression == Compression::Gzip) {
            zlib.next_in = reinterpret_cast<Bytef*>(in);
            zlib.avail_in = static_cast<uInt>(inCount);
            zlib.next_out = reinterpret_cast<Bytef*>(out);
            zlib.avail_out = static_cast<uInt>(n);
            const int rc = inflate(&zlib, Z_NO_FLUSH);
            consumed = inCount - zlib.avail_in;
            const std::size_t produced = n - zlib.avail_out;
            if (rc == Z_STREAM_END)
                streamEnd = true;
            else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                throw IoError(path, std::string("corrupt gzip stream: ") +
                                        (zlib.msg ? zlib.msg : "error " + std::to_string(rc)));
            }
            return produced;
        }
        bzip.next_in = in;
        bzip.avail_in = static_cast<unsigned>(inCount);
        bzip.next_out = out;
        bzip.avail_out = static_cast<unsigned>(n);
        const int rc = BZ2_bzDecompress(&bzip);
        consumed = inCount - bzip.avail_in;
        const std::size_t produced = n - bzip.avail_out;
        if (rc == BZ_STREAM_END)
            streamEnd = true;
        else if (rc == BZ_DATA_ERROR || rc == BZ_DATA_ERROR_MAGIC) {
            throw IoError(path, "corrupt bzip2 stream: data integrity error");
        } else if (rc != BZ_OK) {
            throw IoError(path, "bzip2 decompression failed (error " + std::to_string(rc) + ")");
        }
        return produced;
    }

    std::string pendingError;  ///< set once the stream is found damaged

    std::size_t readCompressed(char* out, std::size_t n) {
        const bool gzip = compression == Compression::Gzip;
        const char* magic = gzip ? "\x1f\x8b" : "BZh";
        const std::size_t magicSize = gzip ? 2 : 3;
        if (!pendingError.empty()) throw IoError(path, pendingError);
        std::size_t produced = 0;
        // Bound each step so that the int-sized counters of zlib and libbz2 cannot overflow.
        constexpr std::size_t kMaxStep = 1u << 30;
        while (produced < n && !finished) {
            if (memberEnded) {
                endDecoder();
                fillAtLeast(magicSize);
                // Like gzip(1), bytes after a complete member that do not start another one
                // are trailing garbage (often zero padding) and are ignored.
                if (!startsWith(magic, magicSize)) {
                    finished = true;
                    break;
                }
                startDecoder();
            }
            if (available() == 0) fill();
            std::size_t consumed = 0;
            bool streamEnd = false;
            const std::size_t chunk = std::min(n - produced, kMaxStep);
            const std::size_t got = step(out + produced, chunk, consumed, streamEnd);
            inBegin += consumed;
            produced += got;
            if (streamEnd) {
                memberEnded = true;
                continue;
            }
            if (got == 0 && consumed == 0) {
                // No progress: the decoder needs more input. None left means the file ends
                // inside a stream; a full buffer it cannot use means garbage.
                if (fill() == 0) {
                    pendingError = available() == 0
                                       ? std::string("truncated ") + name() +
                                             " stream (the file ends in the middle of the data)"
                                       : std::string("corrupt ") + name() + " stream";
                    // Hand over what was decoded before the damage; the next call throws.
                    if (produced > 0) return produced;
                    throw IoError(path, pendingError);
                }
            }
        }
        return produced;
    }

    std::size_t readPlain(char* out, std::size_t n) {
        std::size_t produced = 0;
        if (available() > 0) {
            produced = std::min(n, available());
            std::memcpy(out, inBuffer.data() + inBegin, produced);
            inBegin += produced;
        }
        while (produced < n && !fileEof) {
            const std::size_t got = std::fread(out + produced, 1, n - produced, file);
            if (got == 0) {
                if (std::ferror(file)) {
                    throw IoError(path, std::string("read failed: ") + std::strerror(errno));
                }
                fileEof = true;
            }
            produced += got;
        }
        return produced;
    }
};

CompressedInput::CompressedInput(const std::string& path) : m_impl(std::make_unique<Impl>()) {
    m_impl->path = path;
    m_impl->file = std::fopen(path.c_str(), "rb");
    if (!m_impl->file)
        throw IoError(path, std::string("cannot open file: ") + std::strerror(errno));
    // The magic bytes decide, not the extension: ".gz" files that are plain text exist, and
    // so do compressed files without an extension.
    m_impl->fillAtLeast(3);
    if (m_impl->startsWith("\x1f\x8b", 2))
        m_impl->compression = Compression::Gzip;
    else if (m_impl->startsWith("BZh", 3))
        m_impl->compression = Compression::Bzip2;
    if (m_impl->compression != Compression::Plain) m_impl->startDecoder();
}

CompressedInput::~CompressedInput() = default;
CompressedInput::CompressedInput(CompressedInput&&) noexcept = default;
CompressedInput& CompressedInput::operator=(CompressedInput&&) noexcept = default;

std::size_t CompressedInput::read(char* buffer, std::size_t n) {
    if (n == 0) return 0;
    if (m_impl->compression == Compression::Plain) return m_impl->readPlain(buffer, n);
    return m_impl->readCompressed(buffer, n);
}

const std::string& CompressedInput::path() const {
    return m_impl->path;
}

const char* CompressedInput::compression() const {
    return m_impl->name();
}

CompressedStreamBuf::CompressedStreamBuf(const std::string& path, std::size_t bufferSize)
    : m_input(path), m_buffer(bufferSize > 0 ? bufferSize : 1, '\0') {
    setg(m_buffer.data(), m_buffer.data(), m_buffer.data());
}

CompressedStreamBuf::int_type CompressedStreamBuf::underflow() {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const std::size_t got = m_input.read(m_buffer.data(), m_buffer.size());
    if (got == 0) return traits_type::eof();
    setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + got);
    return traits_type::to_int_type(*gptr());
}

CompressedIStream::CompressedIStream(const std::string& path)
    : std::istream(nullptr), m_buffer(path) {
    rdbuf(&m_buffer);
    // With badbit in the mask, the istream rethrows what underflow() threw (our IoError)
    // instead of swallowing it into a state flag.
    exceptions(std::ios::badbit);
}

std::string readDecompressed(const std::string& path) {
    CompressedInput input(path);
    std::string content;
    std::size_t size = 0;
    for (;;) {
        content.resize(size + kInputChunk);
        const std::size_t got = input.read(content.data() + size, kInputChunk);
        size += got;
        if (got == 0) break;
    }
    content.resize(size);
    return content;
}

}  // namespace cw
