#pragma once
/// @file The items of one split of a property-prediction data set (torch-free): a CrysTens (or
/// other image) data set opened with the targets' raw values, filtered by the run's rules.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dataset/image_set.h"
#include "ml/props/props_config.h"

namespace cw::ml {

/// One split's kept items and their target values.
struct PropsSplit {
    std::string split;
    std::unique_ptr<ImageSet> images;
    std::vector<std::size_t> items;  ///< indices into *images of the kept items
    std::vector<double> targets;     ///< items.size() × config.targets.size(), raw; NaN = missing
    /// Items left out, by reason: "unstable" (energy above hull over the limit), "too_many_sites",
    /// "no_target" (none of the targets has a value).
    std::map<std::string, std::size_t> dropped;
};

/// The header of dataDir/properties.csv; empty when the data set has no such table (ECD).
/// Throws IoError, FormatError.
std::vector<std::string> propertyTableColumns(const std::string& dataDir);

/// The energy-above-hull column the stable-only filter reads ("e_above_hull" or
/// "energy_above_hull"), or "" when the table has neither. Throws IoError, FormatError.
std::string energyAboveHullColumn(const std::string& dataDir);

/// Opens split `split` of config.dataDir and applies the filters of `config` (stable only, max
/// sites) and drops items without any target value. Throws ConfigError (unknown target column,
/// an empty split), IoError, FormatError.
PropsSplit loadPropsSplit(const PropsConfig& config, const std::string& split);

/// The data set's options that decide how a structure must be encoded to match its items:
/// `cell` (cell choice name) and `normalized` (false for --raw). Throws IoError, FormatError.
void readEncodingOptions(const std::string& dataDir, std::string& cell, bool& normalized);

}  // namespace cw::ml
