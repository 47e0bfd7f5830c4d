// cwb bench encode: encodings per second per core for xtal2png and CrysTens on real structures,
// without storage (engine/encoding/throughput.h) and with storage (stacked .npy written to a
// temporary folder). Prints figures only; nothing here is a test.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands/command.h"
#include "core/error.h"
#include "core/npy.h"
#include "core/problem_log.h"
#include "encoding/crystens.h"
#include "encoding/throughput.h"
#include "encoding/xtal2png.h"
#include "io/structure_stream.h"

namespace cw::cli {
namespace {

struct BenchEncodeOptions {
    std::string input;
    std::size_t structures = 2000;
};

int spaceGroupOf(const Structure& s) {
    const auto it = s.properties().find("symmetry_number");
    return it == s.properties().end() ? 0 : static_cast<int>(it->second);
}

/// Encodes every structure and appends it to one stacked .npy; returns structures per second.
template <typename Encode>
double timedWithStorage(const std::vector<Structure>& structures, const std::string& path,
                        NpyDtype dtype, std::vector<std::size_t> shape, Encode encode) {
    const auto start = std::chrono::steady_clock::now();
    NpyStackWriter writer(path, dtype, std::move(shape));
    for (const Structure& s : structures) encode(s, writer);
    writer.finish();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(structures.size()) / seconds;
}

int runBenchEncode(const BenchEncodeOptions& options) {
    std::vector<Structure> structures;
    ProblemLog problems;
    forEachStructure(options.input, [&](Structure&& s, std::size_t) {
        if (s.size() <= static_cast<std::size_t>(kEncodingMaxSites) && s.isOrdered()) {
            structures.push_back(std::move(s));
        }
        return structures.size() < options.structures;
    }, problems);
    if (structures.empty()) throw FormatError(options.input, "", "no encodable structure");

    const EncodingThroughput t = measureEncodingThroughput(structures);
    std::printf("structures     %zu (mean %.1f sites), one core\n", t.structures, t.meanSites);
    std::printf("%-44s %12s\n", "operation", "per s/core");
    std::printf("%-44s %12.0f\n", "xtal2png encode (spglib space group)", t.xtal2pngEncode);
    std::printf("%-44s %12.0f\n", "xtal2png encode (space group given)", t.xtal2pngEncodeKnownSg);
    std::printf("%-44s %12.0f\n", "CrysTens encode (spglib space group)", t.crysTensEncode);
    std::printf("%-44s %12.0f\n", "CrysTens encode (space group given)", t.crysTensEncodeKnownSg);
    std::printf("%-44s %12.0f\n", "xtal2png decode", t.xtal2pngDecode);
    std::printf("%-44s %12.0f\n", "xtal2png decode --refine", t.xtal2pngDecodeRefine);
    std::printf("%-44s %12.0f\n", "CrysTens decode", t.crysTensDecode);

    // With storage: the space group comes from the source when it has one (as a data-set
    // build does), and every tensor goes to one stacked .npy.
    const auto dir = std::filesystem::temp_directory_path() /
                     ("cwb-bench-encode-" + std::to_string(std::chrono::steady_clock::now()
                                                               .time_since_epoch().count()));
    std::filesystem::create_directories(dir);
    const double crysTensStored = timedWithStorage(
        structures, (dir / "crystens.npy").string(), NpyDtype::Float32,
        {kCrysTensSide, kCrysTensSide, 4}, [](const Structure& s, NpyStackWriter& w) {
            CrysTensOptions o;
            o.knownSpaceGroup = spaceGroupOf(s);
            w.append(encodeCrysTens(s, o).data.data());
        });
    const double xtal2pngStored = timedWithStorage(
        structures, (dir / "xtal2png.npy").string(), NpyDtype::UInt8, {64, 64},
        [](const Structure& s, NpyStackWriter& w) {
            Xtal2PngOptions o;
            o.knownSpaceGroup = spaceGroupOf(s);
            w.append(encodeXtal2Png(s, o).pixels.data());
        });
    std::filesystem::remove_all(dir);
    std::printf("%-44s %12.0f\n", "CrysTens encode + .npy storage (source sg)", crysTensStored);
    std::printf("%-44s %12.0f\n", "xtal2png encode + .npy storage (source sg)", xtal2pngStored);
    return kExitOk;
}

}  // namespace

void addBenchEncodeCommand(CLI::App& bench) {
    auto o = std::make_shared<BenchEncodeOptions>();
    CLI::App* cmd = bench.add_subcommand(
        "encode", "xtal2png and CrysTens encodings/s/core, with and without storage");
    cmd->add_option("input", o->input, "Structure collection (e.g. the MP dev set)")->required();
    cmd->add_option("--structures", o->structures, "Use at most this many structures")
        ->capture_default_str();
    setAction(cmd, [o] { return runBenchEncode(*o); });
}

}  // namespace cw::cli
