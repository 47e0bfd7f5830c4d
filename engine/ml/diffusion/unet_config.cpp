#include "ml/diffusion/unet_config.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "core/enum_names.h"
#include "core/error.h"
#include "ml/config_fields.h"

namespace cw::ml {

namespace {

const std::string kWhat = "model config";

std::string listText(const std::vector<int>& values) {
    std::string text;
    for (int v : values) {
        if (!text.empty()) text += ',';
        text += std::to_string(v);
    }
    return text;
}

}  // namespace

namespace {
constexpr EnumName<Conditioning> kConditioningNames[] = {
    {Conditioning::None, "none"}, {Conditioning::Class, "class"}, {Conditioning::Vector, "vector"}};
}  // namespace

const char* conditioningName(Conditioning conditioning) {
    return enumName(kConditioningNames, conditioning);
}

Conditioning parseConditioning(const std::string& name) {
    if (const auto value = enumFromName(kConditioningNames, name)) return *value;
    throw ConfigError("conditioning '" + name + "': expected " + enumNameList(kConditioningNames));
}

void UNetConfig::validate() const {
    auto fail = [](const std::string& field, const std::string& reason) {
        throw ConfigError(kWhat + ": " + field + " " + reason);
    };
    if (inChannels < 1) fail("in_channels", "must be ≥ 1, not " + std::to_string(inChannels));
    if (baseChannels < 1) {
        fail("base_channels", "must be ≥ 1, not " + std::to_string(baseChannels));
    }
    if (channelMults.empty()) fail("channel_mults", "must list at least one level");
    for (int mult : channelMults) {
        if (mult < 1) fail("channel_mults", "must be positive, not " + listText(channelMults));
    }
    // Down-sampling halves the size between levels, so the deepest level is imageSize/2^(L−1).
    if (channelMults.size() > 8) fail("channel_mults", "has more than 8 levels");
    const int divisor = 1 << (channelMults.size() - 1);
    if (imageSize < 32 || imageSize > 256) {
        fail("image_size", "must be 32–256 pixels, not " + std::to_string(imageSize));
    }
    if (imageSize % divisor != 0) {
        fail("image_size", std::to_string(imageSize) + " is not divisible by " +
                               std::to_string(divisor) + " (2^(levels−1) for channel_mults " +
                               listText(channelMults) + ")");
    }
    if (resBlocksPerLevel < 1) {
        fail("res_blocks_per_level", "must be ≥ 1, not " + std::to_string(resBlocksPerLevel));
    }
    for (int resolution : attentionResolutions) {
        if (resolution < 1) {
            fail("attention_resolutions",
                 "must be positive sizes in pixels, not " + listText(attentionResolutions));
        }
    }
    if (attentionHeads < 1) {
        fail("attention_heads", "must be ≥ 1, not " + std::to_string(attentionHeads));
    }
    // Attention splits the channels of every attended level, and of the middle block, into heads.
    for (std::size_t level = 0; level < channelMults.size(); ++level) {
        const int channels = baseChannels * channelMults[level];
        const int size = imageSize >> level;
        bool attended = level + 1 == channelMults.size();  // the middle block
        for (int resolution : attentionResolutions) attended = attended || resolution == size;
        if (attended && channels % attentionHeads != 0) {
            fail("attention_heads", std::to_string(attentionHeads) + " does not divide the " +
                                        std::to_string(channels) + " channels at " +
                                        std::to_string(size) + " pixels");
        }
    }
    if (!(dropout >= 0.0 && dropout < 1.0)) {
        fail("dropout", "must be in [0, 1), not " + std::to_string(dropout));
    }
    if (conditioning == Conditioning::Class && classes < 1) {
        fail("classes", "must be ≥ 1 with class conditioning, not " + std::to_string(classes));
    }
    if (conditioning == Conditioning::Vector && conditionDim < 1) {
        fail("condition_dim",
             "must be ≥ 1 with vector conditioning, not " + std::to_string(conditionDim));
    }
}

namespace {
// Every field once: config.json's key and the member (nlohmann's json, key order kept).
template <class Config, class Visit>
void unetFields(Config& c, Visit&& visit) {
    visit("in_channels", c.inChannels);
    visit("image_size", c.imageSize);
    visit("base_channels", c.baseChannels);
    visit("channel_mults", c.channelMults);
    visit("res_blocks_per_level", c.resBlocksPerLevel);
    visit("attention_resolutions", c.attentionResolutions);
    visit("attention_heads", c.attentionHeads);
    visit("dropout", c.dropout);
    visit("conditioning", c.conditioning, conditioningName, parseConditioning);
    visit("classes", c.classes);
    visit("condition_dim", c.conditionDim);
}
}  // namespace

std::string unetConfigToJson(const UNetConfig& config) {
    nlohmann::ordered_json j;
    unetFields(config, detail::FieldWriter<nlohmann::ordered_json>{j});
    return j.dump(2);
}

UNetConfig unetConfigFromJson(const std::string& jsonText, const UNetConfig& base) {
    const nlohmann::json j = detail::parseConfigObject(jsonText, kWhat);
    detail::FieldKeys known;
    unetFields(base, known);
    detail::rejectUnknownKeys(j, known.keys, kWhat);
    UNetConfig config = base;
    unetFields(config, detail::FieldReader{j, kWhat});
    return config;
}

std::vector<int> parseIntList(const std::string& text, const std::string& what) {
    std::vector<int> values;
    if (text.find_first_not_of(" \t") == std::string::npos) return values;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        const std::size_t first = text.find_first_not_of(" \t", start);
        std::size_t last = text.find_last_not_of(" \t", end == 0 ? 0 : end - 1);
        int value = 0;
        std::from_chars_result parsed{nullptr, std::errc::invalid_argument};
        if (first < end && last != std::string::npos && last >= first) {
            parsed = std::from_chars(text.data() + first, text.data() + last + 1, value);
        }
        if (parsed.ec != std::errc{} || parsed.ptr != text.data() + last + 1) {
            throw ConfigError(what + ": '" + text +
                              "' is not a comma-separated list of integers (bad item '" +
                              text.substr(start, end - start) + "')");
        }
        values.push_back(value);
        start = end + 1;
    }
    return values;
}

}  // namespace cw::ml
