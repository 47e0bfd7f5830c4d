#include "eval/eval_images.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/npy.h"
#include "core/parallel.h"
#include "core/png_image.h"
#include "core/atomic_file.h"
#include "dataset/image_set.h"

namespace cw {
namespace fs = std::filesystem;

namespace {

std::string lowerExtension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

std::string shapeText(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

std::string imageShapeText(int channels, int height, int width) {
    return std::to_string(channels) + " × " + std::to_string(height) + " × " +
           std::to_string(width);
}

/// Element i of `a` in [0, 1]: integer arrays are scaled by their full range (255, 65535) as PNG
/// samples are, so that one threshold serves every input.
float npyValue(const NpyArray& a, std::size_t i) {
    switch (a.dtype) {
        case NpyDtype::Float32: return a.f32[i];
        case NpyDtype::UInt8: return a.u8[i] / 255.0f;
        case NpyDtype::UInt16: return a.u16[i] / 65535.0f;
    }
    return 0.0f;
}

/// The images of one file, named `name` (single image) or `name[k]` (items of a stack).
EvalImages readFileImages(const std::string& file, const std::string& name) {
    EvalImages images;
    const std::string ext = lowerExtension(file);
    if (ext == ".png") {
        const Image image = readPngGray(file);
        images.append(name, 1, image.rows, image.cols, image.data.data());
        return images;
    }
    if (ext != ".npy") throw FormatError(file, "", "not an image: the name must end in .npy or .png");
    const NpyArray a = readNpy(file);
    const std::vector<std::size_t>& s = a.shape;
    if (s.size() < 2 || s.size() > 4) {
        throw FormatError(file, "header",
                          "shape " + shapeText(s) +
                              " is not an image (H, W) or a stack (K, H, W) or (K, C, H, W)");
    }
    for (std::size_t d : s) {
        if (d == 0) throw FormatError(file, "header", "shape " + shapeText(s) + " holds no image");
    }
    const bool single = s.size() == 2;
    const std::size_t count = single ? 1 : s[0];
    const std::size_t channels = s.size() == 4 ? s[1] : 1;
    const std::size_t height = s[s.size() - 2], width = s.back();
    const std::size_t item = channels * height * width;
    std::vector<float> pixels(item);
    for (std::size_t k = 0; k < count; ++k) {
        for (std::size_t i = 0; i < item; ++i) pixels[i] = npyValue(a, k * item + i);
        images.append(single ? name : name + "[" + std::to_string(k) + "]",
                      static_cast<int>(channels), static_cast<int>(height),
                      static_cast<int>(width), pixels.data());
    }
    return images;
}

/// Appends `more` to `stack`, or throws FormatError naming `file` when the shapes differ (so a
/// file is taken whole or not at all).
void appendAll(const std::string& file, const EvalImages& more, EvalImages& stack,
               std::size_t maxImages = 0) {
    if (stack.count() > 0 &&
        (more.channels != stack.channels || more.height != stack.height ||
         more.width != stack.width)) {
        throw FormatError(file, "",
                          "images of " + imageShapeText(more.channels, more.height, more.width) +
                              " differ from the first images' " +
                              imageShapeText(stack.channels, stack.height, stack.width));
    }
    for (std::size_t k = 0; k < more.count(); ++k) {
        if (maxImages > 0 && stack.count() >= maxImages) break;
        stack.append(more.names[k], more.channels, more.height, more.width, more.item(k));
    }
}

EvalImages readDataset(const std::string& directory, const EvalImagesOptions& options) {
    ImageSetOptions o;
    o.split = options.split;
    o.imageSize = options.imageSize;
    o.maxItems = options.maxImages;
    const ImageSet set(directory, o);
    EvalImages images;
    images.channels = set.channels();
    images.height = images.width = set.imageSize();
    const std::size_t item = images.itemSize();
    images.pixels.resize(set.size() * item);
    images.names.resize(set.size());
    parallelFor(set.size(), 0, [&](std::size_t i) {
        float* out = images.pixels.data() + i * item;
        set.readItem(i, out);
        for (std::size_t k = 0; k < item; ++k) out[k] = 0.5f * (out[k] + 1.0f);
        images.names[i] = set.materialId(i);
    });
    return images;
}

/// The image files of a folder: samples.npy alone when present (`cwb diffusion sample`), else
/// the .npy files, else the .png files, each in name order. PNGs beside .npy files are taken
/// for previews of the same images (sample-NNNNN.png, grid.png) and not read.
std::vector<fs::path> folderImageFiles(const fs::path& directory) {
    if (fs::is_regular_file(directory / "samples.npy")) return {directory / "samples.npy"};
    std::vector<fs::path> npy, png;
    for (const auto& entry : fs::directory_iterator(directory)) {
        if (!entry.is_regular_file()) continue;
        const std::string ext = lowerExtension(entry.path());
        if (ext == ".npy") npy.push_back(entry.path());
        else if (ext == ".png") png.push_back(entry.path());
    }
    std::vector<fs::path>& files = npy.empty() ? png : npy;
    std::sort(files.begin(), files.end());
    return files;
}

/// An engine message without its leading "file:" (the problem log names the file itself).
std::string withoutPath(const std::string& file, const std::string& message) {
    if (message.rfind(file, 0) != 0) return message;
    std::size_t at = file.size();
    if (at < message.size() && message[at] == ':') ++at;
    while (at < message.size() && message[at] == ' ') ++at;
    return message.substr(at);
}

}  // namespace

Image EvalImages::channelImage(std::size_t index, int channel) const {
    if (index >= count() || channel < 0 || channel >= channels) {
        throw ValueError("EvalImages: image " + std::to_string(index) + " channel " +
                         std::to_string(channel) + " is outside " + std::to_string(count()) +
                         " image(s) of " + std::to_string(channels) + " channel(s).");
    }
    Image image(height, width);
    const std::size_t plane = static_cast<std::size_t>(height) * width;
    const float* p = item(index) + static_cast<std::size_t>(channel) * plane;
    std::copy(p, p + plane, image.data.begin());
    return image;
}

void EvalImages::append(const std::string& name, int c, int h, int w, const float* data) {
    if (c <= 0 || h <= 0 || w <= 0) {
        throw ValueError("Image \"" + name + "\" has an empty shape " + imageShapeText(c, h, w) + ".");
    }
    if (count() == 0) {
        channels = c;
        height = h;
        width = w;
    } else if (c != channels || h != height || w != width) {
        throw ValueError("Image \"" + name + "\" of " + imageShapeText(c, h, w) +
                         " differs from the first image's " +
                         imageShapeText(channels, height, width) + ".");
    }
    pixels.insert(pixels.end(), data, data + itemSize());
    names.push_back(name);
}

void appendImageFile(const std::string& file, EvalImages& stack) {
    appendAll(file, readFileImages(file, file), stack);
}

EvalImages readEvalImages(const std::string& path, const EvalImagesOptions& options,
                          ProblemLog& problems) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw IoError(path, "no such file or folder");
    if (fs::is_directory(status) && fs::exists(fs::path(path) / "dataset.json")) {
        return readDataset(path, options);
    }

    const bool folder = fs::is_directory(status);
    const std::vector<fs::path> files = folder ? folderImageFiles(path) : std::vector<fs::path>{path};
    if (files.empty()) throw ValueError(path + ": the folder holds no .npy or .png images.");
    EvalImages images;
    for (const fs::path& file : files) {
        if (options.maxImages > 0 && images.count() >= options.maxImages) break;
        try {
            const EvalImages more = readFileImages(file.string(), file.filename().string());
            if (options.imageSize > 0 &&
                (more.height != options.imageSize || more.width != options.imageSize)) {
                throw FormatError(file.string(), "",
                                  "images of " + std::to_string(more.height) + " × " +
                                      std::to_string(more.width) + " px, not the requested " +
                                      std::to_string(options.imageSize) + " × " +
                                      std::to_string(options.imageSize));
            }
            appendAll(file.string(), more, images, options.maxImages);
        } catch (const Error& e) {
            // A single file given by name has nothing to fall back on: its error is the answer.
            if (!folder) throw;
            problems.add(file.string(), withoutPath(file.string(), e.what()));
        }
    }
    if (images.count() == 0) {
        throw ValueError(path + ": no image could be read (" + std::to_string(problems.count()) +
                         " file(s) skipped).");
    }
    return images;
}

std::string atomCountingWarning(double sigmaPx) {
    constexpr double kMinimumSigmaPx = 0.3;
    if (!(sigmaPx < kMinimumSigmaPx)) return {};
    const double worstPeak = std::exp(-0.25 / (2 * sigmaPx * sigmaPx));
    char text[400];
    std::snprintf(text, sizeof text,
                  "atoms are %.2f px wide (blob σ): one half a pixel off a pixel centre keeps %.0f %% of its peak, so "
                  "atoms vanish or merge and the atoms-per-slice counts, KS test and W1 are unreliable; use slices "
                  "with σ ≥ %.1f px (more pixels, a smaller window or a larger σ)",
                  sigmaPx, 100 * worstPeak, kMinimumSigmaPx);
    return text;
}

RealImageSize realImageSizeFor(const std::string& realPath, const std::string& split, const EvalImages& generated) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(std::filesystem::path(realPath) / "dataset.json", ec)) return {};
    ImageSetOptions probe;
    probe.split = split;
    const ImageSet set(realPath, probe);
    const int stored = set.imageSize(), wanted = generated.height;
    if (stored == wanted && generated.width == wanted) return {};
    if (set.kind() != ImageSetKind::EcdSlices || generated.width != wanted)
        throw ValueError(realPath + ": the data set's " + imageSetKindName(set.kind()) + " images are " +
                         std::to_string(stored) + " × " + std::to_string(stored) + " px but the generated ones " +
                         std::to_string(generated.height) + " × " + std::to_string(generated.width) +
                         " px; only square ECD slices can be resampled");
    return {wanted, "resampling the data set's " + std::to_string(stored) + " × " + std::to_string(stored) +
                        " px slices to the generated images' " + std::to_string(wanted) + " × " +
                        std::to_string(wanted) + " px"};
}

double datasetBlobSigmaPixels(const std::string& path, int imageSize) {
    double sigma = 0.25, window = 40.0;
    try {
        const nlohmann::json j = nlohmann::json::parse(readFileToString(path + "/dataset.json"));
        const nlohmann::json& p = j.at("options").at("parameters");
        sigma = p.value("sigma", sigma);
        window = p.value("window", window);
    } catch (const std::exception&) {  // not an ECD data set: the slicer's defaults
    }
    return sigma * imageSize / std::max(1e-9, window);
}

}  // namespace cw
