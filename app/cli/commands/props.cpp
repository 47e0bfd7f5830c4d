// cwb props train|predict|report|ensemble: CNN regressors of material properties on CrysTens data sets
// (issue 8). Config precedence: defaults < --config < flags.
#include "commands/command.h"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/name_list.h"
#include "ml/props/props_config.h"
#include "ml/props/props_ensemble.h"
#include "ml/props/props_report.h"

#ifdef CW_WITH_TORCH
#include <stop_token>

#include "build_job.h"
#include "ml/props/props_model.h"
#include "progress_line.h"
#endif

namespace cw::cli {
namespace {

#ifdef CW_WITH_TORCH

struct TrainFlags {
    std::string configFile, runDir, dataDir, targets, model, transform, loss, device, noisyFor;
    int epochs = 0, patience = 0, batch = 0, threads = 0, width = 0, blocks = 0, maxSites = 0;
    double lr = 0, weightDecay = 0, dropout = 0, maxEAboveHull = 0, ema = 0;
    std::uint64_t seed = 0;
    std::size_t maxItems = 0;
    bool resume = false, allMaterials = false, progress = false, freezeBackbone = true;
};

ml::PropsConfig applyFlags(const CLI::App& cmd, const TrainFlags& f, ml::PropsConfig c) {
    auto given = [&cmd](const char* name) { return cmd.count(name) > 0; };
    if (given("--data")) c.dataDir = f.dataDir;
    if (given("--target")) c.targets = splitNameList(f.targets);
    if (given("--model")) ml::setPropsModel(c, f.model);
    if (given("--freeze-backbone")) c.freezeBackbone = f.freezeBackbone;
    if (given("--noisy-for")) c.noisyFor = f.noisyFor;
    if (given("--transform")) c.transform = ml::parseTargetTransform(f.transform);
    if (given("--loss")) c.loss = ml::parsePropsLoss(f.loss);
    if (given("--epochs")) c.epochs = f.epochs;
    if (given("--patience")) c.patience = f.patience;
    if (given("--batch")) c.batchSize = f.batch;
    if (given("--lr")) c.learningRate = f.lr;
    if (given("--weight-decay")) c.weightDecay = f.weightDecay;
    if (given("--dropout")) c.dropout = f.dropout;
    if (given("--ema")) c.emaDecay = f.ema;
    if (given("--width")) c.width = f.width;
    if (given("--blocks")) c.blocksPerStage = f.blocks;
    if (given("--max-sites")) c.maxSites = f.maxSites;
    if (given("--max-e-above-hull")) c.maxEAboveHull = f.maxEAboveHull;
    if (given("--all-materials")) c.stableOnly = false;
    if (given("--max-items")) c.maxItems = f.maxItems;
    if (given("--device")) c.device = f.device;
    if (given("--threads")) c.threads = f.threads;
    if (given("--seed")) c.seed = f.seed;
    return c;
}

// Batches on the progress line; one summary line per epoch.
class EpochProgress final : public ProgressSink {
public:
    explicit EpochProgress(bool force) : m_line("batches", force) {}
    void report(const ProgressEvent& event) override {
        if (event.stage == "props_batch") {
            ProgressEvent e = event;
            e.stage = "epoch " + std::to_string(m_epoch);
            m_line.report(e);
            return;
        }
        m_line.finish();
        std::fprintf(stderr, "epoch %lld/%lld  train loss %.4g  val loss %.4g  lr %.3g\n",
                     static_cast<long long>(event.step), static_cast<long long>(event.total),
                     event.scalars.at("train_loss"), event.scalars.at("val_loss"), event.scalars.at("lr"));
        m_epoch = event.step + 1;
    }
    void finish() { m_line.finish(); }
    void setEpoch(std::int64_t epoch) { m_epoch = epoch; }

private:
    ProgressLine m_line;
    std::int64_t m_epoch = 1;
};

int runTrain(const CLI::App& cmd, const TrainFlags& f) {
    ml::PropsConfig config;
    if (!f.configFile.empty()) config = ml::propsConfigFromJson(readFileToString(f.configFile), config, f.configFile);
    config = applyFlags(cmd, f, config);
    if (f.resume) {
        // A resumed run keeps its stored config; --epochs (to extend it), --device and --threads apply.
        if (config.dataDir.empty()) config.dataDir = "(from the run)";
        if (config.targets.empty()) config.targets = {"(from the run)"};
        if (cmd.count("--epochs") == 0) config.epochs = 1;
    }
    config.validate();

    const InterruptToStop interrupt;
    EpochProgress progress(f.progress);
    const auto log = [&progress](const std::string& text) {
        progress.finish();
        std::fprintf(stderr, "%s\n", text.c_str());
    };
    const ml::PropsTrainingResult r =
        ml::trainProps(config, f.runDir, f.resume, interrupt.token(), progress, log);
    progress.finish();
    if (r.cancelled) {
        std::fprintf(stderr, "stopped after epoch %d. Continue with: cwb props train --out %s --resume\n",
                     r.epochsDone, f.runDir.c_str());
        return kExitBadInput;
    }
    std::printf("trained %d epochs into %s (best epoch %d, validation loss %.4g%s); results in %s/results.json\n",
                r.epochsDone, f.runDir.c_str(), r.bestEpoch, r.bestValLoss, r.stoppedEarly ? ", stopped early" : "",
                f.runDir.c_str());
    return kExitOk;
}

struct PredictFlags {
    std::vector<std::string> runDirs;
    std::vector<std::string> inputs;
    ml::PropsPredictOptions options;
    bool json = false;
};

// Every member run's predictions of the inputs, averaged; one run gives its own numbers and a
// spread of 0.
std::vector<ml::EnsemblePrediction> predictWithRuns(const PredictFlags& f, const std::vector<std::string>& targets) {
    std::vector<std::vector<ml::PropsPrediction>> byMember;
    for (const std::string& run : f.runDirs) {
        if (const std::vector<std::string> own = ml::propsRunTargets(run); own != targets)
            throw ConfigError("props predict: " + run + " predicts " + joinNameList(own) + " but " + f.runDirs[0] +
                              " predicts " + joinNameList(targets) + "; the runs of an ensemble predict the same targets");
        byMember.push_back(ml::predictProps(run, f.inputs, f.options));
    }
    return ml::averagePropsPredictions(byMember, f.runDirs);
}

int runPredict(const PredictFlags& f) {
    const std::vector<std::string> targets = ml::propsRunTargets(f.runDirs[0]);
    const std::vector<ml::EnsemblePrediction> predictions = predictWithRuns(f, targets);
    const bool ensemble = f.runDirs.size() > 1;
    if (f.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const ml::EnsemblePrediction& e : predictions) {
            const ml::PropsPrediction& p = e.mean;
            nlohmann::ordered_json item;
            item["source"] = p.source;
            item["id"] = p.id;
            if (!p.split.empty()) item["split"] = p.split;
            nlohmann::ordered_json values, truth, spread;
            for (std::size_t k = 0; k < targets.size(); ++k) {
                values[targets[k]] = p.values[k];
                spread[targets[k]] = e.spread[k];
                if (p.truth[k]) truth[targets[k]] = *p.truth[k];
            }
            item["predicted"] = values;
            if (ensemble) item["spread"] = spread;
            if (!truth.empty()) item["true"] = truth;
            list.push_back(item);
        }
        nlohmann::ordered_json out;
        if (ensemble)
            out["runs"] = f.runDirs;
        else
            out["run"] = f.runDirs[0];
        out["targets"] = targets;
        out["predictions"] = list;
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    if (ensemble) std::printf("# the mean of %zu runs ± the spread (std) of their predictions\n", f.runDirs.size());
    std::printf("id");
    for (const std::string& t : targets) std::printf("\t%s", t.c_str());
    std::printf("\n");
    for (const ml::EnsemblePrediction& e : predictions) {
        const ml::PropsPrediction& p = e.mean;
        std::printf("%s", p.id.c_str());
        for (std::size_t k = 0; k < targets.size(); ++k) {
            std::printf("\t%.6g", p.values[k]);
            if (ensemble) std::printf(" ± %.3g", e.spread[k]);
            if (p.truth[k]) std::printf(" (true %.6g)", *p.truth[k]);
        }
        std::printf("\n");
    }
    return kExitOk;
}

void addTrainCommand(CLI::App& parent) {
    auto f = std::make_shared<TrainFlags>();
    CLI::App* t = parent.add_subcommand("train", "Train a property CNN on a CrysTens data set into a run directory");
    t->add_option("--data", f->dataDir, "A finished CrysTens data set (cwb crystens build)");
    t->add_option("--target", f->targets, "Property columns to predict: band_gap[,density,…]");
    t->add_option("--out", f->runDir, "Run directory (new, or existing with --resume)")->required();
    t->add_option("--config", f->configFile, "run.json: a props config (flags override it)");
    t->add_flag("--resume", f->resume, "Continue the run in --out after its last finished epoch");
    t->add_option("--model", f->model,
                  "baseline (the seed's CNN), resnet, sites (site attention over the CrysTens rows; not with "
                  "--noisy-for) or backbone:FILE.pt (a TorchScript feature extractor with a regression head) "
                  "[resnet]");
    t->add_option("--freeze-backbone", f->freezeBackbone,
                  "backbone: true trains only the adapter and head, false fine-tunes the module too [true]");
    t->add_option("--noisy-for", f->noisyFor,
                  "A diffusion run: train a noise-aware guide on its schedule for cwb diffusion sample --guide "
                  "(--data defaults to the run's data set)");
    t->add_option("--transform", f->transform, "none, sqrt, standardize or sqrt+standardize [standardize]");
    t->add_option("--loss", f->loss, "mse, l1 (optimises the MAE) or huber [mse]");
    t->add_option("--epochs", f->epochs, "Epochs at most [100]");
    t->add_option("--patience", f->patience, "Stop after N epochs without a better validation loss (0: never) [15]");
    t->add_option("--batch", f->batch, "Batch size [32]");
    t->add_option("--lr", f->lr, "Peak learning rate (AdamW, cosine decay) [1e-3]");
    t->add_option("--weight-decay", f->weightDecay, "AdamW weight decay [1e-4]");
    t->add_option("--dropout", f->dropout, "Dropout before the last layer [0.1]");
    t->add_option("--ema", f->ema,
                  "Decay of an exponential moving average of the weights, which then validate and predict "
                  "(e.g. 0.999; 0: off) [0]");
    t->add_option("--width", f->width, "resnet: channels of the first stage; sites: token width, a multiple of 4 [32]");
    t->add_option("--blocks", f->blocks, "resnet: residual blocks per stage; sites: attention layers [2]");
    t->add_option("--max-sites", f->maxSites, "Keep materials with at most N sites (0: all) [0]");
    t->add_option("--max-e-above-hull", f->maxEAboveHull, "Stable-only limit in eV/atom [0.1]");
    t->add_flag("--all-materials", f->allMaterials, "No stable-only filter");
    t->add_option("--max-items", f->maxItems, "Use at most N items per split (0: all)");
    t->add_option("--device", f->device, "auto, cpu, cuda or cuda:N [auto]");
    t->add_option("--threads", f->threads, "CPU threads for LibTorch (0: the cores free of other work) [0]");
    t->add_option("--seed", f->seed, "Seed of weights and batch order [0]");
    t->add_flag("--progress", f->progress, "Progress line even when stderr is not a terminal");
    setAction(t, [t, f] { return runTrain(*t, *f); });
}

void addPredictCommand(CLI::App& parent) {
    auto f = std::make_shared<PredictFlags>();
    CLI::App* p = parent.add_subcommand("predict", "Predict properties with a trained run");
    // One directory per --run, so that the inputs after it stay inputs.
    p->add_option("--run", f->runDirs,
                  "Run directory; repeat --run for an ensemble (e.g. seeds): it predicts the runs' mean and the "
                  "spread between them")
        ->required()
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    p->add_option("inputs", f->inputs, "CrysTens data-set folders or structure files")->required();
    p->add_option("--checkpoint", f->options.checkpoint, "best, latest or a .pt file")->capture_default_str();
    p->add_option("--split", f->options.split, "Items of data-set inputs: train, val, test or all")
        ->capture_default_str();
    p->add_option("--device", f->options.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    p->add_option("--threads", f->options.threads, "CPU threads (0: the cores free of other work)")->capture_default_str();
    p->add_flag("--json", f->json, "JSON on stdout instead of a table");
    setAction(p, [f] { return runPredict(*f); });
}

#endif

void addReportCommand(CLI::App& parent) {
    auto runDir = std::make_shared<std::string>();
    auto outDir = std::make_shared<std::string>();
    CLI::App* r = parent.add_subcommand("report", "Metrics table, parity plots and error histograms of a run");
    r->add_option("--run", *runDir, "Run directory of a finished cwb props train")->required();
    r->add_option("--out", *outDir, "Output folder")->required();
    setAction(r, [runDir, outDir] {
        const std::vector<std::string> files = ml::writePropsReport(*runDir, *outDir);
        std::printf("%s", ml::propsResultsMarkdown(*runDir).c_str());
        std::printf("\nwrote %zu files to %s\n", files.size(), outDir->c_str());
        return kExitOk;
    });
}

// Four significant digits, "nan" for a missing figure.
std::string fourDigits(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

void addEnsembleCommand(CLI::App& parent) {
    auto runDirs = std::make_shared<std::vector<std::string>>();
    auto outDir = std::make_shared<std::string>();
    CLI::App* e = parent.add_subcommand(
        "ensemble", "Average the predictions of finished runs (e.g. other seeds) and measure the mean and the spread");
    e->add_option("--run", *runDirs, "Member run directories (two or more; repeat --run or list them)")
        ->required()
        ->expected(1, -1);
    e->add_option("--out", *outDir, "Output folder: predictions.csv, members.csv, results.json, ensemble.json")
        ->required();
    setAction(e, [runDirs, outDir] {
        const ml::PropsEnsemble ensemble = ml::ensemblePropsRuns(*runDirs, *outDir);
        std::printf("ensemble of %zu runs in %s\n", runDirs->size(), outDir->c_str());
        std::printf("%-5s %-24s %6s %9s %9s %9s %-30s  %s\n", "split", "target", "N", "ensemble", "spread",
                    "rank corr", "MAE by spread (low/high half)", "member MAEs");
        for (const ml::EnsembleTargetSummary& s : ensemble.summaries) {
            std::string members;
            for (double mae : s.memberMae) {
                if (!members.empty()) members += ' ';
                members += fourDigits(mae);
            }
            const std::string halves = fourDigits(s.maeLowSpreadHalf) + " / " + fourDigits(s.maeHighSpreadHalf);
            std::printf("%-5s %-24s %6zu %9s %9s %9s %-30s  %s\n", s.split.c_str(), s.target.c_str(), s.count,
                        fourDigits(s.ensembleMae).c_str(), fourDigits(s.meanSpread).c_str(),
                        fourDigits(s.spreadErrorRankCorrelation).c_str(), halves.c_str(), members.c_str());
        }
        std::printf("plots: cwb props report --run %s --out %s/report\n", outDir->c_str(), outDir->c_str());
        return kExitOk;
    });
}

}  // namespace

void registerPropsCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("props", "Property prediction from CrysTens images: train, predict, report, ensemble");
    cmd->require_subcommand(1);
#ifdef CW_WITH_TORCH
    addTrainCommand(*cmd);
    addPredictCommand(*cmd);
#else
    for (const char* name : {"train", "predict"}) {
        CLI::App* sub = cmd->add_subcommand(name, torchCommandHelp(std::string(name) == "train" ? "Train a property model on a CrysTens data set into a run directory" : "Predict properties with a trained run"));
        sub->allow_extras();
        setAction(sub, [] {
            std::fprintf(stderr, "cwb: this cwb was built without LibTorch (CW_WITH_TORCH=OFF); "
                                 "rebuild with the default preset to train or predict\n");
            return kExitUsage;
        });
    }
#endif
    addReportCommand(*cmd);
    addEnsembleCommand(*cmd);
}

}  // namespace cw::cli
