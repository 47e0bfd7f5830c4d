// cwb bench ecd: throughput figures of the ECD slicer and of data-set building on real
// structures (slices/s/core at 256² and 64², single-slice latency, end-to-end build with
// storage). Prints figures only; nothing here is a test.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>

#include "commands/command.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/problem_log.h"
#include "dataset/ecd_builder.h"
#include "ecd/enumerate.h"
#include "ecd/slicer.h"
#include "io/structure_stream.h"

namespace cw::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
    std::string input;
    std::size_t structures = 500;
    std::size_t perStructure = 16;
    std::size_t maxSites = 51;
    int threads = 0;
    std::size_t latencySamples = 200;
    bool skipBuild = false;
    std::string dtype = "float32";
};

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Work {
    std::vector<std::unique_ptr<Slicer>> slicers;
    std::vector<std::pair<std::size_t, PickTriple>> jobs;
};

Work prepare(const std::vector<Structure>& structures, const SliceParameters& p,
             std::size_t perStructure, int threads) {
    Work w;
    w.slicers.resize(structures.size());
    std::vector<std::vector<PickTriple>> triples(structures.size());
    parallelFor(structures.size(), threads, [&](std::size_t i) {
        try {
            w.slicers[i] = std::make_unique<Slicer>(structures[i], p);
            EnumerationOptions eo;
            eo.maxPerStructure = perStructure;
            eo.seed = structureSeed(0, i);
            triples[i] = enumerateSlices(*w.slicers[i], eo);
        } catch (const Error&) {
        }
    });
    for (std::size_t i = 0; i < structures.size(); ++i)
        for (const PickTriple& t : triples[i]) w.jobs.emplace_back(i, t);
    return w;
}

int runBenchEcd(const BenchOptions& o) {
    const int threads = resolveThreadCount(o.threads);
    std::vector<Structure> structures;
    ProblemLog problems;
    std::size_t read = 0;
    forEachStructure(
        o.input,
        [&](Structure&& s, std::size_t) {
            ++read;
            if (s.size() >= 3 && s.size() <= o.maxSites) structures.push_back(std::move(s));
            return read < o.structures;
        },
        problems);
    std::printf(
        "input %s: %zu structures read, %zu with 3…%zu sites; %zu slices/structure, "
        "%d thread(s)\n",
        o.input.c_str(), read, structures.size(), o.maxSites, o.perStructure, threads);
    if (structures.empty()) throw ConfigError("no usable structures in '" + o.input + "'");

    for (int size : {256, 64}) {
        SliceParameters p;
        p.size = size;
        const Work w = prepare(structures, p, o.perStructure, threads);
        std::vector<double> checksum(w.jobs.size());
        const auto t0 = Clock::now();
        parallelFor(w.jobs.size(), threads, [&](std::size_t k) {
            const SliceResult r = w.slicers[w.jobs[k].first]->slice(w.jobs[k].second);
            checksum[k] = r.image.data[r.image.data.size() / 2];
        });
        const double s = secondsSince(t0);
        const double rate = static_cast<double>(w.jobs.size()) / s;
        std::printf("slicing %3d²: %zu slices in %.2f s = %.0f slices/s = %.0f slices/s/core\n",
                    size, w.jobs.size(), s, rate, rate / threads);
        if (size == 256) {
            // Single-slice latency on one thread, over jobs spread across the structures.
            std::vector<double> ms;
            const std::size_t n = std::min(o.latencySamples, w.jobs.size());
            for (std::size_t i = 0; i < n; ++i) {
                const auto& job = w.jobs[i * w.jobs.size() / n];
                const auto t = Clock::now();
                const SliceResult r = w.slicers[job.first]->slice(job.second);
                ms.push_back(secondsSince(t) * 1e3);
            }
            std::sort(ms.begin(), ms.end());
            if (!ms.empty())
                std::printf("latency 256² (1 thread, %zu slices): median %.3f ms, p90 %.3f ms\n",
                            ms.size(), ms[ms.size() / 2], ms[ms.size() * 9 / 10]);
        }
    }

    if (!o.skipBuild) {
        // End to end: read, filter, enumerate, slice, store (shards of --dtype + manifest), at
        // 256² and 64².
        const auto tmp = std::filesystem::temp_directory_path() /
                         ("cwb-bench-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(tmp);
        const std::string input = (tmp / "input.json").string();
        writeStructures(input, structures);
        for (int size : {256, 64}) {
            EcdDatasetOptions d;
            d.inputs = {input};
            d.perStructure = o.perStructure;
            d.maxSites = o.maxSites;
            d.maxEAboveHull.reset();
            d.parameters.size = size;
            d.dtype = parseDatasetDtype(o.dtype);
            EcdBuildSettings bs;
            bs.outDir = (tmp / ("ds" + std::to_string(size))).string();
            bs.threads = threads;
            NullProgressSink sink;
            const auto t0 = Clock::now();
            const std::clock_t c0 = std::clock();  // CPU time of all threads
            const EcdBuildResult r = buildEcdDataset(d, bs, sink);
            const double s = secondsSince(t0);
            const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
            std::uintmax_t bytes = 0;
            for (const auto& e : std::filesystem::directory_iterator(bs.outDir))
                if (e.is_regular_file()) bytes += e.file_size();
            std::printf(
                "build %3d² %s end to end: %zu slices in %.2f s = %.0f slices/s = %.0f "
                "slices/s/core, %.1f MB/s written (%.0f MB); CPU %.2f s = %.0f slices per "
                "CPU-second\n",
                size, o.dtype.c_str(), r.slices, s, r.slices / s, r.slices / s / threads,
                bytes / s / 1e6, bytes / 1e6, cpu, r.slices / cpu);
            std::filesystem::remove_all(bs.outDir);
        }
        std::filesystem::remove_all(tmp);
    }
    return kExitOk;
}

}  // namespace

void registerBenchCommand(CLI::App& app) {
    CLI::App* bench = app.add_subcommand("bench", "Performance figures (not tests)");
    bench->require_subcommand(1);
    auto o = std::make_shared<BenchOptions>();
    CLI::App* ecd = bench->add_subcommand(
        "ecd", "ECD slicing: slices/s/core at 256² and 64², latency, end-to-end build");
    ecd->add_option("input", o->input, "Structure collection (e.g. the MP dev set)")->required();
    ecd->add_option("--structures", o->structures, "Read at most this many structures")
        ->capture_default_str();
    ecd->add_option("--per-structure", o->perStructure, "Slices per structure")
        ->capture_default_str();
    ecd->add_option("--max-sites", o->maxSites, "Skip structures with more sites")
        ->capture_default_str();
    ecd->add_option("--threads", o->threads, "Worker threads (0: all cores)")
        ->capture_default_str();
    ecd->add_option("--latency-samples", o->latencySamples, "Slices timed one by one")
        ->capture_default_str();
    ecd->add_flag("--no-build", o->skipBuild, "Skip the end-to-end build");
    ecd->add_option("--dtype", o->dtype, "Stored pixel type of the end-to-end build")
        ->check(CLI::IsMember({"float32", "uint16", "uint8"}))
        ->capture_default_str();
    setAction(ecd, [o] { return runBenchEcd(*o); });
    addBenchEncodeCommand(*bench);
    addBenchDiffusionCommand(*bench);
    addBenchCrystalsCommand(*bench);
}

}  // namespace cw::cli
