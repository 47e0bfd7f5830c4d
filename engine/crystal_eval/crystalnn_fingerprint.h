#pragma once
/// @file The structure fingerprint of CDVAE's coverage metric: matminer 0.7.3
/// CrystalNNFingerprint.from_preset("ops") of every site (pymatgen CrystalNN defaults), and
/// their plain mean over the sites of the cell. Spec: docs/spec/crystal-generation.md §4;
/// layout and parameters: resources/crystalnn/crystalnn_ops_preset.json.

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "crystal/structure.h"
#include "crystal_eval/voronoi_neighbours.h"

namespace cw {

inline constexpr int kCrystalNNFingerprintLength = 61;
/// For CN = 1…24: the CrystalNN probability of that CN ("wt"), then for CN ≤ 12 each of the
/// preset's order parameters times that probability (0 where it is 0 or pymatgen gives None).
using CrystalNNFingerprint = std::array<double, kCrystalNNFingerprintLength>;

/// matminer's labels: "wt CN_1", "sgl_bd CN_1", "wt CN_2", "L-shaped CN_2", …
const std::vector<std::string>& crystalNNFingerprintLabels();

/// The fingerprint of site `site` of voronoi.structure(). Throws ValueError where matminer
/// raises (see crystalNN). Thread-safe.
CrystalNNFingerprint crystalNNSiteFingerprint(const PeriodicVoronoi& voronoi, std::size_t site);

/// The fingerprints of every site, in site order. Throws ValueError as above and for an empty
/// structure. Thread-safe.
std::vector<CrystalNNFingerprint> crystalNNSiteFingerprints(const Structure& structure);

/// CDVAE's struct_fp: the mean of the site fingerprints. Throws ValueError as above.
CrystalNNFingerprint crystalNNStructureFingerprint(const Structure& structure);

}  // namespace cw
