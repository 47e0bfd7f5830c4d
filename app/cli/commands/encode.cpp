// cwb encode xtal2png|crystens FILE --out OUT: a crystal as an xtal2png PNG or a CrysTens tensor;
// cwb decode xtal2png|crystens IN --out OUT.cif: back to a crystal (docs/spec/encodings.md).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/command.h"
#include "core/error.h"
#include "core/npy.h"
#include "crystal/elements.h"
#include "encoding/crystal_encoding.h"
#include "encoding/crystens.h"
#include "encoding/xtal2png.h"
#include "io/cif.h"
#include "io/structure_stream.h"

namespace cw::cli {
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct EncodeOptions {
    std::string format;
    std::string file;
    std::string id;
    std::string cell = "as-is";
    bool raw = false;
    bool channelsFirst = false;
    int maxSites = kEncodingMaxSites;
    std::string out;
};

/// "crystens-compact" → "crystens" and checks --max-sites against the registry (a compact
/// variant needs fewer than 52 sites; a full one 52, or more for xtal2png's extension).
std::string familyOf(const std::string& format, int maxSites) {
    const bool compact = endsWith(format, "-compact");
    if (compact) makeEncoding({format, maxSites, false});  // throws with the reason
    return compact ? format.substr(0, format.size() - 8) : format;
}

int runEncode(const EncodeOptions& o) {
    const CellChoice cell = parseCellChoice(o.cell);
    const Structure s = readStructure(o.file, o.id);
    const std::string name = s.id().empty() ? o.file : s.id();
    const bool compact = endsWith(o.format, "-compact");
    if (familyOf(o.format, o.maxSites) == "xtal2png") {
        if (o.raw || o.channelsFirst) throw ConfigError("--raw and --channels-first apply to crystens only");
        Xtal2PngOptions options;
        options.cell = cell;
        options.maxSites = o.maxSites;
        if (compact) options.side = paddedEncodingSide(o.maxSites);
        const Xtal2PngImage image = encodeXtal2Png(s, options);
        if (endsWith(o.out, ".npy")) {
            writeNpy(o.out, image.pixels, {static_cast<std::size_t>(image.side), static_cast<std::size_t>(image.side)});
        } else if (endsWith(o.out, ".png")) {
            writeXtal2PngFile(o.out, image);
        } else {
            throw ConfigError("xtal2png output must end in .png or .npy: " + o.out);
        }
        std::printf("%s: %s, %zu sites → %s (%d × %d, xtal2png name %s)\n", name.c_str(), s.reducedFormula().c_str(),
                    s.size(), o.out.c_str(), image.side, image.side, xtal2pngFileName(s, image).c_str());
    } else {
        if (!compact && o.maxSites != kEncodingMaxSites)
            throw ConfigError("--max-sites below 52 needs --encoding crystens-compact (CrysTens holds 52 sites)");
        if (!endsWith(o.out, ".npy")) throw ConfigError("crystens output must end in .npy: " + o.out);
        CrysTensOptions options;
        options.cell = cell;
        options.normalize = !o.raw;
        options.maxSites = o.maxSites;
        const CrysTensTensor tensor = encodeCrysTens(s, options);
        writeCrysTensNpy(o.out, tensor, o.channelsFirst);
        const std::string side = std::to_string(tensor.side);
        std::printf("%s: %s, %zu sites → %s (%s, %s)\n", name.c_str(), s.reducedFormula().c_str(), s.size(),
                    o.out.c_str(), (o.channelsFirst ? "4 × " + side + " × " + side : side + " × " + side + " × 4").c_str(),
                    o.raw ? "raw" : "normalised");
    }
    return kExitOk;
}

struct DecodeOptions {
    std::string format;
    std::string input;
    double symmetrize = 0;
    bool refine = false;
    bool legacy = false;
    bool raw = false;
    int cluster = 0;
    int maxSites = 0;
    bool robust = false;
    std::string out;
    bool json = false;
};

nlohmann::json decodedJson(const DecodedCrystal& d, const DecodeOptions& o) {
    const Structure& s = d.structure;
    const LatticeParameters p = s.lattice().parameters();
    nlohmann::json species = nlohmann::json::array(), frac = nlohmann::json::array(), matrix = nlohmann::json::array();
    for (const Site& site : s.sites()) {
        species.push_back(element(site.z).symbol);
        frac.push_back({site.frac[0], site.frac[1], site.frac[2]});
    }
    for (int i = 0; i < 3; ++i) {
        matrix.push_back({s.lattice().matrix()(i, 0), s.lattice().matrix()(i, 1), s.lattice().matrix()(i, 2)});
    }
    return {{"n", s.size()},
            {"formula", s.reducedFormula()},
            {"species", species},
            {"frac", frac},
            {"lattice",
             {{"a", p.a}, {"b", p.b}, {"c", p.c}, {"alpha", p.alpha}, {"beta", p.beta}, {"gamma", p.gamma},
              {"matrix", matrix}}},
            {"space_group",
             {{"header", d.headerSpaceGroup},
              {"number", d.spaceGroup.number},
              {"symbol", d.spaceGroup.international},
              {"symprec", o.symmetrize > 0 ? o.symmetrize : 0.1}}},
            {"pairwise_error",
             {{"before", d.pairwiseErrorBefore},
              {"after", d.pairwiseErrorAfter},
              {"unit", o.format == "xtal2png" ? "angstrom" : "fractional"}}},
            {"symmetrized", o.symmetrize > 0},
            {"refined", o.refine}};
}

int runDecode(const DecodeOptions& o) {
    if (o.symmetrize < 0) throw ConfigError("--symmetrize needs a positive tolerance in Å");
    if (!endsWith(o.out, ".cif")) throw ConfigError("decode writes a CIF: --out must end in .cif");
    DecodedCrystal d;
    if (endsWith(o.format, "-compact") && o.maxSites < 1)
        throw ConfigError(o.format + " needs --max-sites N, the site count the images were encoded for");
    if (familyOf(o.format, o.maxSites) == "xtal2png") {
        if (o.raw || o.cluster || o.robust) throw ConfigError("--raw, --cluster and --robust apply to crystens only");
        Xtal2PngDecodeOptions options;
        options.symmetrizeTolerance = o.symmetrize;
        options.refine = o.refine;
        options.legacyLayout = o.legacy;
        Xtal2PngImage image = readXtal2PngFile(o.input);
        image.maxSites = o.maxSites;
        d = decodeXtal2Png(image, options);
    } else {
        if (o.legacy) throw ConfigError("--legacy applies to xtal2png only");
        if (o.refine) throw ConfigError("--refine applies to xtal2png only (CrysTens has no periodic distances)");
        CrysTensDecodeOptions options;
        options.symmetrizeTolerance = o.symmetrize;
        options.clusterCount = o.cluster;
        options.robust = o.robust;
        CrysTensTensor tensor = readCrysTensNpy(o.input, !o.raw);
        if (o.maxSites > 0) {
            if (o.maxSites > tensor.side - kEncodingHeaderWidth)
                throw ConfigError("--max-sites " + std::to_string(o.maxSites) + " does not fit a " +
                                  std::to_string(tensor.side) + "-pixel tensor");
            tensor.maxSites = o.maxSites;
        }
        d = decodeCrysTens(tensor, options);
    }
    d.structure.setId("decoded");
    writeCif(o.out, d.structure);
    if (o.json) {
        std::cout << decodedJson(d, o).dump() << '\n';
    } else {
        const LatticeParameters p = d.structure.lattice().parameters();
        std::printf("%s: %s, %zu sites, a %.4f b %.4f c %.4f Å, α %.3f β %.3f γ %.3f°, space group %s (%d; header %d), "
                    "pairwise error %.5g → %.5g → %s\n",
                    o.input.c_str(), d.structure.reducedFormula().c_str(), d.structure.size(), p.a, p.b, p.c, p.alpha,
                    p.beta, p.gamma, d.spaceGroup.international.c_str(), d.spaceGroup.number, d.headerSpaceGroup,
                    d.pairwiseErrorBefore, d.pairwiseErrorAfter, o.out.c_str());
    }
    return kExitOk;
}

}  // namespace

void registerEncodeCommands(CLI::App& app) {
    auto e = std::make_shared<EncodeOptions>();
    CLI::App* enc = app.add_subcommand("encode", "A crystal as an xtal2png image or a CrysTens tensor");
    enc->add_option("format", e->format, "xtal2png, crystens, xtal2png-compact or crystens-compact")
        ->required()
        ->check(CLI::IsMember(encodingNames()));
    enc->add_option("file", e->file, "CIF, POSCAR, pymatgen/MP JSON, XYZ or folder")->required();
    enc->add_option("--id", e->id, "The entry with this id (default: the first)");
    enc->add_option("--cell", e->cell, "as-is, primitive, conventional or niggli")->capture_default_str();
    enc->add_flag("--raw", e->raw, "crystens: raw values instead of the upstream min–max normalisation");
    enc->add_flag("--channels-first", e->channelsFirst, "crystens: write (4, 64, 64) instead of (64, 64, 4)");
    enc->add_option("--max-sites", e->maxSites,
                    "Sites the image holds (52: upstream's 64 × 64; fewer with a compact format, whose "
                    "side is 12 + N padded to a multiple of 16, at least 32)")
        ->capture_default_str();
    enc->add_option("--out", e->out, "OUT.png or OUT.npy")->required();
    setAction(enc, [e] { return runEncode(*e); });

    auto d = std::make_shared<DecodeOptions>();
    CLI::App* dec = app.add_subcommand("decode", "An xtal2png image or a CrysTens tensor back to a crystal (P1 CIF)");
    dec->add_option("format", d->format, "xtal2png, crystens, xtal2png-compact or crystens-compact")
        ->required()
        ->check(CLI::IsMember(encodingNames()));
    dec->add_option("input", d->input, "IN.png / IN.npy (xtal2png) or IN.npy (crystens, either channel order)")
        ->required();
    dec->add_option("--symmetrize", d->symmetrize,
                    "Replace the P1 cell by spglib's standardised conventional cell at this symprec (Å)");
    dec->add_flag("--refine", d->refine, "xtal2png: refine coordinates against the distance block");
    dec->add_flag("--legacy", d->legacy, "xtal2png: an image of xtal2png ≤ 0.7.0 (Z and cell volume columns)");
    dec->add_flag("--raw", d->raw, "crystens: the tensor holds raw (unnormalised) values");
    dec->add_option("--cluster", d->cluster, "crystens: cluster Z into at most this many elements of the tensor's own");
    dec->add_option("--max-sites", d->maxSites, "Compact formats: the site count the image was encoded for");
    dec->add_flag("--robust", d->robust,
                  "crystens: decode a generated tensor robustly (channel offsets, median copies; docs/generate.md)");
    dec->add_option("--out", d->out, "OUT.cif")->required();
    dec->add_flag("--json", d->json, "Print N, species, lattice, space group and pairwise error as JSON");
    setAction(dec, [d] { return runDecode(*d); });
}

}  // namespace cw::cli
