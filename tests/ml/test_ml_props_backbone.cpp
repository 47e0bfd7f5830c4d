// Property prediction with a user-supplied TorchScript backbone (engine/ml/props/props_network.h)
// on the tiny real CrysTens data set: small modules are written by the test itself (one taking 3
// channels and returning N×F×1×1, so a learned 4→3 adapter goes in front of it; one taking the 4
// CrysTens channels and returning a tuple). Frozen, the module's weights stay those of the file
// while the adapter and the head train; fine-tuned, they change too; the run predicts from its
// own copy of the file with the numbers of predictions.csv and resumes from it; bad files fail
// clearly.
#include <torch/script.h>
#include <QTemporaryDir>
#include <QtTest>
#include <stop_token>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.h"
#include "core/progress.h"
#include "ml/props/props_model.h"
#include "ml/props/props_network.h"
#include "ml/props/props_run.h"
#include "ml/run_directory.h"
#include "props_test_helpers.h"
#include "tiny_datasets.h"

using namespace cw;
using namespace cw::ml;
namespace fs = std::filesystem;

namespace {

// A 3×3 stride-2 convolution, ReLU and global mean: [N, 3, H, W] → [N, 8, 1, 1].
void writeThreeChannelModule(const std::string& path) {
    torch::manual_seed(11);
    torch::jit::Module m("ThreeChannelBackbone");
    m.register_parameter("weight", torch::randn({8, 3, 3, 3}) * 0.3, false);
    m.register_parameter("bias", torch::zeros({8}), false);
    m.define(R"JIT(
def forward(self, x):
    h = torch.conv2d(x, self.weight, self.bias, [2, 2], [1, 1])
    return torch.mean(torch.relu(h), [2, 3], True)
)JIT");
    m.save(path);
}

// Takes the 4 CrysTens channels and returns (feature map, features [N, 6]) like pytorch-fid's
// list of blocks: the last element is the features.
void writeFourChannelModule(const std::string& path) {
    torch::manual_seed(12);
    torch::jit::Module m("FourChannelBackbone");
    m.register_parameter("conv_weight", torch::randn({6, 4, 3, 3}) * 0.3, false);
    m.register_parameter("conv_bias", torch::zeros({6}), false);
    m.define(R"JIT(
def forward(self, x):
    h = torch.relu(torch.conv2d(x, self.conv_weight, self.conv_bias, [2, 2], [1, 1]))
    return (h, torch.mean(h, [2, 3]))
)JIT");
    m.save(path);
}

PropsConfig tinyConfig(const std::string& data, const std::string& backbone, bool freeze) {
    PropsConfig c = test::quickPropsConfig(data, {"density"});
    c.model = PropsModelKind::Backbone;
    c.backboneFile = backbone;
    c.freezeBackbone = freeze;
    c.learningRate = 5e-3;
    c.seed = 4;
    return c;
}

std::map<std::string, torch::Tensor> parametersOf(const torch::nn::Module& module) {
    std::map<std::string, torch::Tensor> out;
    for (const auto& p : module.named_parameters()) out[p.key()] = p.value().detach().clone();
    return out;
}

// The weights of the network a run's best checkpoint holds, and of the network the run started
// from (the same construction after the same seed).
struct Weights {
    std::map<std::string, torch::Tensor> trained, initial;
};

Weights weightsOf(const std::string& run) {
    const LoadedPropsRun loaded = loadPropsRun(run, "best", torch::Device(torch::kCPU));
    Weights w;
    w.trained = parametersOf(*loaded.model);
    torch::manual_seed(loaded.config.seed);
    PropsNet fresh(propsNetOptions(loaded.config, loaded.info.channels, loaded.info.imageSize,
                                   propsBackbonePath(run), 0));
    w.initial = parametersOf(*fresh);
    return w;
}

bool same(const torch::Tensor& a, const torch::Tensor& b) { return torch::equal(a, b); }


}  // namespace

class TestMlPropsBackbone : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = path("tiny");
        test::buildTinyEncoding(m_data);
        m_three = path("three.pt");
        m_four = path("four.pt");
        writeThreeChannelModule(m_three);
        writeFourChannelModule(m_four);
    }

    void frozenBackboneKeepsItsWeights() {
        const std::string run = path("frozen");
        std::stop_source cancel;
        NullProgressSink null;
        QVERIFY(trainProps(tinyConfig(m_data, m_three, true), run, false, cancel.get_token(), null)
                    .finished);
        QVERIFY(fs::is_regular_file(propsBackbonePath(run)));

        torch::jit::Module original = torch::jit::load(m_three);
        const torch::Tensor fileWeight = original.attr("weight").toTensor();
        const Weights w = weightsOf(run);
        QVERIFY(w.trained.count("backbone_weight") && w.trained.count("backbone_bias"));
        QVERIFY(same(w.trained.at("backbone_weight"), fileWeight));
        QVERIFY(same(w.initial.at("backbone_weight"), fileWeight));
        // The 4 → 3 adapter starts as a copy of the first three channels and trains.
        QVERIFY(w.trained.count("adapter.weight"));
        QCOMPARE(w.initial.at("adapter.weight").sum().item<double>(), 3.0);
        QVERIFY(!same(w.trained.at("adapter.weight"), w.initial.at("adapter.weight")));
        int changedHead = 0;
        for (const auto& [name, value] : w.trained)
            if (name.rfind("head.", 0) == 0) changedHead += !same(value, w.initial.at(name));
        QVERIFY(changedHead > 0);

        const LoadedPropsRun loaded = loadPropsRun(run, "best", torch::Device(torch::kCPU));
        std::int64_t trainable = 0;
        for (const auto& p : loaded.model->trainableParameters()) trainable += p.numel();
        QCOMPARE(trainable, loaded.model->parameterCount() - 8 * 3 * 3 * 3 - 8);
    }

    void fineTuningChangesTheBackbone() {
        const std::string run = path("tuned");
        std::stop_source cancel;
        NullProgressSink null;
        QVERIFY(trainProps(tinyConfig(m_data, m_four, false), run, false, cancel.get_token(), null)
                    .finished);
        torch::jit::Module original = torch::jit::load(m_four);
        const Weights w = weightsOf(run);
        QVERIFY(!w.trained.count("adapter.weight"));  // the module takes 4 channels
        QVERIFY(same(w.initial.at("backbone_conv_weight"), original.attr("conv_weight").toTensor()));
        QVERIFY(!same(w.trained.at("backbone_conv_weight"), w.initial.at("backbone_conv_weight")));
    }

    // Prediction rebuilds the network from the run's copy of the module, not the original.
    void predictUsesTheRunsCopy() {
        const std::string original = path("moved.pt");
        writeThreeChannelModule(original);
        const std::string run = path("copy");
        std::stop_source cancel;
        NullProgressSink null;
        QVERIFY(
            trainProps(tinyConfig(m_data, original, false), run, false, cancel.get_token(), null)
                .finished);
        fs::remove(original);

        std::map<std::string, double> expected;
        for (const PropsPredictionRow& row : readPropsPredictions(propsPredictionsPath(run)))
            expected[row.materialId] = row.predicted;
        PropsPredictOptions options;
        options.device = "cpu";
        options.threads = 1;
        options.batchSize = 3;
        const auto predictions = predictProps(run, {m_data}, options);
        QCOMPARE(predictions.size(), expected.size());
        for (const PropsPrediction& p : predictions)
            QVERIFY2(test::nearPrediction(p.values[0], expected.at(p.id)), qPrintable(QString::fromStdString(p.id)));
    }

    // A cancelled backbone run resumes from its own copy of the module.
    void resumeUsesTheRunsCopy() {
        const std::string original = path("resumed.pt");
        writeThreeChannelModule(original);
        const std::string run = path("resume");
        std::stop_source cancel;
        test::CancelAfterEpoch stop(cancel, 1);
        const PropsTrainingResult first =
            trainProps(tinyConfig(m_data, original, true), run, false, cancel.get_token(), stop);
        QVERIFY(first.cancelled);
        QCOMPARE(first.epochsDone, 1);
        fs::remove(original);
        cancel = std::stop_source();
        NullProgressSink null;
        const PropsTrainingResult second =
            trainProps(tinyConfig(m_data, original, true), run, true, cancel.get_token(), null);
        QVERIFY(second.finished);
        QCOMPARE(second.epochsDone, 3);
    }

    void badModulesFailClearly() {
        std::stop_source cancel;
        NullProgressSink null;
        const std::string notScript = path("not-a-module.pt");
        std::ofstream(notScript) << "weights";
        QString message;
        try {
            trainProps(tinyConfig(m_data, notScript, true), path("bad"), false, cancel.get_token(),
                       null);
        } catch (const FormatError& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("not-a-module.pt") && message.contains("TorchScript"), qPrintable(message));
        QCOMPARE(readRunStatus(path("bad")).state, RunState::Failed);

        QVERIFY_THROWS_EXCEPTION(
            IoError, trainProps(tinyConfig(m_data, path("absent.pt"), true), path("absent"), false,
                                cancel.get_token(), null));
    }

private:
    std::string path(const std::string& name) const { return m_tmp.filePath(QString::fromStdString(name)).toStdString(); }

    QTemporaryDir m_tmp;
    std::string m_data, m_three, m_four;
};

QTEST_APPLESS_MAIN(TestMlPropsBackbone)
#include "test_ml_props_backbone.moc"
