// Torch-free: the sampling is sampleFromRun's, one call per batch, so this file compiles fast.
#include "ml/generation/crystal_generation.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy.h"
#include "crystal_eval/coverage.h"
#include "crystal_eval/crystal_images.h"
#include "crystal_eval/crystal_report_files.h"
#include "io/cif.h"
#include "io/structure_stream.h"
#include "ml/run_directory.h"

namespace cw::ml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string numbered(const char* prefix, std::size_t n, const char* suffix) {
    char name[64];
    std::snprintf(name, sizeof name, "%s%05zu%s", prefix, n, suffix);
    return name;
}

/// What defines the generated files: a folder resumed with other values would mix two runs.
json requestJson(const GenerationRequest& r, const std::string& checkpoint, const EncodingSpec& encoding) {
    const SampleRequest& s = r.sample;
    json targets = json::object();
    for (const auto& [name, value] : s.guideTargets) targets[name] = value;
    return {{"run", fs::absolute(r.runDir).lexically_normal().string()},
            {"checkpoint", checkpoint},
            {"ema", s.useEma},
            {"count", s.count},
            {"batch", s.batchSize},
            {"sampler", samplerName(s.sampler.kind)},
            {"sampling_steps", s.sampler.samplingSteps},
            {"eta", s.sampler.eta},
            {"guidance", s.sampler.guidanceScale},
            {"clipping", clippingName(s.sampler.clipping)},
            {"seed", s.sampler.seed},
            {"space_group", s.spaceGroup},
            {"condition", s.conditionValues},
            {"guide", {{"run", s.guideRun}, {"targets", targets}, {"scale", s.guideScale}}},
            {"symmetrize", r.decode.symmetrizeA},
            {"refine", r.decode.refine},
            {"encoding", json::parse(encoding.toJson())}};
}

/// Writes generate.json on the first call; on later calls checks that the request is the same.
void claimOutputFolder(const std::string& outDir, const json& wanted) {
    const fs::path path = fs::path(outDir) / "generate.json";
    if (fs::exists(path)) {
        json stored;
        try {
            stored = json::parse(readFileToString(path.string()));
        } catch (const json::exception& e) {
            throw FormatError(path.string(), "", e.what());
        }
        for (const auto& [key, value] : wanted.items()) {
            if (!stored.contains(key) || stored.at(key) != value)
                throw ConfigError(outDir + " holds crystals generated with other options (" + key + ": " +
                                  (stored.contains(key) ? stored.at(key).dump() : "missing") + ", now " +
                                  value.dump() + "); choose another --out, or repeat the first command "
                                  "to resume it");
        }
        return;
    }
    if (fs::exists(outDir) && !fs::is_empty(outDir))
        throw ConfigError(outDir + " is not empty and holds no generate.json: choose a new folder");
    fs::create_directories(fs::path(outDir) / "batches");
    fs::create_directories(fs::path(outDir) / "cifs");
    writeFileAtomically(path.string(), wanted.dump(2) + "\n");
}

/// A batch's outcome, as batch-NNNNN.json keeps it.
struct BatchRecord {
    std::vector<std::string> ids;
    std::vector<std::string> errors;  ///< empty: decoded
};

/// Samples batch `index` (images first..first+n) into batches/, decodes it, writes its CIFs and
/// finally its record. Returns false when cancelled (nothing of the batch is kept).
bool generateBatch(const GenerationRequest& request, const CrystalEncoding& encoding,
                   const std::string& outDir, std::size_t index, int first, int n,
                   ProgressSink& sampling, std::stop_token stop, double* sampleSeconds) {
    const fs::path batches = fs::path(outDir) / "batches";
    const fs::path scratch = batches / numbered("sampling-", index, "");
    fs::remove_all(scratch);
    SampleRequest sample = request.sample;
    sample.count = n;
    sample.batchSize = n;
    // The seed of images first… is the one a single call for all images would give them.
    sample.sampler.seed = request.sample.sampler.seed + static_cast<std::uint64_t>(first);
    sample.stacked = true;
    sample.png = false;
    const auto start = std::chrono::steady_clock::now();
    const SampleResult sampled =
        sampleFromRun(request.runDir, sample, scratch.string(), sampling, stop);
    *sampleSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (sampled.cancelled || sampled.written < n) {
        fs::remove_all(scratch);
        return false;
    }
    const std::string images = (batches / numbered("batch-", index, ".npy")).string();
    fs::rename(scratch / "samples.npy", images);
    fs::remove_all(scratch);

    const NpyArray array = readNpy(images);
    const std::size_t item = static_cast<std::size_t>(encoding.channels()) * encoding.side() * encoding.side();
    json record = {{"first", first}, {"count", n}, {"crystals", json::array()}};
    for (int i = 0; i < n; ++i) {
        const std::string id = numbered("sample-", static_cast<std::size_t>(first + i), "");
        json entry = {{"id", id}};
        try {
            DecodedCrystal decoded = encoding.decode(array.f32.data() + i * item, request.decode);
            decoded.structure.setId(id);
            writeCif((fs::path(outDir) / "cifs" / (id + ".cif")).string(), decoded.structure);
            entry["formula"] = decoded.structure.reducedFormula();
            entry["sites"] = decoded.structure.size();
        } catch (const Error& e) {
            entry["error"] = e.what();
        }
        record["crystals"].push_back(entry);
    }
    // Written last: its presence marks the batch finished.
    writeFileAtomically((batches / numbered("batch-", index, ".json")).string(), record.dump(2) + "\n");
    return true;
}

/// Every crystal of a reference or training input: a collection, or images decoded.
std::vector<Structure> readCrystalSet(const std::string& path, const EncodingDecodeSettings& decode,
                                      const char* role, std::vector<std::string>& skipped) {
    ProblemLog problems;
    std::vector<Structure> out;
    if (auto images = readCrystalImages(path, decode, problems)) {
        for (const GeneratedCrystal& c : *images) {
            try {
                out.push_back(toStructure(c));
            } catch (const Error&) {
            }
        }
    } else {
        out = readStructures(path, &problems);
    }
    for (const Problem& p : problems.problems()) skipped.push_back(std::string(role) + " " + p.where + ": " + p.reason);
    if (out.empty()) throw FormatError(path, "", std::string("no ") + role + " crystal could be read");
    return out;
}

/// Sampling's events inside one batch as the generation's: images of the whole request so far,
/// so that the rate shows from the first batch.
class BatchProgressSink final : public ProgressSink {
public:
    BatchProgressSink(ProgressSink& target, std::int64_t total) : m_target(target), m_total(total) {}
    void setFirst(std::int64_t first) { m_first = first; }
    void report(const ProgressEvent& event) override {
        if (event.stage == "sample") m_target.report({"generate", m_first + event.step, m_total, event.scalars});
    }

private:
    ProgressSink& m_target;
    std::int64_t m_total;
    std::int64_t m_first = 0;
};

}  // namespace

EncodingSpec runEncoding(const std::string& runDir) {
    const std::string path = (fs::path(runDir) / "data.json").string();  // runDataInfoPath, a torch header
    if (!fs::is_regular_file(path))
        throw ConfigError(runDir + " is not a trained diffusion run (no data.json; see cwb diffusion train)");
    json data;
    try {
        data = json::parse(readFileToString(path));
    } catch (const json::exception& e) {
        throw FormatError(path, "", e.what());
    }
    if (data.contains("encoding")) return EncodingSpec::fromJson(data.at("encoding").dump(), path);
    const std::string kind = data.value("kind", std::string());
    if (kind == "ecd")
        throw ConfigError(runDir + " was trained on ECD slices: its images are slices, not crystals "
                                   "(generate from a CrysTens or xtal2png run)");
    // Runs trained before the encoding was recorded: the full 64 × 64 encodings.
    if (kind == "crystens" || kind == "xtal2png") {
        const EncodingSpec full{kind, 0, false};
        const int side = data.value("image_size", 0);
        if (makeEncoding(full)->side() != side)
            throw ConfigError(path + ": a " + kind + " run of " + std::to_string(side) +
                              " px without its encoding description; retrain it");
        return full;
    }
    throw ConfigError(path + ": unknown data kind '" + kind + "'");
}

GenerationResult generateCrystals(const GenerationRequest& request, const std::string& outDir,
                                  ProgressSink& progress, std::stop_token stop) {
    if (request.sample.count < 1) throw ConfigError("--n must be at least 1");
    if (request.sample.batchSize < 1) throw ConfigError("--batch must be at least 1");
    if (request.reference.empty()) throw ConfigError("--reference is required: the crystals to judge against");
    const EncodingSpec spec = runEncoding(request.runDir);
    GenerationRequest r = request;
    r.decode.analyzeSymprec = 0;  // the evaluator finds the space groups itself
    const auto encoding = makeEncoding(spec);
    const std::string checkpoint = resolveCheckpoint(r.runDir, r.sample.checkpoint);
    GenerationResult result;
    std::vector<Structure> reference = readCrystalSet(r.reference, r.decode, "reference", result.skipped);
    std::vector<Structure> training;
    if (!r.training.empty()) training = readCrystalSet(r.training, r.decode, "training", result.skipped);
    claimOutputFolder(outDir, requestJson(r, checkpoint, spec));

    const auto start = std::chrono::steady_clock::now();
    double sampleSeconds = 0;
    std::size_t sampledThisCall = 0;
    const int count = r.sample.count, batch = r.sample.batchSize;
    BatchProgressSink sampling(progress, count);
    const fs::path batches = fs::path(outDir) / "batches";
    for (int first = 0, index = 0; first < count; first += batch, ++index) {
        const int n = std::min(batch, count - first);
        if (fs::is_regular_file(batches / numbered("batch-", index, ".json"))) {
            ++result.batchesResumed;
        } else {
            if (stop.stop_requested()) {
                result.cancelled = true;
                break;
            }
            sampling.setFirst(first);
            if (!generateBatch(r, *encoding, outDir, index, first, n, sampling, stop,
                               &sampleSeconds)) {
                result.cancelled = true;
                break;
            }
            sampledThisCall += n;
        }
        result.generated = first + n;
        result.imagesPerSecond = sampleSeconds > 0 ? sampledThisCall / sampleSeconds : 0;
        // Batch ends carry batches_done (the events in between come from the sampler).
        progress.report({"generate", static_cast<std::int64_t>(result.generated), count,
                         {{"images_per_s", result.imagesPerSecond}, {"batches_done", index + 1.0}}});
    }
    if (result.cancelled) return result;

    // Every batch is finished: gather the images and the crystals (from the CIFs' sources).
    std::vector<float> all;
    std::vector<GeneratedCrystal> generated;
    ProblemLog unused;
    for (int first = 0, index = 0; first < count; first += batch, ++index) {
        const NpyArray images = readNpy((batches / numbered("batch-", index, ".npy")).string());
        all.insert(all.end(), images.f32.begin(), images.f32.end());
        const json record = json::parse(readFileToString((batches / numbered("batch-", index, ".json")).string()));
        const std::size_t item = static_cast<std::size_t>(encoding->channels()) * encoding->side() * encoding->side();
        std::size_t i = 0;
        for (const json& entry : record.at("crystals")) {
            const std::string id = entry.at("id").get<std::string>();
            if (entry.contains("error")) {
                result.undecodable.push_back(id + ": " + entry.at("error").get<std::string>());
                GeneratedCrystal none;
                none.id = id;
                generated.push_back(none);
            } else {
                // Decoded again rather than read from the CIF: the CIF's six decimals would
                // shift coordinates at the matcher's tolerances.
                generated.push_back(decodeCrystalImage(*encoding, images.f32.data() + i * item, id,
                                                       r.decode, unused));
                ++result.decoded;
            }
            ++i;
        }
    }
    const std::size_t side = static_cast<std::size_t>(encoding->side());
    writeNpy((fs::path(outDir) / "samples.npy").string(), all,
             {static_cast<std::size_t>(count), static_cast<std::size_t>(encoding->channels()), side, side});
    writeFileAtomically((fs::path(outDir) / "encoding.json").string(), spec.toJson() + "\n");

    CrystalReportOptions options = r.report;
    if (r.dataset.empty()) {
        options.coverage.reset();
    } else {
        options.coverage = coverageCutoffsFor(r.dataset);
    }
    result.report =
        evaluateGeneratedCrystals(generated, reference, training, options, &progress, stop);
    if (result.report.cancelled || stop.stop_requested()) {
        result.cancelled = true;
        return result;
    }
    writeCrystalReport(outDir, result.report, reference, r.dataset);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.crystalsPerSecond = sampledThisCall > 0 ? sampledThisCall / seconds : 0;
    result.reference = reference;
    result.training = std::move(training);
    return result;
}

std::string defaultGenerationRun() {
    const char* name = "perov5-crystens";
    if (const char* env = std::getenv("CW_MODEL_DIR"); env && *env) return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share" / "crystal-workbench" / "models" / name;
        if (fs::is_regular_file(installed / "config.json")) return installed.string();
    }
#ifdef CW_SOURCE_DIR
    const fs::path source = fs::path(CW_SOURCE_DIR) / "resources" / "models" / name;
    if (fs::is_regular_file(source / "config.json")) return source.string();
#endif
    return {};
}

}  // namespace cw::ml
