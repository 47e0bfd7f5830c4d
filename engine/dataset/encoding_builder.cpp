#include "dataset/encoding_builder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "core/parallel.h"
#include "dataset/entry_scan.h"
#include "symmetry/space_group.h"

namespace cw {
namespace fs = std::filesystem;

namespace {
constexpr const char* kFormat = "cw-encoding-dataset";
constexpr const char* kTable = "properties.csv";

DatasetLayout encodingLayout() {
    DatasetLayout l;
    l.format = kFormat;
    l.formatVersion = kEncodingDatasetFormatVersion;
    l.tableFile = kTable;
    l.rowsKey = "rows";
    l.sameKeys = {"property_columns"};
    l.buildCommand = "cwb crystens build";
    return l;
}

std::string rowsPartName(std::size_t unit) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "rows-%05zu.jsonl", unit);
    return buf;
}

/// Shortest text that reads back as the same double (std::to_chars); "nan", "inf", "-inf".
std::string formatValue(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

struct UnitSummary {
    std::size_t rows = 0;
    std::array<std::size_t, 3> perSplit{};
    std::vector<SkippedEntry> skipped;
};

nlohmann::json skippedToJson(const SkippedEntry& s) {
    return {{"structure_index", s.index},
            {"material_id", s.materialId},
            {"reason", s.reason},
            {"detail", s.detail}};
}

SkippedEntry skippedFromJson(const nlohmann::json& j) {
    return {j.at("structure_index").get<std::size_t>(), j.at("material_id").get<std::string>(),
            j.at("reason").get<std::string>(), j.at("detail").get<std::string>()};
}

nlohmann::json summaryToJson(const UnitSummary& s) {
    nlohmann::json skipped = nlohmann::json::array();
    for (const SkippedEntry& e : s.skipped) skipped.push_back(skippedToJson(e));
    return {{"rows", s.rows},
            {"train", s.perSplit[0]},
            {"val", s.perSplit[1]},
            {"test", s.perSplit[2]},
            {"skipped", skipped}};
}

UnitSummary summaryFromJson(const nlohmann::json& j) {
    UnitSummary s;
    s.rows = j.at("rows");
    s.perSplit = {j.at("train").get<std::size_t>(), j.at("val").get<std::size_t>(),
                  j.at("test").get<std::size_t>()};
    for (const auto& e : j.at("skipped")) s.skipped.push_back(skippedFromJson(e));
    return s;
}

struct Pending {
    Structure structure;
    std::size_t index = 0;
};

/// One structure's outcome in a unit.
struct Encoded {
    std::string reason, detail;  // empty reason: stored
    std::vector<float> tensor;
    Xtal2PngImage image;
    std::string formula;
    std::size_t nsites = 0;
    int spaceGroup = 0;
};

std::string materialIdOf(const Structure& s, std::size_t index) {
    return s.id().empty() ? "entry-" + std::to_string(index) : s.id();
}

class EncodingBuilder {
public:
    EncodingBuilder(const EncodingDatasetOptions& o, const EncodingBuildSettings& s,
                    ProgressSink& p, std::stop_token st)
        : m_o(o), m_s(s), m_progress(p), m_stop(st), m_threads(resolveThreadCount(s.threads)) {
        m_o.validate();
        m_encoding = makeEncoding(m_o.encodingSpec());
    }

    EncodingBuildResult run();

private:
    void processUnit();
    bool buildUnit(std::size_t unit, UnitSummary& summary);  // false: cancelled
    Encoded encode(const Pending& p) const;
    fs::path out(const std::string& name) const { return fs::path(m_s.outDir) / name; }
    fs::path part(const std::string& name) const { return fs::path(m_s.outDir) / "parts" / name; }

    const EncodingDatasetOptions& m_o;
    const EncodingBuildSettings& m_s;
    ProgressSink& m_progress;
    std::stop_token m_stop;
    int m_threads;
    std::unique_ptr<const CrystalEncoding> m_encoding;
    std::vector<Pending> m_pending;
    std::vector<UnitSummary> m_units;
    EncodingBuildResult m_result;
    std::size_t m_rowsThisRun = 0;
    std::size_t m_entriesRead = 0;
};

Encoded EncodingBuilder::encode(const Pending& p) const {
    Encoded e;
    const Structure& s = p.structure;
    const auto ehull = s.properties().find("e_above_hull");
    if (m_o.maxEAboveHull && ehull != s.properties().end() &&
        !(ehull->second <= *m_o.maxEAboveHull)) {
        e.reason = "e_above_hull";
        e.detail = formatValue(ehull->second) + " eV/atom";
        return e;
    }
    if (m_o.cell == CellChoice::AsIs && s.size() > m_o.maxSites) {
        e.reason = "too_many_sites";
        e.detail = std::to_string(s.size()) + " sites";
        return e;
    }
    try {
        const SymmetryOptions symmetry{0.01, kPymatgenAngleToleranceDeg};
        const Structure c = applyCellChoice(s, m_o.cell, symmetry);
        if (c.size() > m_o.maxSites) {
            e.reason = "too_many_sites";
            e.detail =
                std::to_string(c.size()) + " sites in the " + cellChoiceName(m_o.cell) + " cell";
            return e;
        }
        checkEncodable(c, static_cast<int>(m_o.maxSites), m_encoding->name().c_str());
        const int known = knownSpaceGroupOf(s, m_o.cell);
        e.spaceGroup = known > 0 ? known : analyzeSpaceGroup(c, symmetry).number;
        e.formula = c.reducedFormula();
        e.nsites = c.size();
        m_encoding->encodeStored(c, e.spaceGroup, e.tensor, e.image.pixels);
        e.image.side = m_encoding->side();
        if (!m_s.pngDir.empty()) {
            // Upstream's PNGs are 64 × 64 whatever the data set's encoding.
            Xtal2PngOptions xo;
            xo.symmetry = symmetry;
            xo.knownSpaceGroup = e.spaceGroup;
            const Xtal2PngImage png = encodeXtal2Png(c, xo);
            writeXtal2PngFile((fs::path(m_s.pngDir) / xtal2pngFileName(c, png)).string(), png);
        }
    } catch (const IoError&) {
        throw;  // the PNG directory is unwritable: not a property of the entry
    } catch (const Error& err) {
        e.reason = "invalid";
        e.detail = err.what();
    }
    return e;
}

void EncodingBuilder::processUnit() {
    const std::size_t unit = m_units.size();
    UnitSummary summary;
    if (unitFinished(m_s.outDir, unit)) {
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

bool EncodingBuilder::buildUnit(std::size_t unit, UnitSummary& summary) {
    const bool floats = m_encoding->storedDtype() == NpyDtype::Float32;
    NpyStackWriter writer(out(shardFileName(unit)).string(), m_encoding->storedDtype(),
                          m_encoding->itemShape());
    std::string rows;
    const std::size_t batch = std::max<std::size_t>(64, static_cast<std::size_t>(m_threads) * 16);
    std::vector<Encoded> results;
    for (std::size_t start = 0; start < m_pending.size(); start += batch) {
        if (m_stop.stop_requested()) return false;  // the writer removes its .part file
        const std::size_t n = std::min(batch, m_pending.size() - start);
        results.assign(n, Encoded{});
        parallelFor(n, m_threads,
                    [&](std::size_t k) { results[k] = encode(m_pending[start + k]); });
        for (std::size_t k = 0; k < n; ++k) {
            const Pending& src = m_pending[start + k];
            const Encoded& e = results[k];
            const std::string id = materialIdOf(src.structure, src.index);
            if (!e.reason.empty()) {
                summary.skipped.push_back({src.index, id, e.reason, e.detail});
                continue;
            }
            const int split = assignSplit(id, m_o.seed, m_o.split);
            ++summary.perSplit[split];
            if (floats)
                writer.append(e.tensor.data());
            else
                writer.append(e.image.pixels.data());
            nlohmann::json props = nlohmann::json::object();
            for (const auto& [name, value] : src.structure.properties())
                props[name] = formatValue(value);
            const nlohmann::json row = {{"structure_index", src.index}, {"material_id", id},
                                        {"formula", e.formula},         {"nsites", e.nsites},
                                        {"space_group", e.spaceGroup},  {"split", splitName(split)},
                                        {"properties", props}};
            rows += row.dump() + "\n";
            ++summary.rows;
        }
        m_rowsThisRun += n;
        ProgressEvent ev;
        ev.stage = "structures";
        ev.step = static_cast<std::int64_t>(m_rowsThisRun);
        ev.scalars["structures_read"] = static_cast<double>(m_entriesRead);
        m_progress.report(ev);
    }
    writer.finish();
    writeFileAtomically(part(rowsPartName(unit)).string(), rows);
    // Written last: its presence marks the unit finished.
    writeFileAtomically(part(unitFileName(unit)).string(), summaryToJson(summary).dump() + "\n");
    return true;
}

EncodingBuildResult EncodingBuilder::run() {
    const nlohmann::json options = nlohmann::json::parse(m_o.toJson());
    prepareBuildDirectory(m_s.outDir, m_s.pngDir, options.dump());

    std::set<std::string> propertyNames;  // over every entry of the input, all jobs
    const std::vector<SkippedEntry> unreadable = scanShardEntries(
        m_o.inputs, m_o.shardIndex, m_o.shardCount,
        [&](const Structure& s, std::size_t) {
            ++m_entriesRead;
            for (const auto& [name, value] : s.properties()) propertyNames.insert(name);
        },
        [&](Structure&& s, std::size_t g) {
            m_pending.push_back({std::move(s), g});
            if (m_pending.size() == m_o.structuresPerShard) processUnit();
            return !m_result.cancelled;
        },
        m_stop);
    if (!m_result.cancelled && !m_stop.stop_requested() && !m_pending.empty()) processUnit();
    if (m_stop.stop_requested()) m_result.cancelled = true;

    std::vector<SkippedEntry> skipped;
    nlohmann::json shards = nlohmann::json::array();
    for (std::size_t u = 0; u < m_units.size(); ++u) {
        const UnitSummary& s = m_units[u];
        shards.push_back(
            {{"file", shardFileName(u)}, {"rows", s.rows}, {"first_index", m_result.rows}});
        m_result.rows += s.rows;
        for (int k = 0; k < 3; ++k) m_result.perSplit[k] += s.perSplit[k];
        skipped.insert(skipped.end(), s.skipped.begin(), s.skipped.end());
    }
    skipped.insert(skipped.end(), unreadable.begin(), unreadable.end());
    std::stable_sort(
        skipped.begin(), skipped.end(),
        [](const SkippedEntry& a, const SkippedEntry& b) { return a.index < b.index; });
    for (const SkippedEntry& e : skipped) ++m_result.skippedByReason[e.reason];
    m_result.units = m_units.size();
    if (m_result.cancelled) return m_result;

    // The table: fixed columns, then the sorted property names.
    const std::vector<std::string>& fixed = encodingTableFixedColumns();
    std::vector<std::string> columns;  // header names of the property columns
    std::vector<std::string> names(propertyNames.begin(), propertyNames.end());
    for (const std::string& name : names)
        columns.push_back(
            std::find(fixed.begin(), fixed.end(), name) != fixed.end() ? "property_" + name : name);
    std::string table;
    for (std::size_t i = 0; i < fixed.size(); ++i) table += (i ? "," : "") + fixed[i];
    for (const std::string& c : columns) table += "," + csvField(c);
    table += "\n";
    std::size_t index = 0;
    for (std::size_t u = 0; u < m_units.size(); ++u) {
        const std::string text = readFileToString(part(rowsPartName(u)).string());
        std::size_t pos = 0, row = 0;
        while (pos < text.size()) {
            std::size_t end = text.find('\n', pos);
            if (end == std::string::npos) end = text.size();
            const nlohmann::json j = nlohmann::json::parse(text.substr(pos, end - pos));
            pos = end + 1;
            std::string line = std::to_string(index++) + "," + std::to_string(u) + "," +
                               std::to_string(row++) + "," +
                               csvField(j.at("material_id").get<std::string>()) + "," +
                               csvField(j.at("formula").get<std::string>()) + "," +
                               std::to_string(j.at("nsites").get<std::size_t>()) + "," +
                               std::to_string(j.at("space_group").get<int>()) + "," +
                               j.at("split").get<std::string>();
            const nlohmann::json& props = j.at("properties");
            for (const std::string& name : names) {
                line += ',';
                if (const auto it = props.find(name); it != props.end())
                    line += it->get<std::string>();
            }
            table += line + "\n";
        }
    }
    writeFileAtomically(out(kTable).string(), table);

    const bool crystens = m_o.encoding == DatasetEncoding::CrysTens;
    nlohmann::json ds;
    ds["format"] = kFormat;
    ds["format_version"] = kEncodingDatasetFormatVersion;
    ds["encoding"] = m_encoding->name();
    if (m_o.compact)
        ds["encoding_layout"] = nlohmann::json::parse(m_encoding->spec().toJson());
    ds["options"] = options;
    ds["dtype"] = crystens ? "float32" : "uint8";
    ds["item_shape"] = m_encoding->itemShape();
    ds["layout"] = crystens ? "channels_last" : "grayscale";
    ds["normalized"] = crystens && !m_o.raw;
    ds["table"] = kTable;
    ds["table_columns"] = fixed;
    ds["property_columns"] = columns;
    std::size_t considered = unreadable.size();
    for (const UnitSummary& s : m_units) considered += s.rows + s.skipped.size();
    ds["counts"] = {{"rows", m_result.rows},
                    {"structures_considered", considered},
                    {"structures_skipped", skipped.size()},
                    {"train", m_result.perSplit[0]},
                    {"val", m_result.perSplit[1]},
                    {"test", m_result.perSplit[2]}};
    ds["skipped_by_reason"] = m_result.skippedByReason;
    nlohmann::json skippedJson = nlohmann::json::array();
    for (const SkippedEntry& e : skipped) skippedJson.push_back(skippedToJson(e));
    ds["skipped"] = skippedJson;
    ds["shards"] = shards;
    writeFileAtomically(out("dataset.json").string(), ds.dump(2) + "\n");
    return m_result;
}

}  // namespace

DatasetEncoding parseDatasetEncoding(const std::string& name) {
    if (name == "crystens") return DatasetEncoding::CrysTens;
    if (name == "xtal2png") return DatasetEncoding::Xtal2Png;
    throw ConfigError("--encoding takes crystens or xtal2png, not '" + name + "'");
}

const char* datasetEncodingName(DatasetEncoding encoding) {
    return encoding == DatasetEncoding::CrysTens ? "crystens" : "xtal2png";
}

EncodingSpec EncodingDatasetOptions::encodingSpec() const {
    EncodingSpec spec;
    spec.name = std::string(datasetEncodingName(encoding)) + (compact ? "-compact" : "");
    spec.maxSites = compact ? static_cast<int>(maxSites) : 0;
    spec.raw = raw;
    return spec;
}

void EncodingDatasetOptions::setEncodingName(const std::string& name) {
    const std::string suffix = "-compact";
    const bool isCompact =
        name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    const std::string family = isCompact ? name.substr(0, name.size() - suffix.size()) : name;
    if (family != "crystens" && family != "xtal2png") {
        std::string names;
        for (const std::string& n : encodingNames()) names += (names.empty() ? "" : ", ") + n;
        throw ConfigError("--encoding takes " + names + ", not '" + name + "'");
    }
    encoding = parseDatasetEncoding(family);
    compact = isCompact;
}

std::string EncodingDatasetOptions::toJson() const {
    nlohmann::json j;
    j["inputs"] = inputs;
    j["encoding"] = encodingSpec().name;
    if (compact) j["side"] = paddedEncodingSide(static_cast<int>(maxSites));
    j["cell"] = cellChoiceName(cell);
    j["raw"] = raw;
    j["max_sites"] = maxSites;
    j["max_e_above_hull"] = maxEAboveHull ? nlohmann::json(*maxEAboveHull) : nlohmann::json();
    j["seed"] = seed;
    j["shard"] = std::to_string(shardIndex) + "/" + std::to_string(shardCount);
    j["split"] = split;
    j["structures_per_shard"] = structuresPerShard;
    j["symprec"] = 0.01;
    j["angle_tolerance"] = kPymatgenAngleToleranceDeg;
    return j.dump();
}

void EncodingDatasetOptions::validate() const {
    if (inputs.empty()) throw ConfigError("no input collection given");
    if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount) {
        throw ConfigError("--shard I/N needs 0 ≤ I < N, not " + std::to_string(shardIndex) + "/" +
                          std::to_string(shardCount));
    }
    if (structuresPerShard == 0) throw ConfigError("--structures-per-shard must be positive");
    if (maxSites < 1 || maxSites > static_cast<std::size_t>(kEncodingMaxSites))
        throw ConfigError("--max-sites must be 1…52 (the 64 × 64 encodings hold 52 sites), not " +
                          std::to_string(maxSites));
    if (raw && encoding != DatasetEncoding::CrysTens)
        throw ConfigError("--raw applies to the crystens encoding only");
    makeEncoding(encodingSpec());  // a compact variant needs fewer than 52 sites
    double sum = 0;
    for (double f : split) {
        if (!(f >= 0)) throw ConfigError("--split: fractions must be non-negative");
        sum += f;
    }
    if (std::abs(sum - 1.0) > 1e-6) throw ConfigError("--split: the fractions do not sum to 1");
}

const std::vector<std::string>& encodingTableFixedColumns() {
    static const std::vector<std::string> columns{"index",   "shard",  "row",         "material_id",
                                                  "formula", "nsites", "space_group", "split"};
    return columns;
}

int knownSpaceGroupOf(const Structure& structure, CellChoice cell) {
    if (cell != CellChoice::AsIs) return 0;
    for (const char* key : {"symmetry_number", "spg"}) {
        const auto it = structure.properties().find(key);
        if (it != structure.properties().end() && it->second >= 1 && it->second <= 230 &&
            it->second == std::floor(it->second))
            return static_cast<int>(it->second);
    }
    return 0;
}

EncodingBuildResult buildEncodingDataset(const EncodingDatasetOptions& options,
                                         const EncodingBuildSettings& settings,
                                         ProgressSink& progress, std::stop_token stop) {
    return EncodingBuilder(options, settings, progress, stop).run();
}

MergeResult mergeEncodingDatasets(const std::vector<std::string>& dirs, const std::string& outDir) {
    return mergeDatasetDirectories(dirs, outDir, encodingLayout());
}

}  // namespace cw
