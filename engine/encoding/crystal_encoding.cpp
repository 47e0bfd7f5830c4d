#include "encoding/crystal_encoding.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "encoding/crystens.h"

namespace cw {
namespace {

constexpr const char* kCompactSuffix = "-compact";

bool isCompact(const std::string& name) {
    return name.size() > 8 && name.compare(name.size() - 8, 8, kCompactSuffix) == 0;
}

/// The spglib tolerances every encoding writes the space group with (xtal2png's).
const SymmetryOptions kEncodingSymmetry{0.01, kPymatgenAngleToleranceDeg};

class CrysTensEncoding final : public CrystalEncoding {
public:
    CrysTensEncoding(EncodingSpec spec, int side) : CrystalEncoding(std::move(spec), side) {}
    int channels() const override { return 4; }
    NpyDtype storedDtype() const override { return NpyDtype::Float32; }

    void encodeStored(const Structure& s, int knownSpaceGroup, std::vector<float>& f32,
                      std::vector<std::uint8_t>&) const override {
        CrysTensOptions o;
        o.normalize = !spec().raw;
        o.symmetry = kEncodingSymmetry;
        o.knownSpaceGroup = knownSpaceGroup;
        o.maxSites = maxSites();
        o.side = side();
        f32 = encodeCrysTens(s, o).data;
    }

    DecodedCrystal decode(const float* pixels, const EncodingDecodeSettings& settings) const override {
        const std::size_t count = static_cast<std::size_t>(4) * side() * side();
        const std::vector<float> planes(pixels, pixels + count);
        CrysTensDecodeOptions o;
        o.symmetrizeTolerance = settings.symmetrizeA;
        o.analyzeSymprec = settings.analyzeSymprec;
        o.robust = settings.robust;
        return decodeCrysTens(crysTensFromChannelsFirst(planes, !spec().raw, maxSites()), o);
    }
};

class Xtal2PngEncoding final : public CrystalEncoding {
public:
    Xtal2PngEncoding(EncodingSpec spec, int side) : CrystalEncoding(std::move(spec), side) {}
    int channels() const override { return 1; }
    NpyDtype storedDtype() const override { return NpyDtype::UInt8; }

    void encodeStored(const Structure& s, int knownSpaceGroup, std::vector<float>&,
                      std::vector<std::uint8_t>& u8) const override {
        Xtal2PngOptions o;
        o.symmetry = kEncodingSymmetry;
        o.knownSpaceGroup = knownSpaceGroup;
        o.maxSites = maxSites();
        o.side = side();
        u8 = encodeXtal2Png(s, o).pixels;
    }

    DecodedCrystal decode(const float* pixels, const EncodingDecodeSettings& settings) const override {
        Xtal2PngImage image;
        image.side = side();
        image.maxSites = maxSites();
        const std::size_t count = static_cast<std::size_t>(side()) * side();
        image.pixels.resize(count);
        for (std::size_t k = 0; k < count; ++k) {
            const float v = std::clamp(pixels[k], 0.0f, 1.0f);
            image.pixels[k] = static_cast<std::uint8_t>(std::lround(v * 255.0f));
        }
        Xtal2PngDecodeOptions o;
        o.symmetrizeTolerance = settings.symmetrizeA;
        o.refine = settings.refine;
        o.analyzeSymprec = settings.analyzeSymprec;
        return decodeXtal2Png(image, o);
    }
};

std::string namesText() {
    std::string text;
    for (const std::string& n : encodingNames()) text += (text.empty() ? "" : ", ") + n;
    return text;
}

}  // namespace

std::vector<std::size_t> CrystalEncoding::itemShape() const {
    const auto n = static_cast<std::size_t>(side());
    if (channels() == 1) return {n, n};
    return {n, n, static_cast<std::size_t>(channels())};
}

std::vector<float> CrystalEncoding::encode(const Structure& structure, int knownSpaceGroup) const {
    std::vector<float> f32;
    std::vector<std::uint8_t> u8;
    encodeStored(structure, knownSpaceGroup, f32, u8);
    const std::size_t plane = static_cast<std::size_t>(side()) * side();
    std::vector<float> out(plane * channels());
    if (storedDtype() == NpyDtype::UInt8) {
        for (std::size_t k = 0; k < plane; ++k) out[k] = u8[k] / 255.0f;
        return out;
    }
    const int c = channels();
    for (int ch = 0; ch < c; ++ch)
        for (std::size_t k = 0; k < plane; ++k) out[ch * plane + k] = f32[k * c + ch];
    return out;
}

std::string EncodingSpec::toJson() const {
    const auto encoding = makeEncoding(*this);
    nlohmann::json j;
    j["name"] = name;
    j["max_sites"] = encoding->maxSites();
    j["side"] = encoding->side();
    j["channels"] = encoding->channels();
    j["raw"] = raw;
    return j.dump();
}

EncodingSpec EncodingSpec::fromJson(const std::string& jsonText, const std::string& source) {
    EncodingSpec spec;
    try {
        const nlohmann::json j = nlohmann::json::parse(jsonText);
        spec.name = j.at("name").get<std::string>();
        spec.maxSites = j.value("max_sites", 0);
        spec.raw = j.value("raw", false);
        const auto encoding = makeEncoding(spec);
        if (j.contains("side") && j.at("side").get<int>() != encoding->side())
            throw ConfigError(source + ": encoding side " + std::to_string(j.at("side").get<int>()) +
                              " differs from " + std::to_string(encoding->side()) + " of " +
                              spec.name + " with " + std::to_string(encoding->maxSites()) + " sites");
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(source + ": malformed encoding description: " + e.what());
    }
    return spec;
}

const std::vector<std::string>& encodingNames() {
    static const std::vector<std::string> names{"crystens", "xtal2png", "crystens-compact",
                                                "xtal2png-compact"};
    return names;
}

std::unique_ptr<const CrystalEncoding> makeEncoding(const EncodingSpec& spec) {
    const auto& names = encodingNames();
    if (std::find(names.begin(), names.end(), spec.name) == names.end())
        throw ConfigError("unknown encoding '" + spec.name + "' (choose " + namesText() + ")");
    const bool crystens = spec.name.rfind("crystens", 0) == 0;
    if (spec.raw && !crystens) throw ConfigError("raw values apply to the CrysTens encodings only");
    EncodingSpec resolved = spec;
    if (isCompact(spec.name)) {
        if (spec.maxSites < 1 || spec.maxSites >= kEncodingMaxSites)
            throw ConfigError(spec.name + " needs a maximum site count of 1…51 (--max-sites), not " +
                              std::to_string(spec.maxSites) + "; 52 sites is the full " +
                              spec.name.substr(0, spec.name.size() - 8) + " encoding");
    } else {
        if (spec.maxSites != 0 && spec.maxSites != kEncodingMaxSites)
            throw ConfigError(spec.name + " holds 52 sites in 64 × 64; for " +
                              std::to_string(spec.maxSites) + " sites use " + spec.name +
                              kCompactSuffix);
        resolved.maxSites = kEncodingMaxSites;
    }
    const int side = paddedEncodingSide(resolved.maxSites);
    if (crystens) return std::make_unique<CrysTensEncoding>(resolved, side);
    return std::make_unique<Xtal2PngEncoding>(resolved, side);
}

std::unique_ptr<const CrystalEncoding> encodingForImageShape(int channels, int side) {
    if ((channels == 4 || channels == 1) && side == paddedEncodingSide(kEncodingMaxSites)) {
        EncodingSpec spec;
        spec.name = channels == 4 ? "crystens" : "xtal2png";
        return makeEncoding(spec);
    }
    throw ConfigError("images of " + std::to_string(channels) + " × " + std::to_string(side) + " × " +
                      std::to_string(side) +
                      " are not a full 64 × 64 encoding (4 channels CrysTens, 1 xtal2png); a "
                      "compact encoding needs its description (encoding.json beside the images, "
                      "or the run or data set it came from)");
}

}  // namespace cw
