// cwb ecd slice|chgcar: one synthetic ECD slice of a crystal (docs/spec/ecd-slices.md), or the real
// slice of a VASP CHGCAR-format file on the plane of three picks, written as .npy or PNG.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <thread>
#include <tuple>
#include <unistd.h>

#include "build_job.h"
#include "commands/command.h"
#include "core/error.h"
#include "core/integer_text.h"
#include "core/npy.h"
#include "core/png_image.h"
#include "core/problem_log.h"
#include "dataset/ecd_builder.h"
#include "dataset/store.h"
#include "ecd/chgcar.h"
#include "ecd/pick_text.h"
#include "ecd/slicer.h"
#include "io/structure_stream.h"
#include "progress_line.h"

namespace cw::cli {
namespace {

struct OutputOptions {
    std::string out;
    int bits = 8;
    std::string colormap = "gray";
    bool json = false;
};

struct SliceOptions {
    std::string file;
    std::string id;
    std::string picks;
    std::string translations;
    std::string volumePerAtom = "1.0";
    SliceParameters parameters;
    std::string amplitude = "uniform";
    OutputOptions output;
};

struct ChgcarOptions {
    std::string file;
    std::string picks;
    std::string translations;
    SliceParameters parameters;
    std::string block = "total";
    bool raw = false;
    std::optional<double> pngMax;
    OutputOptions output;
};

std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

/// Writes the image by extension; `pngScale` divides the values before PNG quantisation.
void writeImage(const Image& image, const OutputOptions& o, double pngScale = 1.0) {
    const std::string ext = lowerExtension(o.out);
    if (ext == ".npy") {
        writeNpy(o.out, image);
        return;
    }
    if (ext != ".png") throw ConfigError("--out must end in .npy or .png, not '" + o.out + "'");
    Image scaled = image;
    if (pngScale != 1.0)
        for (float& v : scaled.data) v = static_cast<float>(v / pngScale);
    const ColorMap map = parseColorMap(o.colormap);
    if (map != ColorMap::Gray)
        writePngColor(o.out, scaled, map);
    else
        writePngGray(o.out, scaled, o.bits);
}

void report(const SliceResult& r, const OutputOptions& o,
            nlohmann::json extra = nlohmann::json::object()) {
    nlohmann::json j = nlohmann::json::parse(sliceMetadataToJson(r.metadata));
    j["output"] = o.out;
    for (auto& [key, value] : extra.items()) j[key] = value;
    if (o.json) {
        std::cout << j.dump() << '\n';
        return;
    }
    const PlaneFrame& f = r.metadata.frame;
    std::printf("wrote %s (%d × %d px, %.4g Å/px)\n", o.out.c_str(), r.image.cols, r.image.rows,
                r.metadata.parameters.pitch());
    std::printf("atoms_in_window %d (kept %d)\n", r.metadata.atomsInWindow, r.metadata.atomsKept);
    std::printf("normal  %10.6f %10.6f %10.6f\n", f.normal.x(), f.normal.y(), f.normal.z());
    std::printf("e1      %10.6f %10.6f %10.6f\n", f.e1.x(), f.e1.y(), f.e1.z());
    std::printf("centre  %10.6f %10.6f %10.6f Å\n", f.centre.x(), f.centre.y(), f.centre.z());
}

void addOutputOptions(CLI::App* cmd, OutputOptions& o) {
    cmd->add_option("--out", o.out, "Output: OUT.npy (float32) or OUT.png")->required();
    cmd->add_option("--bits", o.bits, "PNG bit depth for grayscale: 8 or 16")
        ->check(CLI::IsMember({8, 16}))
        ->capture_default_str();
    cmd->add_option("--colormap", o.colormap,
                    "PNG colour map for figures: gray, viridis, magma (8-bit RGB)")
        ->check(CLI::IsMember({"gray", "viridis", "magma"}))
        ->capture_default_str();
    cmd->add_flag("--json", o.json, "Print the slice metadata as one JSON object");
}

void addGeometryOptions(CLI::App* cmd, std::string& picks, std::string& translations,
                        SliceParameters& p) {
    cmd->add_option("--picks", picks, "Three site indices I,J,K (from 0)")->required();
    cmd->add_option("--translations", translations,
                    "Lattice translations of the picks: a,b,c;a,b,c;a,b,c");
    cmd->add_option("--tolerance", p.tolerance, "Keep atoms within this distance of the plane (Å)")
        ->capture_default_str();
    cmd->add_option("--window", p.window, "Side of the square crop in the plane (Å)")
        ->capture_default_str();
    cmd->add_option("--size", p.size, "Image side (pixels)")->capture_default_str();
}

int runSlice(SliceOptions o) {
    if (o.volumePerAtom == "off")
        o.parameters.volumePerAtom.reset();
    else {
        try {
            std::size_t used = 0;
            o.parameters.volumePerAtom = std::stod(o.volumePerAtom, &used);
            if (used != o.volumePerAtom.size()) throw std::invalid_argument("trailing characters");
        } catch (const std::exception&) {
            throw ConfigError("--volume-per-atom takes a volume in Å³ or 'off', not '" +
                              o.volumePerAtom + "'");
        }
    }
    o.parameters.amplitude = parseAmplitude(o.amplitude);
    o.parameters.validate();
    const PickTriple picks = parsePickTriple(o.picks, o.translations);
    const std::string ext = lowerExtension(o.output.out);
    if (ext != ".npy" && ext != ".png")
        throw ConfigError("--out must end in .npy or .png, not '" + o.output.out + "'");
    const Structure structure = readStructure(o.file, o.id);
    const SliceResult r = Slicer(structure, o.parameters).slice(picks);
    writeImage(r.image, o.output);
    report(r, o.output);
    return kExitOk;
}

int runChgcar(const ChgcarOptions& o) {
    o.parameters.validate();
    const PickTriple picks = parsePickTriple(o.picks, o.translations);
    const std::string ext = lowerExtension(o.output.out);
    if (ext != ".npy" && ext != ".png")
        throw ConfigError("--out must end in .npy or .png, not '" + o.output.out + "'");
    RealSliceOptions options;
    options.block = o.block == "magnetization" ? ChgcarBlock::Magnetization : ChgcarBlock::Total;
    options.divideByVolume = !o.raw;
    const ChgcarData data = readChgcar(o.file);
    const SliceResult r = sliceChgcar(data, picks, o.parameters, options);
    // PNG holds [0, 1]: divide by the image's largest |value| unless told otherwise.
    double scale = 1.0;
    if (ext == ".png") {
        scale =
            o.pngMax.value_or(std::max(std::abs(r.image.maxValue()), std::abs(r.image.minValue())));
        if (!(scale > 0)) scale = 1.0;
    }
    writeImage(r.image, o.output, scale);
    nlohmann::json extra = {{"block", o.block},
                            {"units", o.raw ? "raw file values" : "e/Å³ (value / V_cell)"},
                            {"grid", {data.total.dims[0], data.total.dims[1], data.total.dims[2]}},
                            {"electrons", data.total.mean()},
                            {"min", r.image.minValue()},
                            {"max", r.image.maxValue()}};
    if (ext == ".png") extra["png_scale"] = scale;
    report(r, o.output, extra);
    if (!o.output.json)
        std::printf("values  %.6g … %.6g %s\n", r.image.minValue(), r.image.maxValue(),
                    o.raw ? "(raw)" : "e/Å³");
    return kExitOk;
}

struct BuildOptions {
    EcdDatasetOptions dataset;
    EcdBuildSettings settings;
    std::string perStructure = "64";
    std::string shard = "0/1";
    std::string split = "0.8,0.1,0.1";
    std::string volumePerAtom = "1.0";
    std::string amplitude = "uniform";
    std::string maxEAboveHull = "0.1";
    std::string dtype = "float32";
    std::optional<std::size_t> expected;  ///< input entries, for the ETA (counted if unset)
    bool progress = false;
};

/// Passes the "slices" events to the progress line (the "unit" events would reset its rate).
class SliceEvents final : public ProgressSink {
public:
    explicit SliceEvents(ProgressSink& target) : m_target(target) {}
    void report(const ProgressEvent& event) override {
        if (event.stage == "slices") m_target.report(event);
    }

private:
    ProgressSink& m_target;
};

std::optional<double> parseVolumePerAtom(const std::string& text) {
    if (text == "off") return std::nullopt;
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument("trailing characters");
        return v;
    } catch (const std::exception&) {
        throw ConfigError("--volume-per-atom takes a volume in Å³ or 'off', not '" + text + "'");
    }
}

int runBuild(BuildOptions o) {
    EcdDatasetOptions& d = o.dataset;
    if (o.perStructure == "all")
        d.perStructure.reset();
    else
        d.perStructure = static_cast<std::size_t>(parseInteger(o.perStructure, "--per-structure"));
    std::tie(d.shardIndex, d.shardCount) = parseShard(o.shard);
    d.split = parseSplitFractions(o.split);
    d.parameters.volumePerAtom = parseVolumePerAtom(o.volumePerAtom);
    d.parameters.amplitude = parseAmplitude(o.amplitude);
    d.maxEAboveHull = parseMaxEAboveHull(o.maxEAboveHull);
    d.dtype = parseDatasetDtype(o.dtype);
    d.validate();

    const InterruptToStop interrupt;
    ProgressLine line("slices", o.progress);
    SliceEvents events(line);
    // The inputs are streamed, so the builder knows the total only if told: count the entries
    // first (parsing only, ~1 % of the build time) when the progress line is shown.
    if (o.expected) {
        o.settings.expectedEntries = *o.expected;
    } else if (o.progress || ::isatty(STDERR_FILENO)) {
        std::fputs("counting input entries…", stderr);
        std::fflush(stderr);
        std::size_t entries = 0;
        try {
            for (const std::string& input : d.inputs) {
                if (interrupt.requested()) break;
                ProblemLog problems;
                entries += forEachStructure(
                    input, [](Structure&&, std::size_t) { return true; }, problems,
                    interrupt.token());
                entries += problems.count();
            }
            std::fprintf(stderr, " %zu\n", entries);
            o.settings.expectedEntries = entries;
        } catch (const Error& e) {
            // A damaged input: the build itself reports it after the entries before the damage.
            std::fprintf(stderr, " not counted (%s): no ETA\n", e.what());
        }
    }
    const EcdBuildResult r = buildEcdDataset(d, o.settings, events, interrupt.token());
    line.finish();

    if (r.cancelled) return reportInterruptedBuild(r.units, o.settings.outDir);
    std::printf("wrote %zu slices of %zu structures in %zu shard(s) to %s (%zu resumed)\n",
                r.slices, r.structures, r.units, o.settings.outDir.c_str(), r.unitsResumed);
    printSkipSummary(r.skippedByReason);
    return kExitOk;
}

}  // namespace

void registerEcdCommand(CLI::App& app) {
    CLI::App* ecd = app.add_subcommand(
        "ecd", "Electron-charge-density slices (synthetic and from VASP CHGCAR)");
    ecd->require_subcommand(1);

    auto slice = std::make_shared<SliceOptions>();
    CLI::App* sliceCmd =
        ecd->add_subcommand("slice", "One synthetic ECD slice through three picked atoms");
    sliceCmd->add_option("file", slice->file, "CIF, POSCAR, pymatgen/MP/Alexandria JSON, XYZ")
        ->required();
    sliceCmd->add_option("--id", slice->id,
                         "The entry with this id (material id, block, stem); default: the first");
    addGeometryOptions(sliceCmd, slice->picks, slice->translations, slice->parameters);
    sliceCmd
        ->add_option("--volume-per-atom", slice->volumePerAtom,
                     "Scale the cell to this V/N (Å³), or 'off'")
        ->capture_default_str();
    sliceCmd->add_option("--sigma", slice->parameters.sigma, "Gaussian standard deviation (Å)")
        ->capture_default_str();
    sliceCmd
        ->add_option("--amplitude", slice->amplitude, "Blob amplitude: uniform or z (Z / max Z)")
        ->check(CLI::IsMember({"uniform", "z"}))
        ->capture_default_str();
    addOutputOptions(sliceCmd, slice->output);
    setAction(sliceCmd, [slice] { return runSlice(*slice); });

    auto chg = std::make_shared<ChgcarOptions>();
    CLI::App* chgCmd = ecd->add_subcommand(
        "chgcar", "Real slice of a VASP CHGCAR/AECCAR/ELFCAR/LOCPOT on the plane of three picks");
    chgCmd->add_option("file", chg->file, "CHGCAR-format file (plain, .gz, .bz2)")->required();
    addGeometryOptions(chgCmd, chg->picks, chg->translations, chg->parameters);
    chgCmd->add_option("--block", chg->block, "total or magnetization (spin-polarised files)")
        ->check(CLI::IsMember({"total", "magnetization"}))
        ->capture_default_str();
    chgCmd->add_flag("--raw", chg->raw,
                     "Sample the stored values (ELFCAR, LOCPOT) instead of value / V_cell");
    chgCmd->add_option("--png-max", chg->pngMax,
                       "Value mapped to white in PNG output (default: the slice's max |value|)");
    addOutputOptions(chgCmd, chg->output);
    setAction(chgCmd, [chg] { return runChgcar(*chg); });

    auto build = std::make_shared<BuildOptions>();
    CLI::App* buildCmd = ecd->add_subcommand(
        "build", "Build (or resume) a data set of ECD slices: .npy shards + manifest.csv");
    buildCmd
        ->add_option("inputs", build->dataset.inputs,
                     "Collections (MP/Alexandria JSON, CIF "
                     "folders, XYZ, …), read in order")
        ->required();
    buildCmd->add_option("--out", build->settings.outDir, "Data-set directory")->required();
    buildCmd
        ->add_option("--per-structure", build->perStructure,
                     "Slices per structure (random sample), or 'all'")
        ->capture_default_str();
    buildCmd->add_option("--seed", build->dataset.seed, "Sampling and split seed")
        ->capture_default_str();
    buildCmd->add_option("--max-sites", build->dataset.maxSites, "Skip structures with more sites")
        ->capture_default_str();
    buildCmd
        ->add_option("--max-e-above-hull", build->maxEAboveHull,
                     "Skip structures above hull by more (eV/atom), or 'off'")
        ->capture_default_str();
    buildCmd->add_option("--threads", build->settings.threads, "Worker threads (0: all cores)")
        ->capture_default_str();
    buildCmd
        ->add_option("--shard", build->shard,
                     "Build only entries with index mod N == I (SLURM arrays)")
        ->capture_default_str();
    buildCmd->add_option("--split", build->split, "Train,val,test fractions by material")
        ->capture_default_str();
    buildCmd
        ->add_option("--structures-per-shard", build->dataset.structuresPerShard,
                     "Structures per .npy shard (the resume unit)")
        ->capture_default_str();
    buildCmd->add_option("--png-dir", build->settings.pngDir,
                         "Also write 8-bit PNGs {material_id}_{i}_{j}_{k}.png here");
    buildCmd
        ->add_option("--tolerance", build->dataset.parameters.tolerance,
                     "Keep atoms within this distance of the plane (Å)")
        ->capture_default_str();
    buildCmd
        ->add_option("--window", build->dataset.parameters.window,
                     "Side of the square crop in the plane (Å)")
        ->capture_default_str();
    buildCmd->add_option("--size", build->dataset.parameters.size, "Image side (pixels)")
        ->capture_default_str();
    buildCmd
        ->add_option("--volume-per-atom", build->volumePerAtom,
                     "Scale the cell to this V/N (Å³), or 'off'")
        ->capture_default_str();
    buildCmd
        ->add_option("--sigma", build->dataset.parameters.sigma, "Gaussian standard deviation (Å)")
        ->capture_default_str();
    buildCmd->add_option("--amplitude", build->amplitude, "Blob amplitude: uniform or z")
        ->check(CLI::IsMember({"uniform", "z"}))
        ->capture_default_str();
    buildCmd
        ->add_option("--dtype", build->dtype,
                     "Stored pixel type: float32 (exact), uint16 (round(65535·I), half the "
                     "bytes), uint8 (round(255·I))")
        ->check(CLI::IsMember({"float32", "uint16", "uint8"}))
        ->capture_default_str();
    buildCmd->add_option("--expected", build->expected,
                         "Number of input entries, for the progress ETA (default: counted first "
                         "when the progress line is shown)");
    buildCmd->add_flag("--progress", build->progress,
                       "Print the progress line even when stderr is not a terminal");
    setAction(buildCmd, [build] { return runBuild(*build); });

    auto merge = std::make_shared<std::pair<std::vector<std::string>, std::string>>();
    CLI::App* mergeCmd = ecd->add_subcommand(
        "merge", "Join the shard directories of one `ecd build --shard I/N` command");
    mergeCmd->add_option("dirs", merge->first, "Finished shard directories, in order")->required();
    mergeCmd->add_option("--out", merge->second, "New (empty) data-set directory")->required();
    setAction(mergeCmd, [merge] {
        const MergeResult r = mergeDatasets(merge->first, merge->second);
        std::printf("merged %zu slices in %zu shard(s) from %zu director%s into %s\n", r.slices,
                    r.shards, r.sources, r.sources == 1 ? "y" : "ies", merge->second.c_str());
        return kExitOk;
    });
}

}  // namespace cw::cli
