#include "ml/props/props_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/csv_reader.h"

namespace cw::ml {
namespace fs = std::filesystem;

std::vector<std::string> propertyTableColumns(const std::string& dataDir) {
    const std::string table = (fs::path(dataDir) / "properties.csv").string();
    if (!fs::exists(table)) return {};  // ECD data sets have no property table
    CsvReader csv(table);
    std::vector<std::string> header;
    if (!csv.next(header)) throw FormatError(table, "line 1", "empty table (no header)");
    return header;
}

std::string energyAboveHullColumn(const std::string& dataDir) {
    const std::vector<std::string> header = propertyTableColumns(dataDir);
    for (const char* name : {"e_above_hull", "energy_above_hull"})
        if (std::find(header.begin(), header.end(), name) != header.end()) return name;
    return "";
}

PropsSplit loadPropsSplit(const PropsConfig& config, const std::string& split) {
    PropsSplit out;
    out.split = split;
    // The seed's rule: stable materials only, unless stability is what is predicted.
    std::string hull = config.stableOnly ? energyAboveHullColumn(config.dataDir) : "";
    if (std::find(config.targets.begin(), config.targets.end(), hull) != config.targets.end()) hull.clear();

    ImageSetOptions options;
    options.split = split;
    options.maxItems = config.maxItems;
    options.properties = config.targets;
    if (config.maxSites > 0) options.properties.push_back("nsites");
    if (!hull.empty()) options.properties.push_back(hull);
    out.images = std::make_unique<ImageSet>(config.dataDir, options);

    const std::size_t dim = config.targets.size();
    for (std::size_t i = 0; i < out.images->size(); ++i) {
        if (!hull.empty()) {
            const auto e = out.images->property(i, hull);
            if (e && *e > config.maxEAboveHull) {
                ++out.dropped["unstable"];
                continue;
            }
        }
        if (config.maxSites > 0) {
            const auto n = out.images->property(i, "nsites");
            if (n && *n > config.maxSites) {
                ++out.dropped["too_many_sites"];
                continue;
            }
        }
        std::vector<double> row(dim);
        bool any = false;
        for (std::size_t k = 0; k < dim; ++k) {
            const auto v = out.images->property(i, config.targets[k]);
            row[k] = v ? *v : std::nan("");
            any = any || v.has_value();
        }
        if (!any) {
            ++out.dropped["no_target"];
            continue;
        }
        out.items.push_back(i);
        out.targets.insert(out.targets.end(), row.begin(), row.end());
    }
    return out;
}

void readEncodingOptions(const std::string& dataDir, std::string& cell, bool& normalized) {
    const std::string path = (fs::path(dataDir) / "dataset.json").string();
    try {
        const nlohmann::json j = nlohmann::json::parse(readFileToString(path));
        const nlohmann::json& o = j.at("options");
        cell = o.value("cell", std::string("as-is"));
        normalized = !o.value("raw", false);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, "options", std::string("cannot read the encoding options: ") + e.what());
    }
}

}  // namespace cw::ml
