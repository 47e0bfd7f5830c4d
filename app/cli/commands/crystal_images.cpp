#include "commands/crystal_images.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "core/npy.h"
#include "dataset/image_set.h"
#include "encoding/crystens.h"
#include "encoding/xtal2png.h"

namespace cw::cli {
namespace {

namespace fs = std::filesystem;
constexpr int kSide = 64;

/// One image (channels first, values in [0, 1]) decoded; a crystal without sites when it fails.
GeneratedCrystal decodeImage(const float* pixels, int channels, const std::string& id,
                             const ImageDecodeSettings& settings, std::size_t* undecodable) {
    try {
        DecodedCrystal decoded;
        if (channels == 4) {
            const std::vector<float> planes(pixels, pixels + 4 * kSide * kSide);
            CrysTensDecodeOptions options;
            options.symmetrizeTolerance = settings.symmetrizeA;
            decoded = decodeCrysTens(crysTensFromChannelsFirst(planes, true), options);
        } else {
            Xtal2PngImage image;
            image.side = kSide;
            for (int k = 0; k < kSide * kSide; ++k) {
                const float v = std::clamp(pixels[k], 0.0f, 1.0f);
                image.pixels.push_back(static_cast<std::uint8_t>(std::lround(v * 255.0f)));
            }
            Xtal2PngDecodeOptions options;
            options.symmetrizeTolerance = settings.symmetrizeA;
            options.refine = settings.refine;
            decoded = decodeXtal2Png(image, options);
        }
        decoded.structure.setId(id);
        return toGeneratedCrystal(decoded.structure);
    } catch (const Error& e) {
        std::fprintf(stderr, "cwb: %s cannot be decoded: %s\n", id.c_str(), e.what());
        ++*undecodable;
        GeneratedCrystal none;
        none.id = id;
        return none;
    }
}

std::vector<GeneratedCrystal> fromNpy(const std::string& path, const ImageDecodeSettings& settings,
                                      std::size_t* undecodable) {
    const NpyArray array = readNpy(path);
    std::vector<std::size_t> shape = array.shape;
    if (shape.size() == 3) shape.insert(shape.begin(), 1);
    if (shape.size() != 4 || (shape[1] != 4 && shape[1] != 1) || shape[2] != kSide ||
        shape[3] != kSide || array.dtype != NpyDtype::Float32) {
        std::string text;
        for (std::size_t d : array.shape) text += (text.empty() ? "" : " × ") + std::to_string(d);
        throw FormatError(path, "header",
                          "expected float images N × 4 × 64 × 64 (CrysTens) or N × 1 × 64 × 64 "
                          "(xtal2png) in [0, 1], got " + text);
    }
    const int channels = int(shape[1]);
    const std::size_t item = std::size_t(channels) * kSide * kSide;
    std::vector<GeneratedCrystal> crystals;
    for (std::size_t i = 0; i < shape[0]; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "sample-%05zu", i);
        crystals.push_back(
            decodeImage(array.f32.data() + i * item, channels, id, settings, undecodable));
    }
    return crystals;
}

std::vector<GeneratedCrystal> fromDataSet(const std::string& directory,
                                          const ImageDecodeSettings& settings,
                                          std::size_t* undecodable) {
    ImageSetOptions options;
    options.split = "all";
    const ImageSet set(directory, options);
    if (set.kind() == ImageSetKind::EcdSlices) {
        throw ConfigError(directory + " is an ECD slice data set: its images are slices, not "
                                      "crystals (use a CrysTens or xtal2png data set)");
    }
    std::vector<float> pixels(std::size_t(set.channels()) * set.imageSize() * set.imageSize());
    std::vector<GeneratedCrystal> crystals;
    for (std::size_t i = 0; i < set.size(); ++i) {
        set.readItem(i, pixels.data());
        for (float& v : pixels) v = (v + 1.0f) * 0.5f;  // readItem gives [−1, 1]
        crystals.push_back(
            decodeImage(pixels.data(), set.channels(), set.materialId(i), settings, undecodable));
    }
    return crystals;
}

}  // namespace

std::optional<std::vector<GeneratedCrystal>> readCrystalImages(const std::string& path,
                                                               const ImageDecodeSettings& settings,
                                                               std::size_t* undecodable) {
    if (settings.symmetrizeA < 0) throw ConfigError("--symmetrize needs a positive tolerance in Å");
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (fs::is_regular_file(fs::path(path) / "dataset.json")) {
            return fromDataSet(path, settings, undecodable);
        }
        if (fs::is_regular_file(fs::path(path) / "samples.npy")) {
            return fromNpy((fs::path(path) / "samples.npy").string(), settings, undecodable);
        }
        return std::nullopt;
    }
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0) {
        return fromNpy(path, settings, undecodable);
    }
    return std::nullopt;
}

}  // namespace cw::cli
