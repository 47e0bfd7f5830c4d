#pragma once
/// @file One interface for every image encoding of whole crystals, and the registry that the
/// data-set builder, the image set, `cwb encode/decode/generate` and the window loop over.
/// Registered: "crystens" and "xtal2png" (64 × 64, 52 sites, byte-identical to the upstream
/// layouts) and their compact variants "crystens-compact" and "xtal2png-compact" (fewer sites,
/// same layout rules, zero-padded to paddedEncodingSide). Layouts: docs/spec/encodings.md.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/npy.h"
#include "crystal/structure.h"
#include "encoding/xtal2png.h"

namespace cw {

/// What an encoding is, as written in dataset.json and a run's config ("encoding" object).
struct EncodingSpec {
    std::string name = "crystens";  ///< a registered name (encodingNames())
    int maxSites = 0;               ///< 0: the name's default (52 full; compact needs a value)
    bool raw = false;               ///< CrysTens only: raw values (Z, Å, °) instead of [0, 1]

    /// {"name": …, "max_sites": …, "side": …, "channels": …, "raw": …} (one line).
    std::string toJson() const;
    /// Reads toJson's object (side and channels are checked, not read). Throws ConfigError.
    static EncodingSpec fromJson(const std::string& jsonText, const std::string& source);
};

/// How decoded crystals are finished (as `cwb decode`).
struct EncodingDecodeSettings {
    double symmetrizeA = 0;       ///< > 0: spglib's conventional standard cell at this symprec (Å)
    bool refine = false;          ///< xtal2png: least-squares fit to the distance block
    double analyzeSymprec = 0.1;  ///< symprec (Å) of DecodedCrystal::spaceGroup; ≤ 0 skips it
    /// CrysTens: remove each channel's offset and take header medians (CrysTensDecodeOptions::
    /// robust); on for generated images, the same result for encoded ones.
    bool robust = true;
};

/// One encoding. Model space is channels-first floats in [0, 1] (side × side per channel);
/// storage is what data sets keep (CrysTens float32 channels last, xtal2png uint8).
class CrystalEncoding {
public:
    virtual ~CrystalEncoding() = default;

    const EncodingSpec& spec() const { return m_spec; }
    const std::string& name() const { return m_spec.name; }
    int maxSites() const { return m_spec.maxSites; }
    int side() const { return m_side; }
    virtual int channels() const = 0;
    /// Shape of one stored item: (side, side, channels) channels last, or (side, side).
    std::vector<std::size_t> itemShape() const;
    virtual NpyDtype storedDtype() const = 0;

    /// Encodes a structure in the cell given as stored: float32 values into `f32` or bytes into
    /// `u8` (by storedDtype). `knownSpaceGroup` > 0 skips spglib. Throws ValueError (empty, too
    /// many sites, partial occupancy). Thread-safe.
    virtual void encodeStored(const Structure& structure, int knownSpaceGroup,
                              std::vector<float>& f32, std::vector<std::uint8_t>& u8) const = 0;
    /// The stored form in model space (channels × side × side floats in [0, 1]).
    std::vector<float> encode(const Structure& structure, int knownSpaceGroup = 0) const;
    /// Decodes one model-space image (channels × side × side floats in [0, 1]; values outside
    /// are clipped where the format has a fixed range). Throws ValueError for an image that
    /// holds no crystal. Thread-safe.
    virtual DecodedCrystal decode(const float* channelsFirst,
                                  const EncodingDecodeSettings& settings) const = 0;

protected:
    CrystalEncoding(EncodingSpec spec, int side) : m_spec(std::move(spec)), m_side(side) {}

private:
    EncodingSpec m_spec;
    int m_side;
};

/// The registered names, full encodings first.
const std::vector<std::string>& encodingNames();

/// The encoding of `spec`. Throws ConfigError naming the registered names (unknown name), or
/// the reason (a compact variant without max sites or with 52 or more; raw xtal2png).
std::unique_ptr<const CrystalEncoding> makeEncoding(const EncodingSpec& spec);

/// The encoding of an image of `channels` × side × side with no other description: the full
/// 64 × 64 encodings (4 channels CrysTens, 1 xtal2png); other sides need a spec. Throws
/// ConfigError.
std::unique_ptr<const CrystalEncoding> encodingForImageShape(int channels, int side);

}  // namespace cw
