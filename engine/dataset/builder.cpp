#include "dataset/builder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "core/parallel.h"
#include "core/png_image.h"
#include "core/problem_log.h"
#include "dataset/store.h"
#include "ecd/enumerate.h"
#include "io/structure_stream.h"

namespace cw {
namespace fs = std::filesystem;

std::string DatasetOptions::toJson() const {
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
    return j.dump();
}

void DatasetOptions::validate() const {
    if (inputs.empty()) throw ConfigError("no input collection given");
    if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) {
        throw ConfigError("--shard I/N needs 0 ≤ I < N, not " + std::to_string(shardIndex) + "/" +
                          std::to_string(shardCount));
    }
    if (structuresPerShard == 0) throw ConfigError("--structures-per-shard must be positive");
    if (perStructure && *perStructure == 0) throw ConfigError("--per-structure must be positive");
    parameters.validate();
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

std::string fileSafe(const std::string& id) {
    std::string out = id;
    for (char& c : out)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
            c = '_';
    return out;
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
    Builder(const DatasetOptions& o, const BuildSettings& s, ProgressSink& p, std::stop_token st)
        : m_o(o),
          m_s(s),
          m_progress(p),
          m_stop(st),
          m_threads(resolveThreadCount(s.threads)),
          m_hash(parametersHash(o.parameters)) {}

    BuildResult run();

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

    const DatasetOptions& m_o;
    const BuildSettings& m_s;
    ProgressSink& m_progress;
    std::stop_token m_stop;
    int m_threads;
    std::string m_hash;
    std::vector<Pending> m_pending;
    std::vector<UnitSummary> m_units;
    BuildResult m_result;
    std::size_t m_slicesThisRun = 0;
    std::size_t m_entriesRead = 0;
};

void Builder::processUnit() {
    const std::size_t unit = m_units.size();
    UnitSummary summary;
    if (fs::exists(part(unitFileName(unit))) && fs::exists(out(shardFileName(unit)))) {
        summary =
            summaryFromJson(nlohmann::json::parse(readFileToString(part(unitFileName(unit)))));
        ++m_result.unitsResumed;
    } else if (!buildUnit(unit, summary)) {
        m_result.cancelled = true;
        m_pending.clear();
        return;
    }
    m_units.push_back(std::move(summary));
    m_pending.clear();
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

    NpyStackWriter writer(out(shardFileName(unit)).string(), NpyDtype::Float32,
                          {static_cast<std::size_t>(p.size), static_cast<std::size_t>(p.size)});
    std::string manifest;
    const std::size_t batch = std::max<std::size_t>(64, static_cast<std::size_t>(m_threads) * 16);
    std::vector<SliceResult> results;
    for (std::size_t start = 0; start < jobs.size(); start += batch) {
        if (m_stop.stop_requested()) return false;  // the writer removes its .part file
        const std::size_t n = std::min(batch, jobs.size() - start);
        results.assign(n, SliceResult{});
        parallelFor(n, m_threads, [&](std::size_t k) {
            const Job& job = jobs[start + k];
            results[k] = slicers[job.structure]->slice(job.picks);
            if (!m_s.pngDir.empty()) {
                const Pending& src = m_pending[job.structure];
                const std::string name = fileSafe(materialIdOf(src.structure, src.index)) + "_" +
                                         std::to_string(job.picks[0].site) + "_" +
                                         std::to_string(job.picks[1].site) + "_" +
                                         std::to_string(job.picks[2].site) + ".png";
                writePngGray((fs::path(m_s.pngDir) / name).string(), results[k].image, 8);
            }
        });
        for (std::size_t k = 0; k < n; ++k) {
            const Job& job = jobs[start + k];
            const Pending& src = m_pending[job.structure];
            const std::string id = materialIdOf(src.structure, src.index);
            const SliceMetadata& m = results[k].metadata;
            const int split = assignSplit(id, m_o.seed, m_o.split);
            ++summary.perSplit[split];
            writer.append(results[k].image);
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
        m_slicesThisRun += n;
        ProgressEvent e;
        e.stage = "slices";
        e.step = static_cast<std::int64_t>(m_slicesThisRun);
        e.scalars["structures_read"] = static_cast<double>(m_entriesRead);
        m_progress.report(e);
    }
    writer.finish();
    writeFileAtomically(part(manifestPartName(unit)).string(), manifest);
    // Written last: its presence marks the unit finished.
    writeFileAtomically(part(unitFileName(unit)).string(), summaryToJson(summary).dump() + "\n");
    return true;
}

BuildResult Builder::run() {
    m_o.validate();
    if (m_s.outDir.empty()) throw ConfigError("no output directory given (--out)");
    fs::create_directories(fs::path(m_s.outDir) / "parts");
    if (!m_s.pngDir.empty()) fs::create_directories(m_s.pngDir);
    const nlohmann::json options = nlohmann::json::parse(m_o.toJson());
    const fs::path optionsPath = part("options.json");
    if (fs::exists(optionsPath)) {
        const nlohmann::json old = nlohmann::json::parse(readFileToString(optionsPath.string()));
        if (old != options) {
            std::string diff;
            for (const auto& [key, value] : options.items())
                if (!old.contains(key) || old[key] != value)
                    diff += (diff.empty() ? "" : ", ") + key + " (was " +
                            (old.contains(key) ? old[key].dump() : "absent") + ", now " +
                            value.dump() + ")";
            throw ConfigError(
                "'" + m_s.outDir + "' holds a data set built with other options: " + diff +
                "; re-run the original command to resume it, or choose another --out");
        }
    } else {
        writeFileAtomically(optionsPath.string(), options.dump(2) + "\n");
    }

    ProblemLog problems;
    nlohmann::json unreadable = nlohmann::json::array();
    std::size_t offset = 0;
    std::size_t gapsSeen = 0;
    const auto noteGaps = [&](std::size_t from, std::size_t to) {  // bad entries [from, to)
        for (std::size_t i = from; i < to; ++i, ++gapsSeen) {
            const std::size_t g = offset + i;
            if (g % static_cast<std::size_t>(m_o.shardCount) !=
                static_cast<std::size_t>(m_o.shardIndex))
                continue;
            nlohmann::json item = {{"structure_index", g},
                                   {"material_id", ""},
                                   {"reason", "unreadable"},
                                   {"detail", ""}};
            if (gapsSeen < problems.problems().size()) {
                const Problem& pr = problems.problems()[gapsSeen];
                item["detail"] = pr.where + ": " + pr.reason;
            }
            unreadable.push_back(std::move(item));
        }
    };
    for (const std::string& input : m_o.inputs) {
        const std::size_t problemsBefore = problems.count();
        std::size_t next = 0;  // next expected entry index in this file
        const std::size_t delivered = forEachStructure(
            input,
            [&](Structure&& s, std::size_t index) {
                noteGaps(next, index);
                next = index + 1;
                const std::size_t g = offset + index;
                ++m_entriesRead;
                if (g % static_cast<std::size_t>(m_o.shardCount) !=
                    static_cast<std::size_t>(m_o.shardIndex))
                    return !m_stop.stop_requested();
                m_pending.push_back({std::move(s), g});
                if (m_pending.size() == m_o.structuresPerShard) processUnit();
                return !m_result.cancelled && !m_stop.stop_requested();
            },
            problems, m_stop);
        if (m_result.cancelled || m_stop.stop_requested()) break;
        const std::size_t entries = delivered + (problems.count() - problemsBefore);
        noteGaps(next, entries);
        offset += entries;
    }
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
    ds["dtype"] = "float32";
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

BuildResult buildDataset(const DatasetOptions& options, const BuildSettings& settings,
                         ProgressSink& progress, std::stop_token stop) {
    return Builder(options, settings, progress, stop).run();
}

}  // namespace cw
