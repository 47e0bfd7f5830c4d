#pragma once
/// @file A set of images to evaluate (training slices or generated samples), all of one shape,
/// with values in [0, 1]. Read from a finished data set, a `.npy` file or stack, a PNG, or a
/// folder of them (such as the output folder of `cwb diffusion sample`). Torch-free.

#include <cstddef>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/problem_log.h"

namespace cw {

/// Images of one shape, CHW float32 in [0, 1], one after the other.
struct EvalImages {
    int channels = 0;
    int height = 0;
    int width = 0;
    std::vector<float> pixels;       ///< count() × channels × height × width
    std::vector<std::string> names;  ///< one per image: "file", "file[k]" or a material id

    std::size_t count() const { return names.size(); }
    std::size_t itemSize() const { return static_cast<std::size_t>(channels) * height * width; }
    const float* item(std::size_t index) const { return pixels.data() + index * itemSize(); }
    /// Channel `channel` of image `index` as an Image (a copy).
    Image channelImage(std::size_t index, int channel = 0) const;
    /// Appends an image; the first one fixes the shape. Throws ValueError for another shape.
    void append(const std::string& name, int channels, int height, int width, const float* pixels);
};

/// How to read an EvalImages.
struct EvalImagesOptions {
    /// For a data set folder: "train", "val", "test" or "all".
    std::string split = "train";
    /// Keep at most this many images (data sets: the first in table order; files: in name
    /// order); 0 = all.
    std::size_t maxImages = 0;
    /// Output side in pixels; 0 = as stored. ECD data sets are resampled as for training
    /// (ImageSetOptions::imageSize); files of another size are an error (named and skipped).
    int imageSize = 0;
};

/// Reads the images at `path`:
/// - a data set folder (has `dataset.json`): its items of the chosen split, named by material id;
/// - a `.npy` file: (H, W) one image, (K, H, W) or (K, C, H, W) a stack; float32 taken as is,
///   uint8/uint16 divided by 255/65535;
/// - a PNG (8- or 16-bit grayscale);
/// - a folder: `samples.npy` if present, else every `.npy` in it, else every `.png`, in name
///   order (PNGs beside .npy files are previews of the same samples, `cwb diffusion sample`'s
///   sample-NNNNN.png and grid.png, and would count each sample twice).
/// Files' images are named by the file name ("samples.npy[3]"). In a folder, a file that cannot
/// be read or whose shape differs from the first is added to `problems` (file and reason) and
/// skipped; a single file given by path throws its own error instead. Throws IoError when
/// `path` does not exist, FormatError / ConfigError from a data set or a single bad file, and
/// ValueError when no image could be read. Data set items are read in parallel.
EvalImages readEvalImages(const std::string& path, const EvalImagesOptions& options,
                          ProblemLog& problems);

/// The size to read the real images of `realPath` at so that they match `generated`: 0 (as
/// stored) unless `realPath` is a data set stored at another size. ECD slices are then resampled
/// to the generated size and `note` says so; any other kind (encodings are tables), or generated
/// images that are not square, is a ValueError naming both sizes. The one rule of `cwb eval` and
/// the window's evaluation.
struct RealImageSize {
    int imageSize = 0;
    std::string note;  ///< "resampling the data set's 256 × 256 px slices to … 64 × 64 px", or ""
};
RealImageSize realImageSizeFor(const std::string& realPath, const std::string& split, const EvalImages& generated);

/// The σ of a data set's blobs in output pixels: σ (Å) · imageSize / window (Å) from the slice
/// parameters in `path`/dataset.json; the slicer's defaults (0.25 Å, 40 Å) where `path` is not an
/// ECD data set (a folder of images, an encoding data set) or the file cannot be read.
double datasetBlobSigmaPixels(const std::string& path, int imageSize);

/// Why counting atoms is unreliable at blob σ `sigmaPx` (pixels), or "" when it is not: below
/// 0.3 px an atom half a pixel off a pixel centre keeps less than a quarter of its peak
/// (exp(−0.5²/2σ²)), so atoms vanish or merge and atoms-per-slice, its KS test and W1 say
/// little. (32-px slices over a 40 Å window at σ 0.25 Å: 0.2 px, a 4 % peak.)
std::string atomCountingWarning(double sigmaPx);

/// The images of one file (.npy or .png) appended to `stack`, named `file` (one image) or
/// `file[k]` (item k of a stack), `file` as given. All or nothing: throws IoError / FormatError
/// naming the file when it cannot be read or its images differ in shape from those already in
/// `stack` (used by readEvalImages and `cwb eval count`).
void appendImageFile(const std::string& file, EvalImages& stack);

}  // namespace cw
