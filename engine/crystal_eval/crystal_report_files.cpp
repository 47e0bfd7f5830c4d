#include "crystal_eval/crystal_report_files.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/name_list.h"
#include "io/cif.h"
#include "plot/chart.h"

namespace cw {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

nlohmann::json numberOrNull(double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json rate(std::size_t count, std::size_t of) {
    return {{"count", count}, {"rate", of ? double(count) / double(of) : 0.0}};
}

std::string quoted(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string flag(bool value) { return value ? "1" : "0"; }

std::string shortNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

/// Replaces `folder` with one P1 CIF per selected crystal (a fresh folder, so a rerun with
/// fewer crystals leaves no stale files).
std::vector<std::string> writeCifFolder(const fs::path& folder, const CrystalReport& report,
                                        const std::function<bool(const CrystalVerdict&)>& pick) {
    const auto& structures = report.structures;
    std::error_code ec;
    fs::remove_all(folder, ec);
    fs::create_directories(folder, ec);
    if (ec) throw IoError(folder.string(), "cannot create the folder: " + ec.message());
    std::vector<std::string> written;
    for (std::size_t i = 0; i < report.crystals.size() && i < structures.size(); ++i) {
        if (!structures[i] || !pick(report.crystals[i])) continue;
        const std::string name = fileSafeName(report.crystals[i].id.empty()
                                                  ? "crystal_" + std::to_string(i)
                                                  : report.crystals[i].id);
        const std::string path = (folder / (name + ".cif")).string();
        writeCif(path, *structures[i]);
        written.push_back(path);
    }
    return written;
}

Chart spaceGroupChart(const CrystalReport& report) {
    // The 20 groups most common in either set, as shares, side by side.
    std::map<int, double> total;
    auto share = [](const std::map<int, std::size_t>& counts, int group) {
        std::size_t all = 0;
        for (const auto& [g, c] : counts) all += c;
        const auto it = counts.find(group);
        return all && it != counts.end() ? double(it->second) / double(all) : 0.0;
    };
    for (const auto& [g, c] : report.generatedSpaceGroups) total[g] += share(report.generatedSpaceGroups, g);
    for (const auto& [g, c] : report.referenceSpaceGroups) total[g] += share(report.referenceSpaceGroups, g);
    std::vector<std::pair<double, int>> ranked;
    for (const auto& [g, t] : total) ranked.emplace_back(-t, g);
    std::sort(ranked.begin(), ranked.end());
    if (ranked.size() > 20) ranked.resize(20);
    std::vector<int> groups;
    for (const auto& [t, g] : ranked) groups.push_back(g);
    std::sort(groups.begin(), groups.end());

    Chart chart;
    chart.title = "Space groups (spglib, symprec 0.01 Å)";
    chart.xLabel = "space group (position; the numbers are in the notes)";
    chart.yLabel = "share of crystals";
    ChartSeries generated{"generated", ChartSeries::Style::Bars, {}, {}, 0};
    ChartSeries reference{"reference", ChartSeries::Style::Steps, {}, {}, 0};
    std::string names;
    for (std::size_t k = 0; k < groups.size(); ++k) {
        generated.y.push_back(share(report.generatedSpaceGroups, groups[k]));
        reference.y.push_back(share(report.referenceSpaceGroups, groups[k]));
        names += (k ? " " : "") + (groups[k] == 0 ? std::string("none") : std::to_string(groups[k]));
    }
    for (std::size_t k = 0; k <= groups.size(); ++k) {
        generated.x.push_back(double(k));
        reference.x.push_back(double(k));
    }
    chart.series = {generated, reference};
    chart.notes = {"groups: " + names};
    return chart;
}

Chart densityChart(const CrystalReport& report, const std::vector<Structure>& reference) {
    const auto& structures = report.structures;
    std::vector<double> generated, real;
    for (std::size_t i = 0; i < report.crystals.size() && i < structures.size(); ++i) {
        if (report.crystals[i].valid) generated.push_back(structures[i]->densityGPerCm3());
    }
    for (const Structure& s : reference) real.push_back(s.densityGPerCm3());
    double hi = 0;
    for (double d : generated) hi = std::max(hi, d);
    for (double d : real) hi = std::max(hi, d);
    hi = std::max(1.0, std::ceil(hi));
    const int bins = 40;
    auto histogram = [&](const std::vector<double>& values, const std::string& label,
                         ChartSeries::Style style) {
        ChartSeries series{label, style, {}, std::vector<double>(bins, 0.0), 0};
        for (int k = 0; k <= bins; ++k) series.x.push_back(hi * k / bins);
        for (double v : values) {
            const int k = std::clamp(int(v / hi * bins), 0, bins - 1);
            series.y[k] += values.empty() ? 0 : 1.0 / double(values.size());
        }
        return series;
    };
    Chart chart;
    chart.title = "Density of valid generated and reference crystals";
    chart.xLabel = "density (g/cm³)";
    chart.yLabel = "share of crystals";
    chart.series = {histogram(generated, "generated (valid)", ChartSeries::Style::Bars),
                    histogram(real, "reference", ChartSeries::Style::Steps)};
    if (report.properties) {
        chart.notes = {"W1(density) = " + shortNumber(report.properties->densityW1) + " g/cm³"};
    }
    return chart;
}

}  // namespace

std::vector<PublishedRow> publishedRows(const std::string& dataset) {
    // docs/spec/crystal-generation.md §6 (CDVAE Table 3; DiffCSP's paper row and re-run).
    if (dataset == "perov5") {
        return {{"FTCP", 0.24, 54.24, 0.00, 0.00, 10.27, 0.6297},
                {"Cond-DFC-VAE", 73.60, 82.95, 73.92, 10.13, 2.268, 0.8373},
                {"G-SchNet", 99.92, 98.79, 0.18, 0.23, 1.625, 0.03684},
                {"P-G-SchNet", 79.63, 99.13, 0.37, 0.25, 0.2755, 0.4552},
                {"CDVAE", 100.0, 98.59, 99.45, 98.46, 0.1258, 0.0628}};
    }
    if (dataset == "carbon24") {
        return {{"FTCP", 0.08, kNaN, 0.00, 0.00, 5.206, kNaN},
                {"G-SchNet", 99.94, kNaN, 0.00, 0.00, 0.9427, kNaN},
                {"P-G-SchNet", 48.39, kNaN, 0.00, 0.00, 1.533, kNaN},
                {"CDVAE", 100.0, kNaN, 99.80, 83.08, 0.1407, kNaN}};
    }
    if (dataset == "mp20") {
        return {{"FTCP", 1.55, 48.37, 4.72, 0.09, 23.71, 0.7363},
                {"G-SchNet", 99.65, 75.96, 38.33, 99.57, 3.034, 0.6411},
                {"P-G-SchNet", 77.51, 76.40, 41.93, 99.74, 4.04, 0.6234},
                {"CDVAE", 100.0, 86.70, 99.15, 99.49, 0.6875, 1.432},
                {"DiffCSP (paper)", 100.0, 83.25, 99.71, 99.76, 0.3502, 0.3398}};
    }
    return {};
}

std::string crystalReportJson(const CrystalReport& r, const std::string& dataset) {
    nlohmann::json j;
    j["generated"] = r.generated;
    j["reference"] = r.reference;
    j["training"] = r.training;
    j["cancelled"] = r.cancelled;
    j["structural_validity"] = rate(r.structurallyValid, r.generated);
    j["compositional_validity"] = rate(r.compositionallyValid, r.generated);
    j["fingerprinted"] = rate(r.fingerprinted, r.generated);
    j["valid"] = rate(r.valid, r.generated);
    j["unique"] = rate(r.unique, r.generated);
    j["novel"] = r.novel ? rate(*r.novel, r.generated) : nlohmann::json(nullptr);
    if (r.coverage) {
        j["coverage"] = {{"recall", r.coverage->recall},
                         {"precision", r.coverage->precision},
                         {"generated_with_fingerprints", r.coverage->generatedWithFingerprints},
                         {"reference_with_fingerprints", r.coverage->referenceWithFingerprints}};
    } else {
        j["coverage"] = nullptr;
    }
    if (r.properties) {
        j["properties"] = {{"density_w1", r.properties->densityW1},
                           {"element_count_w1", r.properties->elementCountW1},
                           {"drawn", r.properties->drawn},
                           {"fewer_than_requested", r.properties->fewerThanRequested}};
    } else {
        j["properties"] = nullptr;
    }
    if (!r.propertiesNote.empty()) j["properties_note"] = r.propertiesNote;
    auto histogram = [](const std::map<int, std::size_t>& counts) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [g, c] : counts) out[std::to_string(g)] = c;
        return out;
    };
    j["space_groups"] = {{"generated", histogram(r.generatedSpaceGroups)},
                         {"reference", histogram(r.referenceSpaceGroups)},
                         {"reference_analysed", r.referenceSpaceGroupSample}};
    j["seconds"] = r.stageSeconds;
    j["dataset"] = dataset;
    nlohmann::json published = nlohmann::json::array();
    for (const PublishedRow& row : publishedRows(dataset)) {
        published.push_back({{"model", row.model},
                             {"structural", numberOrNull(row.structural)},
                             {"compositional", numberOrNull(row.compositional)},
                             {"cov_r", numberOrNull(row.coverageRecall)},
                             {"cov_p", numberOrNull(row.coveragePrecision)},
                             {"density_w1", numberOrNull(row.densityW1)},
                             {"element_count_w1", numberOrNull(row.elementsW1)}});
    }
    j["published_percent"] = published;
    return j.dump(2) + "\n";
}

std::string crystalReportCsv(const CrystalReport& r) {
    std::string out =
        "id,formula,space_group,space_group_symbol,structural_valid,structural_reason,"
        "compositional_valid,compositional_rule,fingerprinted,fingerprint_error,valid,unique,"
        "novel,covers_reference,nearest_training_id,nearest_training_rms,"
        "nearest_training_match\n";
    for (const CrystalVerdict& v : r.crystals) {
        out += quoted(v.id) + "," + quoted(v.formula) + "," + std::to_string(v.spaceGroup) + "," +
               quoted(v.spaceGroupSymbol) + "," + flag(v.validity.structural.valid) + "," +
               quoted(v.validity.structural.valid ? "" : v.validity.reason()) + "," +
               flag(v.validity.composition.valid) + "," +
               quoted(std::string(compositionRuleName(v.validity.composition.rule))) + "," + flag(v.fingerprintError.empty()) +
               "," + quoted(v.fingerprintError) + "," + flag(v.valid) + "," + flag(v.unique) +
               "," + (v.novel ? flag(*v.novel) : "") + "," + flag(v.coversReference) + "," +
               quoted(v.nearestTrainingId) + "," +
               (v.nearestTrainingRms ? shortNumber(v.nearestTrainingRms->rms) : "") + "," +
               (v.nearestTrainingRms ? flag(v.matchesNearestTraining) : "") + "\n";
    }
    return out;
}

std::vector<std::string> writeCrystalReport(const std::string& directory, const CrystalReport& report,
                                            const std::vector<Structure>& reference,
                                            const std::string& dataset) {
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec) throw IoError(directory, "cannot create the output folder: " + ec.message());
    const fs::path root(directory);
    std::vector<std::string> written;
    auto write = [&](const std::string& name, const std::string& text) {
        writeFileAtomically((root / name).string(), text);
        written.push_back((root / name).string());
    };
    write("report.json", crystalReportJson(report, dataset));
    write("crystals.csv", crystalReportCsv(report));
    auto add = [&](const std::vector<std::string>& paths) {
        written.insert(written.end(), paths.begin(), paths.end());
    };
    add(writeCifFolder(root / "valid", report, [](const CrystalVerdict& v) { return v.valid; }));
    add(writeCifFolder(root / "unique", report, [](const CrystalVerdict& v) { return v.unique; }));
    add(writeCifFolder(root / "novel", report,
                       [](const CrystalVerdict& v) { return v.novel.value_or(false); }));
    add(writeChartPngAndSvg(spaceGroupChart(report), (root / "space_groups").string()));
    add(writeChartPngAndSvg(densityChart(report, reference), (root / "properties").string()));
    return written;
}

}  // namespace cw
