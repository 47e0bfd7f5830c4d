#include "core/npy.h"

#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"

namespace cw {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLength = 6;
constexpr std::size_t kAlignment = 64;  // numpy ≥ 1.14 aligns the data to 64 bytes

std::string shapeText(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";
    return s + ")";
}

std::string dictText(NpyDtype dtype, const std::vector<std::size_t>& shape) {
    return std::string("{'descr': '") + npyDescr(dtype) +
           "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
}

// Version 1.0 preamble + dict padded with spaces and a final newline to `total` bytes (or to the
// next multiple of kAlignment when total is 0).
std::string headerBytes(const std::string& dict, std::size_t total = 0) {
    const std::size_t unpadded = kMagicLength + 2 + 2 + dict.size() + 1;
    if (total == 0) total = (unpadded + kAlignment - 1) / kAlignment * kAlignment;
    const std::size_t headerLength = total - kMagicLength - 4;
    if (total < unpadded || headerLength > 0xFFFF) throw ValueError("npy header too long: " + dict);
    std::string out(kMagic, kMagicLength);
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(headerLength & 0xFF);
    out += static_cast<char>((headerLength >> 8) & 0xFF);
    out += dict;
    out.append(total - unpadded, ' ');
    out += '\n';
    return out;
}

std::size_t checkedProduct(const std::vector<std::size_t>& shape) {
    std::size_t n = 1;
    for (std::size_t d : shape) {
        if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) {
            throw ValueError("npy shape " + shapeText(shape) + " has too many elements");
        }
        n *= d;
    }
    return n;
}

void appendLittleEndian(std::string& out, NpyDtype dtype, const void* data, std::size_t count) {
    const std::size_t item = npyItemSize(dtype);
    const std::size_t start = out.size();
    out.resize(start + count * item);
    std::memcpy(out.data() + start, data, count * item);
    if constexpr (std::endian::native == std::endian::big) {
        for (std::size_t i = 0; i < count; ++i) {
            char* p = out.data() + start + i * item;
            for (std::size_t a = 0, b = item - 1; a < b; ++a, --b) std::swap(p[a], p[b]);
        }
    }
}

template <typename T>
void writeTyped(const std::string& path, NpyDtype dtype, const std::vector<T>& data,
                const std::vector<std::size_t>& shape) {
    if (checkedProduct(shape) != data.size()) {
        throw ValueError("cannot write " + path + ": " + std::to_string(data.size()) +
                         " elements do not fill shape " + shapeText(shape));
    }
    writeFileAtomically(path, npyBytes(dtype, shape, data.data()));
}

// Minimal reader of the header dict that numpy writes (and that hand-written files use): the
// three keys in any order, Python literals.
struct Header {
    std::string descr;
    bool fortranOrder = false;
    std::vector<std::size_t> shape;
};

Header parseHeader(const std::string& path, const std::string& text) {
    auto fail = [&](const std::string& reason) -> FormatError {
        return FormatError(path, "header", reason + " in '" + text + "'");
    };
    auto valueAfter = [&](const std::string& key) -> std::size_t {
        for (const char quote : {'\'', '"'}) {
            const std::string quoted = std::string(1, quote) + key + quote;
            const std::size_t at = text.find(quoted);
            if (at == std::string::npos) continue;
            std::size_t p = text.find(':', at + quoted.size());
            if (p == std::string::npos) break;
            ++p;
            while (p < text.size() && text[p] == ' ') ++p;
            return p;
        }
        throw fail("no '" + key + "' key");
    };
    Header h;
    std::size_t p = valueAfter("descr");
    if (p >= text.size() || (text[p] != '\'' && text[p] != '"'))
        throw fail("descr is not a string");
    const std::size_t end = text.find(text[p], p + 1);
    if (end == std::string::npos) throw fail("unterminated descr");
    h.descr = text.substr(p + 1, end - p - 1);
    p = valueAfter("fortran_order");
    if (text.compare(p, 4, "True") == 0)
        h.fortranOrder = true;
    else if (text.compare(p, 5, "False") != 0)
        throw fail("fortran_order is not True or False");
    p = valueAfter("shape");
    if (p >= text.size() || text[p] != '(') throw fail("shape is not a tuple");
    const std::size_t close = text.find(')', p);
    if (close == std::string::npos) throw fail("unterminated shape");
    std::string inner = text.substr(p + 1, close - p - 1);
    std::size_t q = 0;
    while (q < inner.size()) {
        while (q < inner.size() && (inner[q] == ' ' || inner[q] == ',')) ++q;
        if (q >= inner.size()) break;
        std::size_t r = q;
        while (r < inner.size() && inner[r] >= '0' && inner[r] <= '9') ++r;
        if (r == q) throw fail("shape entry is not a non-negative integer");
        // Python ints may carry an L suffix in files written by Python 2.
        h.shape.push_back(static_cast<std::size_t>(std::stoull(inner.substr(q, r - q))));
        q = r;
        if (q < inner.size() && inner[q] == 'L') ++q;
    }
    return h;
}

template <typename T>
T loadElement(const unsigned char* p, bool swap) {
    unsigned char bytes[sizeof(T)];
    std::memcpy(bytes, p, sizeof(T));
    if (swap)
        for (std::size_t a = 0, b = sizeof(T) - 1; a < b; ++a, --b) std::swap(bytes[a], bytes[b]);
    T v;
    std::memcpy(&v, bytes, sizeof(T));
    return v;
}

}  // namespace

const char* npyDescr(NpyDtype dtype) {
    switch (dtype) {
        case NpyDtype::Float32:
            return "<f4";
        case NpyDtype::UInt8:
            return "|u1";
        case NpyDtype::UInt16:
            return "<u2";
    }
    return "";
}

std::size_t npyItemSize(NpyDtype dtype) {
    switch (dtype) {
        case NpyDtype::Float32:
            return 4;
        case NpyDtype::UInt8:
            return 1;
        case NpyDtype::UInt16:
            return 2;
    }
    return 0;
}

std::size_t NpyArray::elementCount() const {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
}

std::string npyBytes(NpyDtype dtype, const std::vector<std::size_t>& shape, const void* data) {
    const std::size_t count = checkedProduct(shape);
    std::string out = headerBytes(dictText(dtype, shape));
    out.reserve(out.size() + count * npyItemSize(dtype));
    appendLittleEndian(out, dtype, data, count);
    return out;
}

void writeNpy(const std::string& path, const std::vector<float>& data,
              const std::vector<std::size_t>& shape) {
    writeTyped(path, NpyDtype::Float32, data, shape);
}
void writeNpy(const std::string& path, const std::vector<std::uint8_t>& data,
              const std::vector<std::size_t>& shape) {
    writeTyped(path, NpyDtype::UInt8, data, shape);
}
void writeNpy(const std::string& path, const std::vector<std::uint16_t>& data,
              const std::vector<std::size_t>& shape) {
    writeTyped(path, NpyDtype::UInt16, data, shape);
}
void writeNpy(const std::string& path, const Image& image) {
    writeTyped(path, NpyDtype::Float32, image.data,
               {static_cast<std::size_t>(image.rows), static_cast<std::size_t>(image.cols)});
}

std::size_t NpyHeader::elementCount() const {
    return checkedProduct(shape);
}

NpyHeader parseNpyHeader(const std::string& path, std::string_view bytes) {
    if (bytes.size() < 10 ||
        bytes.compare(0, kMagicLength, std::string_view(kMagic, kMagicLength)) != 0) {
        throw FormatError(path, "header", "not a .npy file (no \\x93NUMPY magic)");
    }
    const int major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLength = 0, offset = 0;
    if (major == 1) {
        headerLength = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9])
                                                                  << 8;
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw FormatError(path, "header", "truncated header");
        for (int i = 3; i >= 0; --i)
            headerLength = headerLength << 8 | static_cast<unsigned char>(bytes[8 + i]);
        offset = 12;
    } else {
        throw FormatError(path, "header", "unsupported .npy version " + std::to_string(major));
    }
    if (bytes.size() < offset + headerLength) throw FormatError(path, "header", "truncated header");
    const Header h = parseHeader(path, std::string(bytes.substr(offset, headerLength)));
    if (h.fortranOrder) throw FormatError(path, "header", "Fortran-order arrays are not supported");

    NpyHeader header;
    header.shape = h.shape;
    header.dataOffset = offset + headerLength;
    try {
        checkedProduct(h.shape);
    } catch (const ValueError& e) {
        throw FormatError(path, "header", e.what());
    }
    const std::string& d = h.descr;
    if (d.size() != 3) throw FormatError(path, "header", "unsupported dtype '" + d + "'");
    const bool little =
        d[0] == '<' || d[0] == '|' || (d[0] == '=' && std::endian::native == std::endian::little);
    header.byteSwapped = little != (std::endian::native == std::endian::little);
    const std::string kind = d.substr(1);
    if (kind == "f4")
        header.itemSize = 4, header.dtype = NpyDtype::Float32;
    else if (kind == "f8")
        header.itemSize = 8, header.dtype = NpyDtype::Float32;
    else if (kind == "u1")
        header.itemSize = 1, header.dtype = NpyDtype::UInt8, header.byteSwapped = false;
    else if (kind == "u2")
        header.itemSize = 2, header.dtype = NpyDtype::UInt16;
    else
        throw FormatError(path, "header",
                          "unsupported dtype '" + d + "' (float32, float64, uint8, uint16)");
    return header;
}

NpyHeader readNpyHeader(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw IoError(path, "cannot open for reading");
    // Version 1 headers are at most 10 + 65535 bytes; later versions may be longer (rare).
    std::string bytes(12, '\0');
    std::size_t got = std::fread(bytes.data(), 1, bytes.size(), f);
    std::size_t need = 0;
    if (got >= 12 && bytes.compare(0, kMagicLength, kMagic, kMagicLength) == 0) {
        const int major = static_cast<unsigned char>(bytes[6]);
        if (major == 1) {
            need = 10 + (static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9])
                                                                    << 8);
        } else {
            for (int i = 3; i >= 0; --i)
                need = need << 8 | static_cast<unsigned char>(bytes[8 + i]);
            need += 12;
        }
        if (need > got && need < (std::size_t{1} << 26)) {
            bytes.resize(need);
            got += std::fread(bytes.data() + got, 1, need - got, f);
        }
    }
    const bool readError = std::ferror(f) != 0;
    std::fclose(f);
    if (readError) throw IoError(path, "read error");
    bytes.resize(got);
    return parseNpyHeader(path, bytes);
}

NpyArray readNpy(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw IoError(path, "cannot open for reading");
    std::string bytes;
    char buffer[1 << 16];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) bytes.append(buffer, n);
    const bool readError = std::ferror(f) != 0;
    std::fclose(f);
    if (readError) throw IoError(path, "read error");

    const NpyHeader h = parseNpyHeader(path, bytes);
    NpyArray array;
    array.shape = h.shape;
    array.dtype = h.dtype;
    const std::size_t count = h.elementCount();
    const std::size_t item = h.itemSize;
    const std::size_t offset = h.dataOffset;
    const bool swap = h.byteSwapped;
    if ((bytes.size() - offset) / item < count) {
        throw FormatError(path, "data",
                          "file holds " + std::to_string((bytes.size() - offset) / item) +
                              " elements, the shape needs " + std::to_string(count));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + offset);
    if (h.dtype == NpyDtype::Float32 && item == 4) {
        array.f32.resize(count);
        for (std::size_t i = 0; i < count; ++i) array.f32[i] = loadElement<float>(p + 4 * i, swap);
    } else if (h.dtype == NpyDtype::Float32) {
        array.f32.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            array.f32[i] = static_cast<float>(loadElement<double>(p + 8 * i, swap));
    } else if (h.dtype == NpyDtype::UInt8) {
        array.u8.assign(p, p + count);
    } else {
        array.u16.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            array.u16[i] = loadElement<std::uint16_t>(p + 2 * i, swap);
    }
    return array;
}

Image readNpyImage(const std::string& path) {
    const NpyArray a = readNpy(path);
    if (a.shape.size() != 2) {
        throw FormatError(path, "header",
                          "expected a 2-D array, found " + std::to_string(a.shape.size()) + "-D");
    }
    Image image(static_cast<int>(a.shape[0]), static_cast<int>(a.shape[1]));
    switch (a.dtype) {
        case NpyDtype::Float32:
            image.data = a.f32;
            break;
        case NpyDtype::UInt8:
            image.data.assign(a.u8.begin(), a.u8.end());
            break;
        case NpyDtype::UInt16:
            image.data.assign(a.u16.begin(), a.u16.end());
            break;
    }
    return image;
}

// --- NpyStackWriter ------------------------------------------------------------------------

namespace {
std::vector<std::size_t> stackShape(std::size_t count, const std::vector<std::size_t>& item) {
    std::vector<std::size_t> shape{count};
    shape.insert(shape.end(), item.begin(), item.end());
    return shape;
}
// Room for the largest count any file can hold, so the final header always fits.
std::size_t reservedHeaderSize(NpyDtype dtype, const std::vector<std::size_t>& item) {
    return headerBytes(dictText(dtype, stackShape(std::numeric_limits<std::size_t>::max(), item)))
        .size();
}
}  // namespace

NpyStackWriter::NpyStackWriter(std::string path, NpyDtype dtype, std::vector<std::size_t> itemShape)
    : m_path(std::move(path)), m_dtype(dtype), m_itemShape(std::move(itemShape)) {
    if (m_itemShape.empty()) throw ValueError("npy stack " + m_path + ": empty item shape");
    m_itemBytes = checkedProduct(m_itemShape) * npyItemSize(m_dtype);
    const std::filesystem::path parent = std::filesystem::path(m_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    m_out.open(m_path + ".part", std::ios::binary | std::ios::trunc);
    if (!m_out) throw IoError(m_path + ".part", "cannot create");
    const std::string header = headerBytes(dictText(m_dtype, stackShape(0, m_itemShape)),
                                           reservedHeaderSize(m_dtype, m_itemShape));
    m_out.write(header.data(), static_cast<std::streamsize>(header.size()));
}

NpyStackWriter::~NpyStackWriter() {
    if (!m_finished) {
        m_out.close();
        std::error_code ec;
        std::filesystem::remove(m_path + ".part", ec);
    }
}

void NpyStackWriter::append(const void* item) {
    std::string bytes;
    appendLittleEndian(bytes, m_dtype, item, m_itemBytes / npyItemSize(m_dtype));
    m_out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!m_out) throw IoError(m_path + ".part", "write failed (disk full?)");
    ++m_count;
}

void NpyStackWriter::append(const Image& image) {
    if (m_dtype != NpyDtype::Float32 || m_itemShape.size() != 2 ||
        m_itemShape[0] != static_cast<std::size_t>(image.rows) ||
        m_itemShape[1] != static_cast<std::size_t>(image.cols)) {
        throw ValueError("npy stack " + m_path + ": image " + std::to_string(image.rows) + " × " +
                         std::to_string(image.cols) + " does not match the item shape " +
                         shapeText(m_itemShape) + " " + npyDescr(m_dtype));
    }
    append(image.data.data());
}

void NpyStackWriter::finish() {
    if (m_finished) return;
    const std::string header = headerBytes(dictText(m_dtype, stackShape(m_count, m_itemShape)),
                                           reservedHeaderSize(m_dtype, m_itemShape));
    m_out.seekp(0);
    m_out.write(header.data(), static_cast<std::streamsize>(header.size()));
    m_out.flush();
    if (!m_out) throw IoError(m_path + ".part", "write failed");
    m_out.close();
    std::error_code ec;
    std::filesystem::rename(m_path + ".part", m_path, ec);
    if (ec) throw IoError(m_path, "cannot rename the finished file into place: " + ec.message());
    m_finished = true;
}

}  // namespace cw
