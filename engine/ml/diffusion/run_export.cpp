#include "ml/diffusion/run_export.h"

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "ml/diffusion/checkpoint.h"
#include "ml/diffusion/training_config.h"
#include "ml/run_directory.h"

namespace cw::ml {

namespace fs = std::filesystem;

ExportedModel exportSamplingModel(const std::string& runDir, const std::string& which, const std::string& outDir) {
    if (fs::exists(outDir) && !fs::is_empty(outDir))
        throw ConfigError(outDir + " is not empty: export into a new folder");
    const std::string source = resolveCheckpoint(runDir, which);
    const DiffusionTrainingConfig config = diffusionTrainingConfigFromJson(
        readFileToString(runConfigPath(runDir)), {}, runConfigPath(runDir));
    UNet ema(config.model);
    const CheckpointState state = loadWeights(source, ema, true, torch::Device(torch::kCPU));
    fs::create_directories(outDir);
    for (const std::string& file : {runConfigPath(runDir), runDataInfoPath(runDir), runMetricsPath(runDir),
                                    runStatusPath(runDir)}) {
        if (fs::is_regular_file(file))
            writeFileAtomically((fs::path(outDir) / fs::path(file).filename()).string(), readFileToString(file));
    }
    ExportedModel out;
    out.checkpoint = runLatestCheckpointPath(outDir);
    saveSamplingWeights(out.checkpoint, ema, state);
    out.step = state.step;
    out.bytes = fs::file_size(out.checkpoint);
    return out;
}

}  // namespace cw::ml
