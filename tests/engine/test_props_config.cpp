// The torch-free half of property prediction's set-up: the run config (validation, JSON round
// trip, unknown keys) and the target transforms (fitted values computed by hand, exact
// inversion, the sqrt transform's refusal of negative values).
#include <QtTest>

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/name_list.h"
#include "error_text.h"
#include "ml/props/props_config.h"
#include "ml/props/target_transform.h"

using namespace cw::ml;

using cw::test::contains;
using cw::test::errorOf;

namespace {

PropsConfig validConfig() {
    PropsConfig c;
    c.dataDir = "data";
    c.targets = {"band_gap", "density"};
    return c;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

class TestPropsConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void namesParseBothWays() {
        for (TargetTransform t : {TargetTransform::None, TargetTransform::Sqrt, TargetTransform::Standardize,
                                  TargetTransform::SqrtStandardize})
            QCOMPARE(parseTargetTransform(targetTransformName(t)), t);
        QCOMPARE(parseTargetTransform("standardise"), TargetTransform::Standardize);
        QCOMPARE(parsePropsModel("baseline"), PropsModelKind::Baseline);
        QCOMPARE(parsePropsModel("resnet"), PropsModelKind::ResNet);
        QCOMPARE(parsePropsModel(propsModelName(PropsModelKind::Sites)), PropsModelKind::Sites);
        QCOMPARE(std::string(propsModelName(PropsModelKind::Sites)), std::string("sites"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { parseTargetTransform("log"); }), "sqrt+standardize"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { parsePropsModel("vgg"); }), "backbone:FILE"));
        QVERIFY(contains(errorOf<cw::ConfigError>([] { parsePropsModel("site"); }), "sites"));
        QCOMPARE(parsePropsModel("backbone"), PropsModelKind::Backbone);
        for (PropsLoss l : {PropsLoss::Mse, PropsLoss::L1, PropsLoss::Huber})
            QCOMPARE(parsePropsLoss(propsLossName(l)), l);
        QCOMPARE(parsePropsLoss("mae"), PropsLoss::L1);
        QVERIFY(contains(errorOf<cw::ConfigError>([] { parsePropsLoss("l2"); }), "mse, l1 or huber"));
        PropsConfig c = validConfig();
        setPropsModel(c, "backbone:/models/mobilenet.pt");
        QCOMPARE(c.model, PropsModelKind::Backbone);
        QCOMPARE(c.backboneFile, std::string("/models/mobilenet.pt"));
        setPropsModel(c, "resnet");  // another model forgets the file
        QVERIFY(c.backboneFile.empty());
    }

    void targetListsAreTrimmed() {
        QCOMPARE(cw::splitNameList(" band_gap, density ,,efermi"),
                 (std::vector<std::string>{"band_gap", "density", "efermi"}));
        QVERIFY(cw::splitNameList("").empty());
        QVERIFY(cw::splitNameList(" , ").empty());
        QCOMPARE(cw::joinNameList({"band_gap", "density"}), std::string("band_gap,density"));
        QCOMPARE(cw::splitNameList(cw::joinNameList({"a", "b c"})), (std::vector<std::string>{"a", "b c"}));
        // Material ids and property names as file names: only [A-Za-z0-9._-] survive.
        QCOMPARE(cw::fileSafeName("mp-1/2 x(3)"), std::string("mp-1_2_x_3_"));
        QCOMPARE(cw::fileSafeName("e_above_hull.v2"), std::string("e_above_hull.v2"));
    }

    void validationNamesTheField() {
        QVERIFY(contains(errorOf<cw::ConfigError>([] { PropsConfig{}.validate(); }), "data_dir"));
        validConfig().validate();
        auto broken = [](auto change) {
            PropsConfig c = validConfig();
            change(c);
            return errorOf<cw::ConfigError>([&] { c.validate(); });
        };
        QVERIFY(contains(broken([](PropsConfig& c) { c.targets.clear(); }), "targets"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.targets = {"density", "density"}; }), "twice"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.epochs = 0; }), "epochs"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.learningRate = 0; }), "learning_rate"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.valSplit = "validation"; }), "validation"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.patience = -1; }), "patience"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.dropout = 1.0; }), "dropout"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.emaDecay = 1.0; }), "ema_decay"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.emaDecay = -0.5; }), "ema_decay"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.model = PropsModelKind::Backbone; }), "backbone_file"));
        QVERIFY(contains(broken([](PropsConfig& c) { c.backboneFile = "m.pt"; }), "backbone_file"));
        auto sites = [](PropsConfig& c) { c.model = PropsModelKind::Sites; };
        QVERIFY(contains(broken([&](PropsConfig& c) { sites(c), c.width = 30; }), "multiple of 4"));
        QVERIFY(contains(broken([&](PropsConfig& c) { sites(c), c.noisyFor = "runs/diffusion"; }), "noisy-for"));
        // A guide may take its data set from the diffusion run.
        PropsConfig guide = validConfig();
        guide.dataDir.clear();
        guide.noisyFor = "runs/diffusion";
        guide.validate();
    }

    void jsonRoundTripKeepsEveryField() {
        PropsConfig c = validConfig();
        c.model = PropsModelKind::Baseline;
        c.transform = TargetTransform::SqrtStandardize;
        c.loss = PropsLoss::Huber;
        c.stableOnly = false;
        c.maxEAboveHull = 0.05;
        c.maxSites = 20;
        c.maxItems = 7;
        c.width = 16;
        c.blocksPerStage = 3;
        c.dropout = 0.25;
        c.epochs = 12;
        c.patience = 4;
        c.batchSize = 8;
        c.learningRate = 3e-4;
        c.weightDecay = 0.01;
        c.minLrRatio = 0.2;
        c.gradClip = 0;
        c.emaDecay = 0.995;
        c.device = "cpu";
        c.threads = 2;
        c.seed = 1234567890123ULL;
        c.testSplit = "val";
        c.noisyFor = "runs/ddpm";
        std::string text = propsConfigToJson(c);
        const PropsConfig back = propsConfigFromJson(text);
        QCOMPARE(propsConfigToJson(back), text);
        QCOMPARE(back.targets, c.targets);
        QCOMPARE(back.model, PropsModelKind::Baseline);
        QCOMPARE(back.transform, TargetTransform::SqrtStandardize);
        QCOMPARE(back.loss, PropsLoss::Huber);
        QCOMPARE(back.seed, c.seed);
        QCOMPARE(back.emaDecay, 0.995);
        // A config.json written before "ema_decay" existed trained without averaging.
        QCOMPARE(propsConfigFromJson(R"({"epochs": 2})").emaDecay, 0.0);
        // A config.json written before "loss" existed trained with mse.
        QCOMPARE(propsConfigFromJson(R"({"epochs": 2})").loss, PropsLoss::Mse);
        QCOMPARE(back.maxEAboveHull, 0.05);
        QCOMPARE(back.noisyFor, std::string("runs/ddpm"));

        c.model = PropsModelKind::Backbone;
        c.backboneFile = "backbone.pt";
        c.freezeBackbone = false;
        text = propsConfigToJson(c);
        const PropsConfig backbone = propsConfigFromJson(text);
        QCOMPARE(propsConfigToJson(backbone), text);
        QCOMPARE(backbone.model, PropsModelKind::Backbone);
        QCOMPARE(backbone.backboneFile, std::string("backbone.pt"));
        QCOMPARE(backbone.freezeBackbone, false);
        // The --model form works in a config file too.
        QCOMPARE(propsConfigFromJson(R"({"model": "backbone:x.pt"})", validConfig()).backboneFile, std::string("x.pt"));
    }

    void jsonAppliesOverTheBaseAndRejectsUnknownKeys() {
        const PropsConfig base = validConfig();
        const PropsConfig c = propsConfigFromJson(R"({"targets": "efermi, density", "epochs": 3})", base, "run.json");
        QCOMPARE(c.targets, (std::vector<std::string>{"efermi", "density"}));
        QCOMPARE(c.epochs, 3);
        QCOMPARE(c.dataDir, base.dataDir);
        const std::string unknown =
            errorOf<cw::ConfigError>([&] { propsConfigFromJson(R"({"epoch": 3})", base, "run.json"); });
        QVERIFY(contains(unknown, "run.json") && contains(unknown, "'epoch'"));
        const std::string wrongType =
            errorOf<cw::ConfigError>([&] { propsConfigFromJson(R"({"epochs": "many"})", base, "run.json"); });
        QVERIFY(contains(wrongType, "'epochs'"));
        QVERIFY(contains(errorOf<cw::ConfigError>([&] { propsConfigFromJson(R"({"transform": "log"})", base); }),
                         "log"));
    }

    // sqrt+standardize of {1, 4, 9, missing}: s = 1, 2, 3; mean 2; population std √(2/3).
    void sqrtStandardizeIsFittedOnPresentValues() {
        const TargetScaler s = TargetScaler::fit(TargetTransform::SqrtStandardize, {"band_gap"}, {1, 4, 9, kNaN});
        QCOMPARE(s.means()[0], 2.0);
        QVERIFY(std::abs(s.stds()[0] - std::sqrt(2.0 / 3.0)) < 1e-15);
        QVERIFY(std::abs(s.forward(0, 4.0)) < 1e-15);
        QVERIFY(std::abs(s.forward(0, 9.0) - 1.224744871391589) < 1e-12);
        QVERIFY(std::isnan(s.forward(0, kNaN)));
        for (double y : {0.0, 0.3, 2.5, 16.0, 1234.5}) QVERIFY(std::abs(s.inverse(0, s.forward(0, y)) - y) <= 1e-12 * (1 + y));
        // A negative square root means 0, not its square.
        QCOMPARE(s.inverse(0, -10.0), 0.0);
    }

    // standardize of two targets, row-major: {2, 10}, {4, 10}, {6, 10}: the first has mean 4
    // and std √(8/3); the second is constant and keeps std 1.
    void standardizeHandlesConstantTargets() {
        const TargetScaler s = TargetScaler::fit(TargetTransform::Standardize, {"a", "b"}, {2, 10, 4, 10, 6, 10});
        QCOMPARE(s.means()[0], 4.0);
        QVERIFY(std::abs(s.stds()[0] - std::sqrt(8.0 / 3.0)) < 1e-15);
        QCOMPARE(s.means()[1], 10.0);
        QCOMPARE(s.stds()[1], 1.0);
        QVERIFY(std::abs(s.forward(0, 6.0) - 1.224744871391589) < 1e-12);
        QCOMPARE(s.forward(1, 12.0), 2.0);
        for (double y : {-3.0, 0.0, 7.25}) QCOMPARE(s.inverse(0, s.forward(0, y)), y);
    }

    void noneAndSqrtLeaveScaleAlone() {
        const TargetScaler none = TargetScaler::fit(TargetTransform::None, {"e"}, {-1, 5});
        QCOMPARE(none.forward(0, -1.5), -1.5);
        QCOMPARE(none.inverse(0, 3.25), 3.25);
        const TargetScaler sqrt = TargetScaler::fit(TargetTransform::Sqrt, {"g"}, {0, 4});
        QCOMPARE(sqrt.forward(0, 6.25), 2.5);
        QCOMPARE(sqrt.inverse(0, 2.5), 6.25);
    }

    void sqrtRefusesNegativeValuesNamingTheProperty() {
        const std::string fitError = errorOf<cw::ValueError>(
            [] { TargetScaler::fit(TargetTransform::Sqrt, {"band_gap", "formation_energy_per_atom"}, {1, 0.5, 2, -0.25}); });
        QVERIFY2(contains(fitError, "formation_energy_per_atom") && contains(fitError, "-0.25"), fitError.c_str());
        const TargetScaler s = TargetScaler::fit(TargetTransform::Sqrt, {"band_gap"}, {1});
        QVERIFY(contains(errorOf<cw::ValueError>([&] { s.forward(0, -1); }), "band_gap"));
        QVERIFY(contains(errorOf<cw::ValueError>([] { TargetScaler::fit(TargetTransform::None, {"x"}, {kNaN, kNaN}); }),
                         "no value"));
    }

    void scalerJsonRoundTripIsExact() {
        const TargetScaler s = TargetScaler::fit(TargetTransform::SqrtStandardize, {"a", "b"}, {0.1, 3, 0.7, 5, 2.9, 11});
        const TargetScaler back = TargetScaler::fromJson(s.toJson(), "data.json");
        QCOMPARE(back.transform(), s.transform());
        QCOMPARE(back.names(), s.names());
        QCOMPARE(back.means(), s.means());
        QCOMPARE(back.stds(), s.stds());
        QVERIFY(contains(errorOf<cw::FormatError>([] { TargetScaler::fromJson("{}", "data.json"); }), "data.json"));
    }
};

QTEST_APPLESS_MAIN(TestPropsConfig)
#include "test_props_config.moc"
