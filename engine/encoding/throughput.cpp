#include "encoding/throughput.h"

#include <chrono>

#include "core/error.h"
#include "encoding/crystens.h"
#include "encoding/xtal2png.h"

namespace cw {

EncodingThroughput measureEncodingThroughput(const std::vector<Structure>& structures) {
    std::vector<const Structure*> usable;
    EncodingThroughput out;
    for (const Structure& s : structures) {
        if (s.size() > 0 && s.size() <= static_cast<std::size_t>(kEncodingMaxSites) && s.isOrdered()) {
            usable.push_back(&s);
            out.meanSites += static_cast<double>(s.size());
        }
    }
    if (usable.empty()) throw ValueError("no structure of at most 52 ordered sites to time the encoders on");
    out.structures = usable.size();
    out.meanSites /= static_cast<double>(usable.size());
    // A volatile sink keeps the optimiser from dropping the work.
    volatile std::size_t sink = 0;
    auto rate = [&](auto&& body) {
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < usable.size(); ++i) sink = sink + body(i);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return seconds > 0 ? static_cast<double>(usable.size()) / seconds : 0.0;
    };
    Xtal2PngOptions x, xKnown;
    xKnown.knownSpaceGroup = 1;
    CrysTensOptions c, cKnown;
    cKnown.knownSpaceGroup = 1;
    out.xtal2pngEncode = rate([&](std::size_t i) { return encodeXtal2Png(*usable[i], x).pixels.size(); });
    out.xtal2pngEncodeKnownSg = rate([&](std::size_t i) { return encodeXtal2Png(*usable[i], xKnown).pixels.size(); });
    out.crysTensEncode = rate([&](std::size_t i) { return encodeCrysTens(*usable[i], c).data.size(); });
    out.crysTensEncodeKnownSg = rate([&](std::size_t i) { return encodeCrysTens(*usable[i], cKnown).data.size(); });

    std::vector<Xtal2PngImage> images;
    std::vector<CrysTensTensor> tensors;
    for (const Structure* s : usable) {
        images.push_back(encodeXtal2Png(*s, xKnown));
        tensors.push_back(encodeCrysTens(*s, cKnown));
    }
    Xtal2PngDecodeOptions xd;
    xd.analyzeSymprec = 0;
    out.xtal2pngDecode = rate([&](std::size_t i) { return decodeXtal2Png(images[i], xd).structure.size(); });
    xd.refine = true;
    out.xtal2pngDecodeRefine = rate([&](std::size_t i) { return decodeXtal2Png(images[i], xd).structure.size(); });
    CrysTensDecodeOptions cd;
    cd.analyzeSymprec = 0;
    out.crysTensDecode = rate([&](std::size_t i) { return decodeCrysTens(tensors[i], cd).structure.size(); });
    return out;
}

}  // namespace cw
