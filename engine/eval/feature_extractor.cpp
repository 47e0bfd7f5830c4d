#include "eval/feature_extractor.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace cw {
namespace {
bool endsWith(const std::string& text, const std::string& suffix) {
    if (text.size() < suffix.size()) return false;
    return std::equal(suffix.rbegin(), suffix.rend(), text.rbegin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}
}  // namespace

ExtractorSpec parseExtractorSpec(const std::string& text) {
    const std::string accepted =
        "; use \"spectral\", a TorchScript file ending in .pt or .pth, or \"domain:RUN\" (the "
        "encoder of a run trained on the data set)";
    ExtractorSpec spec;
    if (text == "spectral") return spec;
    if (text.rfind("domain:", 0) == 0) {
        spec.kind = ExtractorSpec::Kind::Domain;
        spec.path = text.substr(7);
        if (spec.path.empty()) throw ConfigError("--extractor \"domain:\" names no run folder" + accepted);
        return spec;
    }
    if (endsWith(text, ".pt") || endsWith(text, ".pth")) {
        spec.kind = ExtractorSpec::Kind::TorchScript;
        spec.path = text;
        return spec;
    }
    throw ConfigError("unknown feature extractor \"" + text + "\"" + accepted);
}

}  // namespace cw
