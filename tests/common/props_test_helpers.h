#pragma once
// Helpers shared by the property-prediction tests (tests/ml/test_ml_props*.cpp).

#include <atomic>
#include <cmath>
#include <map>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "core/progress.h"
#include "ml/props/props_config.h"
#include "ml/props/props_run.h"

namespace cw::test {

/// A short single-threaded CPU run of `targets` on `data` (3 epochs, batch 4, lr 2e-3, no early
/// stopping); each test sets its model's size and seed.
inline ml::PropsConfig quickPropsConfig(const std::string& data, const std::vector<std::string>& targets) {
    ml::PropsConfig c;
    c.dataDir = data;
    c.targets = targets;
    c.epochs = 3;
    c.patience = 0;
    c.batchSize = 4;
    c.learningRate = 2e-3;
    c.device = "cpu";
    c.threads = 1;
    return c;
}

/// |a − b| ≤ 1e-5 · (1 + |b|): predictions repeated through another path.
inline bool nearPrediction(double a, double b) {
    return std::abs(a - b) <= 1e-5 * (1 + std::abs(b));
}

/// (material id, target) → predicted, from a run's predictions.csv.
inline std::map<std::pair<std::string, std::string>, double> predictionsOf(const std::string& run) {
    std::map<std::pair<std::string, std::string>, double> out;
    for (const cw::ml::PropsPredictionRow& row :
         cw::ml::readPropsPredictions(cw::ml::propsPredictionsPath(run)))
        out[{row.materialId, row.target}] = row.predicted;
    return out;
}

/// Sets `cancel` once epoch `epoch` is reported (a props run's "props" progress events).
class CancelAfterEpoch final : public cw::ProgressSink {
public:
    CancelAfterEpoch(std::stop_source& cancel, int epoch) : m_cancel(cancel), m_epoch(epoch) {}
    void report(const cw::ProgressEvent& event) override {
        if (event.stage == "props" && event.step == m_epoch) m_cancel.request_stop();
    }

private:
    std::stop_source& m_cancel;
    int m_epoch;
};

}  // namespace cw::test
