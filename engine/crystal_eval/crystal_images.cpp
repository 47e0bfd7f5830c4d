#include "crystal_eval/crystal_images.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "dataset/image_set.h"

namespace cw {
namespace {

namespace fs = std::filesystem;

std::string shapeText(const std::vector<std::size_t>& shape) {
    std::string text;
    for (std::size_t d : shape) text += (text.empty() ? "" : " × ") + std::to_string(d);
    return text;
}

std::vector<GeneratedCrystal> fromNpy(const std::string& path, const EncodingDecodeSettings& settings,
                                      ProblemLog& problems) {
    const NpyArray array = readNpy(path);
    std::vector<std::size_t> shape = array.shape;
    if (shape.size() == 3) shape.insert(shape.begin(), 1);
    if (shape.size() != 4 || shape[2] != shape[3] || array.dtype != NpyDtype::Float32)
        throw FormatError(path, "header",
                          "expected float images N × C × side × side in [0, 1] (CrysTens: C = 4, "
                          "xtal2png: C = 1), got " + shapeText(array.shape));
    const int channels = static_cast<int>(shape[1]), side = static_cast<int>(shape[2]);
    std::unique_ptr<const CrystalEncoding> encoding;
    if (const auto spec = encodingBesideImages(path)) {
        encoding = makeEncoding(*spec);
    } else {
        try {
            encoding = encodingForImageShape(channels, side);
        } catch (const ConfigError& e) {  // the file's shape is the problem: name the file
            throw FormatError(path, "header", "images of " + shapeText(array.shape) + ": " + e.what());
        }
    }
    if (encoding->channels() != channels || encoding->side() != side)
        throw FormatError(path, "header",
                          "images of " + shapeText(array.shape) + " are not " + encoding->name() +
                              " items (" + std::to_string(encoding->channels()) + " × " +
                              std::to_string(encoding->side()) + " × " +
                              std::to_string(encoding->side()) + ")");
    const std::size_t item = static_cast<std::size_t>(channels) * side * side;
    std::vector<GeneratedCrystal> crystals;
    for (std::size_t i = 0; i < shape[0]; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "sample-%05zu", i);
        crystals.push_back(
            decodeCrystalImage(*encoding, array.f32.data() + i * item, id, settings, problems));
    }
    return crystals;
}

std::vector<GeneratedCrystal> fromDataSet(const std::string& directory,
                                          const EncodingDecodeSettings& settings,
                                          ProblemLog& problems) {
    ImageSetOptions options;
    options.split = "all";
    const ImageSet set(directory, options);
    if (set.kind() == ImageSetKind::EcdSlices) {
        throw ConfigError(directory + " is an ECD slice data set: its images are slices, not "
                                      "crystals (use a CrysTens or xtal2png data set)");
    }
    const auto encoding = makeEncoding(EncodingSpec::fromJson(set.encodingJson(), directory));
    std::vector<float> pixels(std::size_t(set.channels()) * set.imageSize() * set.imageSize());
    std::vector<GeneratedCrystal> crystals;
    for (std::size_t i = 0; i < set.size(); ++i) {
        set.readItem(i, pixels.data());
        for (float& v : pixels) v = (v + 1.0f) * 0.5f;  // readItem gives [−1, 1]
        crystals.push_back(
            decodeCrystalImage(*encoding, pixels.data(), set.materialId(i), settings, problems));
    }
    return crystals;
}

}  // namespace

GeneratedCrystal decodeCrystalImage(const CrystalEncoding& encoding, const float* pixels,
                                    const std::string& id, const EncodingDecodeSettings& settings,
                                    ProblemLog& problems) {
    try {
        DecodedCrystal decoded = encoding.decode(pixels, settings);
        decoded.structure.setId(id);
        return toGeneratedCrystal(decoded.structure);
    } catch (const Error& e) {
        problems.add(id, std::string("cannot be decoded: ") + e.what());
        GeneratedCrystal none;
        none.id = id;
        return none;
    }
}

std::optional<EncodingSpec> encodingBesideImages(const std::string& npyPath) {
    const fs::path folder = fs::path(npyPath).parent_path();
    for (const char* name : {"samples.json", "encoding.json"}) {
        const fs::path path = folder / name;
        if (!fs::is_regular_file(path)) continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(readFileToString(path.string()));
        } catch (const nlohmann::json::exception& e) {
            throw FormatError(path.string(), "", e.what());
        }
        if (name == std::string("samples.json") && !j.contains("encoding")) continue;
        const nlohmann::json& spec = j.contains("encoding") ? j.at("encoding") : j;
        return EncodingSpec::fromJson(spec.dump(), path.string());
    }
    return std::nullopt;
}

std::optional<std::vector<GeneratedCrystal>> readCrystalImages(const std::string& path,
                                                               const EncodingDecodeSettings& settings,
                                                               ProblemLog& problems) {
    if (settings.symmetrizeA < 0) throw ConfigError("--symmetrize needs a positive tolerance in Å");
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (fs::is_regular_file(fs::path(path) / "dataset.json")) {
            return fromDataSet(path, settings, problems);
        }
        if (fs::is_regular_file(fs::path(path) / "samples.npy")) {
            return fromNpy((fs::path(path) / "samples.npy").string(), settings, problems);
        }
        return std::nullopt;
    }
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npy") == 0) {
        return fromNpy(path, settings, problems);
    }
    return std::nullopt;
}

}  // namespace cw
