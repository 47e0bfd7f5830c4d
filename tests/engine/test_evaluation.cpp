// The evaluation of generated slices (engine/eval/evaluation.h, evaluation_report.h) on real
// slices of a tiny ECD data set: a set against itself gives KS D = 0, W1 = 0, FID ≈ 0 and every
// image its own nearest neighbour; other structures' slices differ; the report folder holds
// every file, report.json has the figures, the PNGs decode at their size.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stop_token>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/png_image.h"
#include "eval/evaluation.h"
#include "eval/evaluation_report.h"
#include "eval/report_figures.h"
#include "metrics/frechet.h"
#include "tiny_datasets.h"

namespace {

struct Recorder final : cw::ProgressSink {
    std::vector<cw::ProgressEvent> events;
    void report(const cw::ProgressEvent& e) override { events.push_back(e); }
    bool saw(const std::string& stage, std::int64_t step, std::int64_t total) const {
        for (const auto& e : events)
            if (e.stage == stage && e.step == step && e.total == total) return true;
        return false;
    }
};

cw::EvaluationOptions options() {
    cw::EvaluationOptions o;
    o.counting.blobSigma = 0.25 * 32 / 40.0;  // the tiny set's 32² slices
    o.kid.subsets = 10;
    return o;
}

std::size_t lines(const std::string& path) {
    const std::string text = cw::readFileToString(path);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

class TestEvaluation : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_dataset;
    cw::EvalImages m_train, m_val;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_dataset = m_dir.filePath("ecd").toStdString();
        cw::test::buildTinyEcd(m_dataset, cw::NpyDtype::Float32, 6);
        cw::ProblemLog problems;
        cw::EvalImagesOptions o;
        m_train = cw::readEvalImages(m_dataset, o, problems);
        o.split = "val";
        m_val = cw::readEvalImages(m_dataset, o, problems);
        QVERIFY(m_train.count() >= 20);
        QVERIFY(m_val.count() >= 10);
    }

    void setAgainstItself() {
        auto extractor = cw::makeSpectralExtractor();
        Recorder progress;
        const cw::EvaluationResult r =
            cw::evaluateGenerated(m_train, m_train, options(), extractor.get(), &progress);
        QVERIFY(!r.cancelled);
        QCOMPARE(r.realCount, m_train.count());
        QCOMPARE(r.realAtomCounts, r.generatedAtomCounts);
        QVERIFY(*std::max_element(r.realAtomCounts.begin(), r.realAtomCounts.end()) > 0);
        QVERIFY(r.ks);
        QCOMPARE(r.ks->statistic, 0.0);
        QCOMPARE(r.ks->pvalue, 1.0);
        QCOMPARE(*r.wasserstein, 0.0);

        // FID of identical features: 0 up to rounding, except that with N ≤ d the covariance is
        // singular and pytorch-fid's 1e-6·I offset leaves −2·d·1e-6 (frechet.h).
        QVERIFY(r.frechet);
        const cw::FrechetResult& f = *r.frechet;
        QCOMPARE(f.extractor, std::string("spectral-v1 (97-d)"));
        QCOMPARE(f.dimension, 97);
        QCOMPARE(f.realCount, m_train.count());
        const Eigen::MatrixXd features = extractor->extract(m_train);
        const double scale = cw::featureStatistics(features).covariance.trace();
        QVERIFY2(std::abs(f.fid) <= 2 * 97 * 1e-6 + 1e-6 * scale,
                 qPrintable(QString("FID %1, scale %2").arg(f.fid).arg(scale)));

        // Each image's nearest training image is itself (or an identical earlier one), at 0.
        QCOMPARE(r.pixelNeighbours.size(), m_train.count());
        QCOMPARE(r.featureNeighbours.size(), m_train.count());
        for (std::size_t g = 0; g < m_train.count(); ++g) {
            std::size_t first = g;
            for (std::size_t j = 0; j < g; ++j) {
                if (std::equal(m_train.item(j), m_train.item(j) + m_train.itemSize(), m_train.item(g))) {
                    first = j;
                    break;
                }
            }
            QCOMPARE(r.pixelNeighbours[g].index, first);
            QCOMPARE(r.pixelNeighbours[g].distance, 0.0);
            QCOMPARE(r.featureNeighbours[g].distance, 0.0);
        }

        const auto n = static_cast<std::int64_t>(2 * m_train.count());
        QVERIFY(progress.saw("count", n, n));
        QVERIFY(progress.saw("features", n, n));
        QVERIFY(progress.saw("neighbours", 2, 2));
    }

    void otherStructuresDiffer() {
        auto extractor = cw::makeSpectralExtractor();
        const cw::EvaluationResult r =
            cw::evaluateGenerated(m_train, m_val, options(), extractor.get());
        QVERIFY(r.ks->statistic > 0);
        QVERIFY(r.ks->pvalue < 1);
        QVERIFY(*r.wasserstein > 0);
        QCOMPARE(r.ks->n1, m_train.count());
        QCOMPARE(r.ks->n2, m_val.count());
        QVERIFY(r.frechet->fid > 1e-3);
        QCOMPARE(r.frechet->generatedCount, m_val.count());
        // The val split holds other materials, so no slice is a copy of a training slice.
        for (const cw::NearestNeighbour& n : r.pixelNeighbours) {
            QVERIFY(n.index < m_train.count());
            QVERIFY(n.distance > 0.01);
        }
        // Against itself KID is lower than against other structures.
        const cw::EvaluationResult self =
            cw::evaluateGenerated(m_val, m_val, options(), extractor.get());
        QVERIFY(self.frechet->kid < r.frechet->kid);
    }

    // Counts and features of the real images measured once give the same figures as measuring
    // them every time; a cache of other images is refused.
    void cachedReferenceGivesTheSameResult() {
        auto extractor = cw::makeSpectralExtractor();
        cw::EvaluationOptions plain = options();
        plain.nearestNeighbours = false;
        const cw::EvaluationResult fresh =
            cw::evaluateGenerated(m_train, m_val, plain, extractor.get());
        const cw::ReferenceMeasures measures = cw::measureReference(m_train, plain, extractor.get());
        QCOMPARE(measures.count, m_train.count());
        QCOMPARE(measures.atomCounts, fresh.realAtomCounts);
        QCOMPARE(measures.extractor, fresh.frechet->extractor);
        cw::EvaluationOptions cachedOptions = plain;
        cachedOptions.reference = &measures;
        Recorder progress;
        const cw::EvaluationResult cached =
            cw::evaluateGenerated(m_train, m_val, cachedOptions, extractor.get(), &progress);
        QCOMPARE(cached.realAtomCounts, fresh.realAtomCounts);
        QCOMPARE(cached.generatedAtomCounts, fresh.generatedAtomCounts);
        QCOMPARE(cached.ks->statistic, fresh.ks->statistic);
        QCOMPARE(cached.ks->pvalue, fresh.ks->pvalue);
        QCOMPARE(*cached.wasserstein, *fresh.wasserstein);
        QCOMPARE(cached.frechet->fid, fresh.frechet->fid);
        QCOMPARE(cached.frechet->kid, fresh.frechet->kid);
        // Only the generated images were counted and put through the extractor.
        const auto n = static_cast<std::int64_t>(m_val.count());
        QVERIFY(progress.saw("count", n, n));
        QVERIFY(progress.saw("features", n, n));
        QVERIFY(!progress.saw("count", n + static_cast<std::int64_t>(m_train.count()),
                              n + static_cast<std::int64_t>(m_train.count())));
        // Measures of the val images do not stand for the training images.
        const cw::ReferenceMeasures wrong = cw::measureReference(m_val, plain, extractor.get());
        cachedOptions.reference = &wrong;
        QVERIFY_THROWS_EXCEPTION(cw::ValueError,
                                 cw::evaluateGenerated(m_train, m_val, cachedOptions, extractor.get()));
    }

    void optionsAndErrors() {
        cw::EvaluationOptions o = options();
        o.countAtoms = false;
        o.nearestNeighbours = false;
        const cw::EvaluationResult r = cw::evaluateGenerated(m_train, m_val, o, nullptr);
        QVERIFY(r.realAtomCounts.empty() && !r.ks && !r.wasserstein && !r.frechet);
        QVERIFY(r.pixelNeighbours.empty());

        std::stop_source cancel;
        cancel.request_stop();
        const cw::EvaluationResult c =
            cw::evaluateGenerated(m_train, m_val, options(), nullptr, nullptr, cancel.get_token());
        QVERIFY(c.cancelled);
        QVERIFY(!c.ks);

        cw::EvalImages one;
        one.append("x", 1, 32, 32, m_train.item(0));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::evaluateGenerated(m_train, one, options(), nullptr));
        cw::EvalImages small;
        const std::vector<float> px(16 * 16, 0.5f);
        small.append("a", 1, 16, 16, px.data());
        small.append("b", 1, 16, 16, px.data());
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::evaluateGenerated(m_train, small, options(), nullptr));
    }

    void reportFolder() {
        auto extractor = cw::makeSpectralExtractor();
        const cw::EvaluationOptions o = options();
        const cw::EvaluationResult r = cw::evaluateGenerated(m_train, m_val, o, extractor.get());
        const std::string out = m_dir.filePath("report/nested").toStdString();
        const cw::ReportSources sources{m_dataset, "val split", "train"};
        cw::writeEvaluationReport(r, m_train, m_val, sources, o, out);
        for (const char* file : {"report.json", "counts.csv", "counts.png", "counts.svg",
                                 "neighbours.csv", "neighbours.png"}) {
            QVERIFY2(std::filesystem::is_regular_file(out + "/" + file), file);
        }

        const nlohmann::json j = nlohmann::json::parse(cw::readFileToString(out + "/report.json"));
        QCOMPARE(j["format"].get<std::string>(), std::string("cwb-eval-report-1"));
        QCOMPARE(j["sources"]["real"].get<std::string>(), m_dataset);
        QCOMPARE(j["real_count"].get<std::size_t>(), m_train.count());
        QCOMPARE(j["generated_count"].get<std::size_t>(), m_val.count());
        QCOMPARE(j["options"]["blob_sigma_px"].get<double>(), 0.2);
        QCOMPARE(j["atoms"]["ks"]["statistic"].get<double>(), r.ks->statistic);
        QCOMPARE(j["atoms"]["ks"]["pvalue"].get<double>(), r.ks->pvalue);
        QCOMPARE(j["atoms"]["wasserstein"].get<double>(), *r.wasserstein);
        QCOMPARE(j["atoms"]["real"]["per_image"].size(), m_train.count());
        QCOMPARE(j["atoms"]["generated"]["names"][0].get<std::string>(), m_val.names[0]);
        std::size_t histogramTotal = 0;
        for (const auto& c : j["atoms"]["histogram"]["generated"]) histogramTotal += c.get<std::size_t>();
        QCOMPARE(histogramTotal, m_val.count());
        QCOMPARE(j["frechet"]["extractor"].get<std::string>(), std::string("spectral-v1 (97-d)"));
        QCOMPARE(j["frechet"]["n_real"].get<std::size_t>(), m_train.count());
        QCOMPARE(j["frechet"]["n_generated"].get<std::size_t>(), m_val.count());
        QCOMPARE(j["frechet"]["fid"].get<double>(), r.frechet->fid);
        QCOMPARE(j["frechet"]["kid"].get<double>(), r.frechet->kid);
        const auto& items = j["neighbours"]["items"];
        QCOMPARE(items.size(), m_val.count());
        QCOMPARE(items[1]["generated"].get<std::string>(), m_val.names[1]);
        QCOMPARE(items[1]["nearest"].get<std::string>(), m_train.names[r.pixelNeighbours[1].index]);
        QCOMPARE(items[1]["pixel_distance"].get<double>(), r.pixelNeighbours[1].distance);
        QVERIFY(items[1].contains("feature_distance"));

        QCOMPARE(lines(out + "/counts.csv"), m_train.count() + m_val.count() + 1);
        QCOMPARE(lines(out + "/neighbours.csv"), m_val.count() + 1);
        const cw::PngPixels counts = cw::readPng(out + "/counts.png");
        QCOMPARE(counts.width, 960);
        QCOMPARE(counts.height, 640);
        QCOMPARE(counts.channels, 3);
        const std::string svg = cw::readFileToString(out + "/counts.svg");
        QVERIFY(svg.find("<svg") != std::string::npos && svg.find("KS D") != std::string::npos);
        const cw::Canvas gallery = cw::neighbourGallery(r, m_train, m_val);
        const cw::PngPixels neighbours = cw::readPng(out + "/neighbours.png");
        QCOMPARE(neighbours.width, gallery.width());
        QCOMPARE(neighbours.height, gallery.height());

        // Without counts or neighbours only report.json is written.
        cw::EvaluationOptions bare = o;
        bare.countAtoms = false;
        bare.nearestNeighbours = false;
        const std::string out2 = m_dir.filePath("bare").toStdString();
        cw::writeEvaluationReport(cw::evaluateGenerated(m_train, m_val, bare, nullptr), m_train,
                                  m_val, sources, bare, out2);
        QVERIFY(std::filesystem::is_regular_file(out2 + "/report.json"));
        QVERIFY(!std::filesystem::exists(out2 + "/counts.png"));
        QVERIFY(!std::filesystem::exists(out2 + "/neighbours.png"));
        // A file where the folder should be.
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::writeEvaluationReport(r, m_train, m_val, sources, o,
                                                                        out + "/report.json"));
    }

    void countBinsStayFew() {
        // Counts spread over 0…600 share bins of whole numbers of atoms, at most 60.
        std::vector<double> a, b;
        for (int i = 0; i <= 600; i += 7) a.push_back(i);
        for (int i = 3; i <= 450; i += 5) b.push_back(i);
        const auto [ha, hb] = cw::countHistograms(a, b);
        QVERIFY(ha.counts.size() <= 60);
        const double width = ha.edges[1] - ha.edges[0];
        QCOMPARE(width, std::round(width));
        QCOMPARE(ha.edges.front(), -0.5);
        std::size_t na = 0, nb = 0;
        for (std::size_t c : ha.counts) na += c;
        for (std::size_t c : hb.counts) nb += c;
        QCOMPARE(na, a.size());
        QCOMPARE(nb, b.size());
        const auto [ua, ub] = cw::countHistograms({1, 2, 2}, {3});
        QCOMPARE(ua.counts.size(), std::size_t(3));
        QCOMPARE(ub.counts[2], std::size_t(1));
    }
};

QTEST_APPLESS_MAIN(TestEvaluation)
#include "test_evaluation.moc"
