// The site-attention property model (--model sites, engine/ml/props/props_sites.h) on real CrysTens
// items of the 12 MP structures of tests/data: its prediction does not change when the sites
// are renumbered (rows and columns permuted together, padding moved between them), when
// everything the model must not read (padding, the unused corner, the diagonal) is noise, or
// when an item shares a batch with larger crystals; it fits the 12 materials and learns band gap
// and density from 400 MP materials (shared data) better than the training mean; an
// interrupted and resumed run equals an uninterrupted one; configs accept and refuse it clearly.
#include <QTemporaryDir>
#include <QtTest>
#include <stop_token>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "core/progress.h"
#include "dataset/image_set.h"
#include "ml/props/props_config.h"
#include "ml/props/props_model.h"
#include "ml/props/props_network.h"
#include "ml/props/props_run.h"
#include "ml/run_directory.h"
#include "props_test_helpers.h"
#include "test_paths.h"
#include "tiny_datasets.h"

using namespace cw;
using namespace cw::ml;
namespace fs = std::filesystem;

namespace {

constexpr int kFirst = 12, kSlots = 52, kSide = 64;

PropsConfig sitesConfig(const std::string& data, const std::vector<std::string>& targets) {
    PropsConfig c = test::quickPropsConfig(data, targets);
    c.model = PropsModelKind::Sites;
    c.width = 32;
    c.blocksPerStage = 2;
    c.seed = 9;
    return c;
}

PropsNet randomSitesNet() {
    torch::manual_seed(21);
    PropsNetOptions o;
    o.kind = PropsModelKind::Sites;
    o.outputs = 2;
    o.width = 32;
    o.blocksPerStage = 2;
    o.dropout = 0;
    PropsNet net(o);
    net->eval();
    return net;
}

// An item's occupied site slots: rows whose α (header field 7) is not padding (−1).
std::vector<bool> occupiedSlots(const torch::Tensor& item) {
    std::vector<bool> out(kSlots);
    for (int s = 0; s < kSlots; ++s) out[s] = item[0][kFirst + s][7].item<float>() > -1.0f;
    return out;
}

// Slot j of the result holds slot perm[j] of `item` ([4, 64, 64]): rows and columns together.
torch::Tensor permuteSites(const torch::Tensor& item, const torch::Tensor& perm) {
    const torch::Tensor index =
        torch::cat({torch::arange(kFirst, torch::kInt64), perm.to(torch::kInt64) + kFirst});
    return item.index_select(1, index).index_select(2, index);
}

// Largest |a − b| / (1 + |b|).
double maxRelativeDifference(const torch::Tensor& a, const torch::Tensor& b) {
    return ((a - b).abs() / (1 + b.abs())).max().item<double>();
}

}  // namespace

class TestMlPropsSites : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_tiny = path("tiny");
        test::buildTinyEncoding(m_tiny);
        ImageSetOptions o;
        o.split = "all";
        const ImageSet images(m_tiny, o);
        std::vector<std::size_t> items(images.size());
        for (std::size_t i = 0; i < items.size(); ++i) items[i] = i;
        m_items = readPixels(images, items, 0, items.size());
        QCOMPARE(m_items.size(0), std::int64_t{12});
    }

    void renumberingTheSitesKeepsThePrediction() {
        PropsNet net = randomSitesNet();
        torch::NoGradGuard noGrad;
        const torch::Tensor batched = net->forward(m_items);
        QCOMPARE(batched.sizes(), (torch::IntArrayRef{12, 2}));
        // The model is not constant: the 12 crystals get different outputs.
        QVERIFY(batched.std(0).min().item<double>() > 1e-3);
        torch::Generator generator = at::detail::createCPUGenerator(5);
        int multiSite = 0;
        for (std::int64_t i = 0; i < m_items.size(0); ++i) {
            const torch::Tensor item = m_items[i];
            // Alone (the batch's largest crystal no longer sets how many rows are processed).
            const torch::Tensor alone = net->forward(item.unsqueeze(0));
            QVERIFY2(maxRelativeDifference(alone[0], batched[i]) < 1e-5,
                     qPrintable(QString::number(i)));
            const auto slots = occupiedSlots(item);
            multiSite += std::count(slots.begin(), slots.end(), true) > 1;
            for (int trial = 0; trial < 3; ++trial) {
                // Any permutation of the 52 slots: sites reordered and padding moved between them.
                const torch::Tensor permuted =
                    permuteSites(item, torch::randperm(kSlots, generator, torch::kInt64));
                const torch::Tensor out = net->forward(permuted.unsqueeze(0));
                QVERIFY2(maxRelativeDifference(out[0], batched[i]) < 1e-5,
                         qPrintable(QString("item %1 trial %2").arg(i).arg(trial)));
            }
            // Reversing the occupied sites (no padding moved) changes the image but not the output.
            std::vector<std::int64_t> reverse(kSlots);
            const std::int64_t n = std::count(slots.begin(), slots.end(), true);
            for (std::int64_t s = 0; s < kSlots; ++s) reverse[s] = s < n ? n - 1 - s : s;
            const torch::Tensor reversed = permuteSites(item, torch::tensor(reverse));
            if (n > 1) QVERIFY(!torch::equal(reversed, item));
            QVERIFY(maxRelativeDifference(net->forward(reversed.unsqueeze(0))[0], batched[i]) <
                    1e-5);
        }
        QVERIFY(multiSite >= 6);
    }

    // Noise everywhere except the header rows and columns and the off-diagonal pairs of
    // occupied sites: the padding's pair entries, the 12 × 12 corner, header field 11 and the
    // diagonal. The same noise on one occupied pair does change the output.
    void paddingAndUnusedPixelsAreIgnored() {
        PropsNet net = randomSitesNet();
        torch::NoGradGuard noGrad;
        torch::Generator generator = at::detail::createCPUGenerator(8);
        int checkedPairChange = 0;
        for (std::int64_t i = 0; i < m_items.size(0); ++i) {
            const torch::Tensor item = m_items[i];
            const auto slots = occupiedSlots(item);
            torch::Tensor keep = torch::zeros({kSide, kSide}, torch::kBool);
            keep.index_put_({torch::indexing::Slice(kFirst, kSide), torch::indexing::Slice(0, 11)},
                            true);
            keep.index_put_({torch::indexing::Slice(0, 11), torch::indexing::Slice(kFirst, kSide)},
                            true);
            for (int s = 0; s < kSlots; ++s)
                for (int t = 0; t < kSlots; ++t)
                    if (s != t && slots[s] && slots[t]) keep[kFirst + s][kFirst + t] = true;
            const torch::Tensor noise = torch::rand({4, kSide, kSide}, generator) * 2 - 1;
            const torch::Tensor noisy = torch::where(keep, item, noise);
            QVERIFY(!torch::equal(noisy, item));
            const torch::Tensor clean = net->forward(item.unsqueeze(0));
            QVERIFY2(maxRelativeDifference(net->forward(noisy.unsqueeze(0)), clean) < 1e-5,
                     qPrintable(QString::number(i)));
            // The same noise on the occupied pairs (off the diagonal) is read.
            if (slots[0] && slots[1]) {
                torch::Tensor pairs = item.clone();
                for (int s = 0; s < kSlots; ++s)
                    for (int t = 0; t < kSlots; ++t)
                        if (s != t && slots[s] && slots[t])
                            pairs.index_put_({torch::indexing::Slice(1, 4), kFirst + s, kFirst + t},
                                             noise.index({torch::indexing::Slice(1, 4), kFirst + s,
                                                          kFirst + t}));
                QVERIFY(maxRelativeDifference(net->forward(pairs.unsqueeze(0)), clean) > 1e-4);
                ++checkedPairChange;
            }
        }
        QVERIFY(checkedPairChange > 0);
    }

    // Names, validation messages: tests/engine/test_props_config.cpp.
    void configRoundTripsAndTheNetworkRefusesMisuse() {
        PropsConfig c = sitesConfig(m_tiny, {"density"});
        c.validate();
        const PropsConfig back = propsConfigFromJson(propsConfigToJson(c));
        QCOMPARE(back.model, PropsModelKind::Sites);
        QVERIFY(back.backboneFile.empty());
        QCOMPARE(propsConfigFromJson(R"({"model": "sites"})").model, PropsModelKind::Sites);

        PropsNetOptions o;
        o.kind = PropsModelKind::Sites;
        o.timesteps = 100;
        QVERIFY_THROWS_EXCEPTION(ConfigError, PropsNet{o});
        o.timesteps = 0;
        o.inChannels = 1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, PropsNet{o});
    }

    void refusesDataOtherThanNormalisedCrysTens() {
        std::stop_source cancel;
        NullProgressSink null;
        const std::string xtal = path("xtal2png");
        test::buildTinyEncoding(xtal, DatasetEncoding::Xtal2Png);
        QVERIFY_THROWS_EXCEPTION(ConfigError,
                                 trainProps(sitesConfig(xtal, {"density"}), path("x-run"), false,
                                            cancel.get_token(), null));
        const std::string raw = path("raw");
        test::buildTinyEncoding(raw, DatasetEncoding::CrysTens, true);
        QString message;
        try {
            trainProps(sitesConfig(raw, {"density"}), path("raw-run"), false, cancel.get_token(),
                       null);
        } catch (const ConfigError& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("raw"), qPrintable(message));
        QCOMPARE(readRunStatus(path("raw-run")).state, RunState::Failed);
    }

    // A learning check on the 12 tiny materials (train, validation and test = all of them):
    // 6 materials are too few to generalise from, which the 400-material test below measures.
    void fitsTheTinySet() {
        PropsConfig c = sitesConfig(m_tiny, {"density", "band_gap"});
        c.trainSplit = c.valSplit = c.testSplit = "all";
        c.epochs = 40;
        c.learningRate = 3e-3;
        c.dropout = 0;
        const std::string run = path("fit");
        std::stop_source cancel;
        NullProgressSink null;
        QVERIFY(trainProps(c, run, false, cancel.get_token(), null).finished);
        const PropsResults results = readPropsResults(run);
        for (const PropsTargetMetrics& t : results.splits.at("all")) {
            qInfo("sites, 12 tiny materials: %s MAE %.3f, mean predictor %.3f", t.target.c_str(),
                  t.metrics.mae, t.trainMeanMae);
            QVERIFY2(t.metrics.mae < 0.3 * t.trainMeanMae, t.target.c_str());
        }
    }

    void learnsBandGapAndDensityFrom400Materials() {
        CW_REQUIRE_SHARED_DATA();
        const std::string data = path("mp400");
        test::buildMpEncoding(data, 400);
        PropsConfig c = sitesConfig(data, {"band_gap", "density"});
        c.epochs = 15;
        c.batchSize = 16;
        c.learningRate = 2e-3;
        const std::string run = path("mp400-run");
        std::stop_source cancel;
        NullProgressSink null;
        QVERIFY(trainProps(c, run, false, cancel.get_token(), null).finished);
        const PropsResults results = readPropsResults(run);
        for (const PropsTargetMetrics& t : results.splits.at("test")) {
            qInfo("sites, 400 MP: %s test MAE %.3f, train-mean MAE %.3f, R2 %.3f (N %zu)",
                  t.target.c_str(), t.metrics.mae, t.trainMeanMae, t.metrics.r2.value_or(0),
                  t.metrics.count);
            QVERIFY(t.metrics.count > 40);
            QVERIFY2(t.metrics.mae < (t.target == "density" ? 0.6 : 0.85) * t.trainMeanMae,
                     t.target.c_str());
        }
    }

    // Cancelled after epoch 1 and resumed, a run ends with the weights (and predictions) of an
    // uninterrupted one: batch order, dropout's random state and the optimiser are restored.
    void resumedRunEqualsUninterruptedRun() {
        PropsConfig c = sitesConfig(m_tiny, {"density", "band_gap"});
        c.dropout = 0.2;
        std::stop_source cancel;
        NullProgressSink null;
        const std::string whole = path("whole"), parts = path("parts");
        QVERIFY(trainProps(c, whole, false, cancel.get_token(), null).finished);
        test::CancelAfterEpoch stop(cancel, 1);
        const PropsTrainingResult first = trainProps(c, parts, false, cancel.get_token(), stop);
        QVERIFY(first.cancelled);
        QCOMPARE(first.epochsDone, 1);
        cancel = std::stop_source();
        const PropsTrainingResult second = trainProps(c, parts, true, cancel.get_token(), null);
        QVERIFY(second.finished);
        QCOMPARE(second.epochsDone, 3);
        const auto a = test::predictionsOf(whole), b = test::predictionsOf(parts);
        QCOMPARE(a.size(), std::size_t{24});
        QCOMPARE(b.size(), a.size());
        for (const auto& [key, value] : a)
            QVERIFY2(test::nearPrediction(b.at(key), value), key.first.c_str());

        // Structures encoded anew predict as the data set's items do.
        PropsPredictOptions options;
        options.device = "cpu";
        options.threads = 1;
        for (const PropsPrediction& p : predictProps(whole, {test::kMpSmall}, options))
            QVERIFY2(test::nearPrediction(p.values[0], a.at({p.id, "density"})), p.id.c_str());
    }

private:
    std::string path(const std::string& name) const {
        return m_tmp.filePath(QString::fromStdString(name)).toStdString();
    }

    QTemporaryDir m_tmp;
    std::string m_tiny;
    torch::Tensor m_items;
};

QTEST_APPLESS_MAIN(TestMlPropsSites)
#include "test_ml_props_sites.moc"
