#pragma once
/// @file Single-core throughput of the encoders and decoders, for `cwb bench encode`.

#include <cstddef>
#include <vector>

#include "crystal/structure.h"

namespace cw {

/// Rates in structures per second on one core (the calling thread).
struct EncodingThroughput {
    std::size_t structures = 0;      ///< encodable structures timed (≤ 52 sites, ordered)
    double meanSites = 0;
    double xtal2pngEncode = 0;       ///< with spglib's space group (xtal2png's default)
    double xtal2pngEncodeKnownSg = 0;///< space group given (no spglib)
    double crysTensEncode = 0;       ///< with spglib
    double crysTensEncodeKnownSg = 0;
    double xtal2pngDecode = 0;       ///< plain decode, no spglib
    double xtal2pngDecodeRefine = 0; ///< with --refine
    double crysTensDecode = 0;       ///< no spglib
};

/// Times each operation over `structures` (entries that cannot be encoded are skipped) on the
/// calling thread. Throws ValueError if none can be encoded. Thread-safe.
EncodingThroughput measureEncodingThroughput(const std::vector<Structure>& structures);

}  // namespace cw
