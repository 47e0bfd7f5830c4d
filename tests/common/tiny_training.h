#pragma once
// A tiny real training set-up for GUI tests: an ECD data set of 32 px slices built from the
// CIFs of tests/data, and a UNet of base width 8 that trains on one CPU thread at ~10 steps/s.

#include <stdexcept>
#include <string>

#include "dataset/ecd_builder.h"
#include "ml/diffusion/training_config.h"

namespace cw::test {

/// Builds the data set into `dir` (created); returns `dir`. Throws on failure.
inline std::string buildTinyEcdDataset(const std::string& dir) {
    EcdDatasetOptions options;
    for (const char* name : {"Li2O.cif", "V2O3.cif", "nacl_symops.cif", "CsI3Pb.cif"})
        options.inputs.push_back(std::string(CW_TEST_DATA_DIR) + "/cif/" + name);
    options.perStructure = 8;
    options.seed = 3;
    options.split = {1.0, 0.0, 0.0};
    options.parameters.size = 32;
    EcdBuildSettings settings;
    settings.outDir = dir;
    settings.threads = 1;
    NullProgressSink progress;
    if (buildEcdDataset(options, settings, progress).slices == 0)
        throw std::runtime_error("the tiny data set has no slices");
    return dir;
}

/// A run far longer than any test waits for (they end it by Cancel or Pause), logging every
/// step and writing a 4-image grid every 3 steps.
inline ml::DiffusionTrainingConfig tinyTrainingConfig(const std::string& dataDir) {
    ml::DiffusionTrainingConfig c;
    c.dataDir = dataDir;
    c.model.imageSize = 32;
    c.model.baseChannels = 8;
    c.model.channelMults = {1, 2};
    c.model.resBlocksPerLevel = 1;
    c.model.attentionResolutions = {16};
    c.model.attentionHeads = 2;
    c.steps = 1000;
    c.batchSize = 2;
    c.learningRate = 1e-3;
    c.warmupSteps = 0;
    c.device = "cpu";
    c.threads = 1;  // leave the other core to the event loop
    c.loaderWorkers = 1;
    c.seed = 1;
    c.logEvery = 1;
    c.checkpointEvery = 1000;
    c.sampleEvery = 3;
    c.sampleGridCount = 4;
    c.sampleGridSteps = 2;
    return c;
}

}  // namespace cw::test
