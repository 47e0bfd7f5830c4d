#pragma once
/// @file NumPy .npy files (format version 1.0, C order, little-endian), the exchange format of
/// ECD slices and data sets: exactly what numpy.load reads. Format: numpy's
/// `numpy/lib/format.py` ("NEP 1"): magic "\x93NUMPY", version, header length, a Python dict
/// literal {'descr', 'fortran_order', 'shape'} padded with spaces to a multiple of 64 bytes.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/image.h"

namespace cw {

/// The element types the engine writes and reads.
enum class NpyDtype { Float32, UInt8, UInt16 };

/// numpy's descr string of a dtype: "<f4", "|u1", "<u2".
const char* npyDescr(NpyDtype dtype);
/// Bytes per element (4, 1, 2).
std::size_t npyItemSize(NpyDtype dtype);

/// An array read from a .npy file: the dtype, the shape (C order), and the elements in exactly
/// one of the three vectors (the one matching dtype).
struct NpyArray {
    NpyDtype dtype = NpyDtype::Float32;
    std::vector<std::size_t> shape;
    std::vector<float> f32;
    std::vector<std::uint8_t> u8;
    std::vector<std::uint16_t> u16;

    /// Product of the shape (1 for a 0-d array).
    std::size_t elementCount() const;
};

/// The complete bytes of a .npy file holding `shape` elements of `dtype` at `data` (host order;
/// written little-endian). Throws ValueError if the shape product overflows.
std::string npyBytes(NpyDtype dtype, const std::vector<std::size_t>& shape, const void* data);

/// Write an array (atomically). The element count must match the shape product.
/// Throws ValueError (count mismatch), IoError.
void writeNpy(const std::string& path, const std::vector<float>& data,
              const std::vector<std::size_t>& shape);
void writeNpy(const std::string& path, const std::vector<std::uint8_t>& data,
              const std::vector<std::size_t>& shape);
void writeNpy(const std::string& path, const std::vector<std::uint16_t>& data,
              const std::vector<std::size_t>& shape);
/// An image as a (rows, cols) float32 array.
void writeNpy(const std::string& path, const Image& image);

/// The header of a .npy file: what a memory-mapped reader needs to find the elements.
struct NpyHeader {
    NpyDtype dtype = NpyDtype::Float32;  ///< Float32 also for float64 files (see itemSize)
    std::size_t itemSize = 4;            ///< bytes per element in the file (8 for float64)
    bool byteSwapped = false;            ///< the elements are in the other byte order than ours
    std::vector<std::size_t> shape;      ///< C order
    std::size_t dataOffset = 0;          ///< bytes from the start of the file to element 0

    /// Product of the shape (1 for a 0-d array). Throws ValueError on overflow.
    std::size_t elementCount() const;
};

/// Parses the header at the start of a .npy file's bytes (`bytes` need only hold the header).
/// Accepts what readNpy accepts. Throws FormatError (path, "header", reason). Thread-safe.
NpyHeader parseNpyHeader(const std::string& path, std::string_view bytes);
/// Reads just the header of a .npy file. Throws IoError (cannot open), FormatError.
NpyHeader readNpyHeader(const std::string& path);

/// Reads a .npy file of version 1.x, 2.x or 3.x with dtype float32, float64 (converted to
/// float32), uint8 or uint16, either byte order, C order. Throws IoError (cannot open),
/// FormatError (file, "header" or "data", reason) for anything else.
NpyArray readNpy(const std::string& path);

/// Reads a 2-D float array (float32, float64, uint8 or uint16: integers are converted to float
/// unscaled) as an Image. Throws as readNpy, and FormatError if the array is not 2-D.
Image readNpyImage(const std::string& path);

/// Writes a stacked array (K, d1, d2, …) one item of shape (d1, d2, …) at a time, when K is not
/// known in advance (data sets). The header is reserved at open with room for any K and
/// rewritten by finish(); the data go to `path + ".part"`, renamed to `path` by finish(), so an
/// interrupted run never leaves a truncated file under the final name. Not thread-safe.
class NpyStackWriter {
public:
    /// Throws IoError if the temporary file cannot be created, ValueError for an empty shape.
    NpyStackWriter(std::string path, NpyDtype dtype, std::vector<std::size_t> itemShape);
    ~NpyStackWriter();  ///< removes the temporary file if finish() was not called
    NpyStackWriter(const NpyStackWriter&) = delete;
    NpyStackWriter& operator=(const NpyStackWriter&) = delete;

    /// Appends one item of itemShape's element count (elements of the writer's dtype).
    /// Throws IoError on a write failure.
    void append(const void* item);
    void append(const Image& image);  ///< Float32 writers only; shape must match (ValueError)
    std::size_t count() const { return m_count; }
    /// Writes the final header and renames the file into place. Throws IoError.
    void finish();

private:
    std::string m_path;
    NpyDtype m_dtype;
    std::vector<std::size_t> m_itemShape;
    std::size_t m_itemBytes = 0;
    std::size_t m_count = 0;
    std::ofstream m_out;
    bool m_finished = false;
};

}  // namespace cw
