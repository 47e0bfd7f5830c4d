#include "dataset/ecd_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/name_list.h"
#include "core/npy.h"
#include "core/parallel.h"
#include "core/png_image.h"
#include "core/problem_log.h"
#include "dataset/entry_scan.h"
#include "dataset/store.h"
#include "ecd/enumerate.h"
#include "io/structure_stream.h"

namespace cw {
namespace fs = std::filesystem;

std::string EcdDatasetOptions::toJson() const {
    nlohmann::json j;
    j["inputs"] = inputs;
    j["per_structure"] = perStructure ? nlohmann::json(*perStructure) : nlohmann::json("all");
    j["seed"] = seed;
    j["max_sites"] = maxSites;
    j["max_e_above_hull"] = maxEAboveHull ? nlohmann::json(*maxEAboveHull) : nlohmann::json();
    j["shard"] = std::to_string(shardIndex) + "/" + std::to_string(shardCount);
    j["split"] = split;
    j["structures_per_shard"] = structuresPerShard;
    j["parameters"] = nlohmann::json::parse(sliceParametersToJson(parameters));
    j["params_hash"] = parametersHash(parameters);
    j["dtype"] = datasetDtypeName(dtype);
    return j.dump();
}

void EcdDatasetOptions::validate() const {
    if (inputs.empty()) throw ConfigError("no input collection given");
    if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) {
        throw ConfigError("--shard I/N needs 0 ≤ I < N, not " + std::to_string(shardIndex) + "/" +
                          std::to_string(shardCount));
    }
    if (structuresPerShard == 0) throw ConfigError("--structures-per-shard must be positive");
    if (perStructure && *perStructure == 0) throw ConfigError("--per-structure must be positive");
    parameters.validate();
}

NpyDtype parseDatasetDtype(const std::string& name) {
    if (name == "float32") return NpyDtype::Float32;
    if (name == "uint16") return NpyDtype::UInt16;
    if (name == "uint8") return NpyDtype::UInt8;
    throw ConfigError("--dtype takes float32, uint16 or uint8, not '" + name + "'");
}

const char* datasetDtypeName(NpyDtype dtype) {
    switch (dtype) {
        case NpyDtype::Float32:
            return "float32";
        case NpyDtype::UInt16:
            return "uint16";
        case NpyDtype::UInt8:
            return "uint8";
    }
    return "float32";
}

void encodePixels(const Image& image, NpyDtype dtype, void* out) {
    const float* in = image.data.data();
    const std::size_t n = image.data.size();
    // x = scale·I is exact in double (24-bit mantissa × ≤ 16 bits), so x + 0.5 truncated is
    // round(x) with halves up, for the clamped I ∈ [0, 1].
    switch (dtype) {
        case NpyDtype::Float32:
            std::memcpy(out, in, n * sizeof(float));
            return;
        case NpyDtype::UInt16: {
            auto* o = static_cast<std::uint16_t*>(out);
            for (std::size_t i = 0; i < n; ++i)
                o[i] = static_cast<std::uint16_t>(static_cast<double>(in[i]) * 65535.0 + 0.5);
            return;
        }
        case NpyDtype::UInt8: {
            auto* o = static_cast<std::uint8_t*>(out);
            for (std::size_t i = 0; i < n; ++i)
                o[i] = static_cast<std::uint8_t>(static_cast<double>(in[i]) * 255.0 + 0.5);
            return;
        }
    }
}

namespace {

struct Pending {
    Structure structure;
    std::size_t index = 0;  // global entry index over all inputs
};

struct UnitSummary {
    std::size_t slices = 0;
    std::size_t structures = 0;  // structures that gave slices
    std::array<std::size_t, 3> perSplit{};
    nlohmann::json skipped = nlohmann::json::array();
};

nlohmann::json summaryToJson(const UnitSummary& s) {
    return {{"slices", s.slices},   {"structures", s.structures}, {"train", s.perSplit[0]},
            {"val", s.perSplit[1]}, {"test", s.perSplit[2]},      {"skipped", s.skipped}};
}

UnitSummary summaryFromJson(const nlohmann::json& j) {
    UnitSummary s;
    s.slices = j.at("slices");
    s.structures = j.at("structures");
    s.perSplit = {j.at("train").get<std::size_t>(), j.at("val").get<std::size_t>(),
                  j.at("test").get<std::size_t>()};
    s.skipped = j.at("skipped");
    return s;
}

std::string materialIdOf(const Structure& s, std::size_t index) {
    return s.id().empty() ? "entry-" + std::to_string(index) : s.id();
}

void appendNumber(std::string& row, double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, ",%.10g", v);
    row += buf;
}

void appendInteger(std::string& row, long long v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ",%lld", v);
    row += buf;
}

class Builder {
public:
    Builder(const EcdDatasetOptions& o, const EcdBuildSettings& s, ProgressSink& p, std::stop_token st)
        : m_o(o),
          m_s(s),
          m_progress(p),
          m_stop(st),
          m_threads(resolveThreadCount(s.threads)),
          m_hash(parametersHash(o.parameters)) {}

    EcdBuildResult run();

private:
    void processUnit();
    bool buildUnit(std::size_t unit, UnitSummary& summary);  // false: cancelled
    void skip(nlohmann::json& list, std::size_t index, const std::string& id,
              const std::string& reason, const std::string& detail = {}) {
        list.push_back({{"structure_index", index},
                        {"material_id", id},
                        {"reason", reason},
                        {"detail", detail}});
    }
    fs::path out(const std::string& name) const { return fs::path(m_s.outDir) / name; }
    fs::path part(const std::string& name) const { return fs::path(m_s.outDir) / "parts" / name; }

    const EcdDatasetOptions& m_o;
    const EcdBuildSettings& m_s;
    ProgressSink& m_progress;
    std::stop_token m_stop;
    int m_threads;
    std::string m_hash;
    std::vector<Pending> m_pending;
    std::vector<UnitSummary> m_units;
    EcdBuildResult m_result;
    std::size_t m_slicesThisRun = 0;
    std::size_t m_entriesRead = 0;
    std::size_t m_entriesBeforeUnit = 0;  // entries read when the current unit began
    std::size_t m_entriesResumed = 0;     // entries of units found finished on disk
};

void Builder::processUnit() {
    const std::size_t unit = m_units.size();
    UnitSummary summary;
    if (unitFinished(m_s.outDir, unit)) {
        summary =
            summaryFromJson(nlohmann::json::parse(readFileToString(part(unitFileName(unit)))));
        ++m_result.unitsResumed;
        m_entriesResumed += m_entriesRead - m_entriesBeforeUnit;
    } else if (!buildUnit(unit, summary)) {
        m_result.cancelled = true;
        m_pending.clear();
        return;
    }
    m_units.push_back(std::move(summary));
    m_pending.clear();
    m_entriesBeforeUnit = m_entriesRead;
    ProgressEvent e;
    e.stage = "unit";
    e.step = static_cast<std::int64_t>(m_units.size());
    m_progress.report(e);
}

bool Builder::buildUnit(std::size_t unit, UnitSummary& summary) {
    const SliceParameters& p = m_o.parameters;
    // Per structure: filters, then the slicer and the sampled triples (parallel over structures).
    std::vector<std::unique_ptr<Slicer>> slicers(m_pending.size());
    std::vector<std::vector<PickTriple>> triples(m_pending.size());
    std::vector<std::string> reasons(m_pending.size()), details(m_pending.size());
    parallelFor(m_pending.size(), m_threads, [&](std::size_t i) {
        const Structure& s = m_pending[i].structure;
        if (s.size() > m_o.maxSites) {
            reasons[i] = "too_many_sites";
            details[i] = std::to_string(s.size()) + " sites";
            return;
        }
        const auto ehull = s.properties().find("e_above_hull");
        if (m_o.maxEAboveHull && ehull != s.properties().end() &&
            !(ehull->second <= *m_o.maxEAboveHull)) {
            reasons[i] = "e_above_hull";
            details[i] = std::to_string(ehull->second) + " eV/atom";
            return;
        }
        try {
            slicers[i] = std::make_unique<Slicer>(s, p);
            EnumerationOptions eo;
            eo.maxPerStructure = m_o.perStructure;
            eo.seed = structureSeed(m_o.seed, m_pending[i].index);
            triples[i] = enumerateSlices(*slicers[i], eo);
            if (triples[i].empty()) {
                reasons[i] = "no_slices";
                details[i] = "fewer than 3 sites or only collinear triples";
            }
        } catch (const Error& e) {
            reasons[i] = "invalid";
            details[i] = e.what();
        }
    });
    struct Job {
        std::size_t structure;
        PickTriple picks;
    };
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < m_pending.size(); ++i) {
        const std::string id = materialIdOf(m_pending[i].structure, m_pending[i].index);
        if (!reasons[i].empty()) {
            skip(summary.skipped, m_pending[i].index, id, reasons[i], details[i]);
            continue;
        }
        ++summary.structures;
        for (const PickTriple& t : triples[i]) jobs.push_back({i, t});
    }

    const auto side = static_cast<std::size_t>(p.size);
    const std::size_t itemBytes = side * side * npyItemSize(m_o.dtype);
    NpyStackWriter writer(out(shardFileName(unit)).string(), m_o.dtype, {side, side});
    std::string manifest;
    // Pipeline: the workers slice batch b + 1 (and encode its pixels as stored) into one buffer
    // while a writer thread appends batch b from the other to the shard and formats its manifest
    // rows, so the disk writes and the serial bookkeeping no longer stall the slicing.
    struct Batch {
        std::size_t start = 0, n = 0;
        std::vector<Image> images;          // float32: the slicer's images, moved (no copy)
        std::vector<unsigned char> pixels;  // integer dtypes: n encoded items of itemBytes
        std::vector<SliceMetadata> metadata;
    };
    const bool asFloat = m_o.dtype == NpyDtype::Float32;
    const std::size_t batch = std::max<std::size_t>(64, static_cast<std::size_t>(m_threads) * 16);
    std::array<Batch, 2> buffers;
    const auto store = [&](const Batch& b) {
        for (std::size_t k = 0; k < b.n; ++k) {
            const Job& job = jobs[b.start + k];
            const Pending& src = m_pending[job.structure];
            const std::string id = materialIdOf(src.structure, src.index);
            const SliceMetadata& m = b.metadata[k];
            const int split = assignSplit(id, m_o.seed, m_o.split);
            ++summary.perSplit[split];
            writer.append(asFloat ? static_cast<const void*>(b.images[k].data.data())
                                  : b.pixels.data() + k * itemBytes);
            std::string row = std::to_string(unit) + "," + std::to_string(summary.slices) + "," +
                              std::to_string(src.index) + "," + csvField(id);
            for (const Pick& pick : job.picks) {
                appendInteger(row, pick.site);
                for (int a = 0; a < 3; ++a) appendInteger(row, pick.translation[a]);
            }
            for (const Eigen::Vector3d* v : {&m.frame.normal, &m.frame.e1, &m.frame.centre})
                for (int a = 0; a < 3; ++a) appendNumber(row, (*v)[a]);
            appendInteger(row, m.atomsInWindow);
            row += ',';
            row += splitName(split);
            row += ',';
            row += m_hash;
            row += '\n';
            manifest += row;
            ++summary.slices;
        }
    };
    // Declared last: destroyed (joined) first if anything below throws.
    std::future<void> writing;
    std::size_t current = 0;
    for (std::size_t start = 0; start < jobs.size(); start += batch) {
        if (m_stop.stop_requested()) {
            if (writing.valid()) writing.wait();
            return false;  // the writer removes its .part file
        }
        Batch& b = buffers[current];
        b.start = start;
        b.n = std::min(batch, jobs.size() - start);
        if (asFloat)
            b.images.resize(b.n);
        else
            b.pixels.resize(b.n * itemBytes);
        b.metadata.resize(b.n);
        parallelFor(b.n, m_threads, [&](std::size_t k) {
            const Job& job = jobs[start + k];
            SliceResult r = slicers[job.structure]->slice(job.picks);
            if (!m_s.pngDir.empty()) {
                const Pending& src = m_pending[job.structure];
                const std::string name = fileSafeName(materialIdOf(src.structure, src.index)) + "_" +
                                         std::to_string(job.picks[0].site) + "_" +
                                         std::to_string(job.picks[1].site) + "_" +
                                         std::to_string(job.picks[2].site) + ".png";
                writePngGray((fs::path(m_s.pngDir) / name).string(), r.image, 8);
            }
            if (asFloat)
                b.images[k] = std::move(r.image);
            else
                encodePixels(r.image, m_o.dtype, b.pixels.data() + k * itemBytes);
            b.metadata[k] = std::move(r.metadata);
        });
        if (writing.valid()) writing.get();  // rethrows a write failure
        writing = std::async(std::launch::async, store, std::cref(b));
        current ^= 1;
        m_slicesThisRun += b.n;
        ProgressEvent e;
        e.stage = "slices";
        e.step = static_cast<std::int64_t>(m_slicesThisRun);
        e.scalars["structures_read"] = static_cast<double>(m_entriesRead);
        if (m_s.expectedEntries > m_entriesResumed) {
            // Estimated total from the share of this run's input entries done so far (the
            // current unit's entries counted in proportion to its slices done).
            const double unitEntries = static_cast<double>(m_entriesRead - m_entriesBeforeUnit);
            const double done =
                static_cast<double>(m_entriesBeforeUnit - m_entriesResumed) +
                unitEntries * static_cast<double>(start + b.n) / static_cast<double>(jobs.size());
            const double todo = static_cast<double>(m_s.expectedEntries - m_entriesResumed);
            if (done > 0)
                e.total = std::max(e.step, static_cast<std::int64_t>(std::llround(
                                               static_cast<double>(e.step) * todo / done)));
        }
        m_progress.report(e);
    }
    if (writing.valid()) writing.get();
    writer.finish();
    writeFileAtomically(part(manifestPartName(unit)).string(), manifest);
    // Written last: its presence marks the unit finished.
    writeFileAtomically(part(unitFileName(unit)).string(), summaryToJson(summary).dump() + "\n");
    return true;
}

EcdBuildResult Builder::run() {
    m_o.validate();
    const nlohmann::json options = nlohmann::json::parse(m_o.toJson());
    prepareBuildDirectory(m_s.outDir, m_s.pngDir, options.dump());

    // Every entry in order (entry_scan.h); this job's go to units, its unreadable ones are listed.
    nlohmann::json unreadable = nlohmann::json::array();
    for (const SkippedEntry& e : scanShardEntries(
             m_o.inputs, m_o.shardIndex, m_o.shardCount,
             [&](const Structure&, std::size_t) { ++m_entriesRead; },
             [&](Structure&& s, std::size_t g) {
                 m_pending.push_back({std::move(s), g});
                 if (m_pending.size() == m_o.structuresPerShard) processUnit();
                 return !m_result.cancelled;
             },
             m_stop))
        unreadable.push_back({{"structure_index", e.index},
                              {"material_id", e.materialId},
                              {"reason", e.reason},
                              {"detail", e.detail}});
    if (!m_result.cancelled && !m_stop.stop_requested() && !m_pending.empty()) processUnit();
    if (m_stop.stop_requested()) m_result.cancelled = true;

    // Totals over every finished unit (those of earlier runs included).
    nlohmann::json skipped = nlohmann::json::array();
    std::map<std::string, std::size_t> byReason;
    std::array<std::size_t, 3> perSplit{};
    nlohmann::json shards = nlohmann::json::array();
    for (std::size_t u = 0; u < m_units.size(); ++u) {
        const UnitSummary& s = m_units[u];
        shards.push_back(
            {{"file", shardFileName(u)}, {"slices", s.slices}, {"first_index", m_result.slices}});
        m_result.slices += s.slices;
        m_result.structures += s.structures;
        for (int k = 0; k < 3; ++k) perSplit[k] += s.perSplit[k];
        for (const auto& item : s.skipped) skipped.push_back(item);
    }
    for (const auto& item : unreadable) skipped.push_back(item);
    std::stable_sort(skipped.begin(), skipped.end(), [](const auto& a, const auto& b) {
        return a["structure_index"].template get<std::size_t>() <
               b["structure_index"].template get<std::size_t>();
    });
    for (const auto& item : skipped) ++byReason[item["reason"].get<std::string>()];
    m_result.units = m_units.size();
    m_result.skippedByReason = byReason;
    if (m_result.cancelled) return m_result;

    std::string manifest = manifestHeader();
    std::size_t index = 0;
    for (std::size_t u = 0; u < m_units.size(); ++u) {
        const std::string text = readFileToString(part(manifestPartName(u)).string());
        std::size_t pos = 0;
        while (pos < text.size()) {
            std::size_t end = text.find('\n', pos);
            if (end == std::string::npos) end = text.size();
            manifest += std::to_string(index++) + "," + text.substr(pos, end - pos) + "\n";
            pos = end + 1;
        }
    }
    writeFileAtomically(out("manifest.csv").string(), manifest);
    nlohmann::json ds;
    ds["format"] = "cw-ecd-dataset";
    ds["format_version"] = kDatasetFormatVersion;
    ds["options"] = options;
    ds["dtype"] = datasetDtypeName(m_o.dtype);
    ds["image_shape"] = {m_o.parameters.size, m_o.parameters.size};
    ds["manifest"] = "manifest.csv";
    std::size_t selected = 0;
    for (const UnitSummary& s : m_units) selected += s.structures + s.skipped.size();
    ds["counts"] = {{"slices", m_result.slices},
                    {"structures_used", m_result.structures},
                    {"structures_considered", selected + unreadable.size()},
                    {"structures_skipped", skipped.size()},
                    {"train", perSplit[0]},
                    {"val", perSplit[1]},
                    {"test", perSplit[2]}};
    ds["skipped_by_reason"] = byReason;
    ds["skipped"] = skipped;
    ds["shards"] = shards;
    writeFileAtomically(out("dataset.json").string(), ds.dump(2) + "\n");
    return m_result;
}

}  // namespace

EcdBuildResult buildEcdDataset(const EcdDatasetOptions& options, const EcdBuildSettings& settings,
                         ProgressSink& progress, std::stop_token stop) {
    return Builder(options, settings, progress, stop).run();
}

}  // namespace cw
