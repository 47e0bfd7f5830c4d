// `cwb eval fid` and `cwb eval report` run as a user runs them, on a tiny ECD data set built in
// the test and "generated" slices written as `cwb diffusion sample` writes them: the JSON fields,
// the report folder, resampling of the data set to the generated size, and input errors.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "cli_runner.h"
#include "core/npy.h"
#include "dataset/image_set.h"
#include "tiny_datasets.h"

using cw::test::runCwb;

namespace {

QJsonObject jsonObject(const QString& text) {
    const QJsonDocument doc = QJsonDocument::fromJson(text.trimmed().toUtf8());
    return doc.isObject() ? doc.object() : QJsonObject();
}

/// The items of a split of `dataset` at `size` px as a (K, 1, size, size) stack in [0, 1].
std::vector<float> splitItems(const std::string& dataset, const std::string& split, int size,
                              std::size_t* count) {
    cw::ImageSetOptions o;
    o.split = split;
    o.imageSize = size;
    const cw::ImageSet set(dataset, o);
    const std::size_t n = static_cast<std::size_t>(size) * size;
    std::vector<float> pixels(set.size() * n);
    for (std::size_t i = 0; i < set.size(); ++i) set.readItem(i, pixels.data() + i * n);
    for (float& v : pixels) v = 0.5f * (v + 1.0f);
    *count = set.size();
    return pixels;
}

}  // namespace

class TestEvalFidReportCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_dataset, m_generated;
    std::size_t m_trainCount = 0, m_valCount = 0;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_dataset = m_dir.filePath("ecd");
        cw::test::buildTinyEcd(m_dataset.toStdString(), cw::NpyDtype::Float32, 6);
        splitItems(m_dataset.toStdString(), "train", 32, &m_trainCount);
        // The val split's slices (other materials) as samples.npy in a sample folder.
        m_generated = m_dir.filePath("gen");
        QVERIFY(QDir().mkpath(m_generated));
        const std::vector<float> val = splitItems(m_dataset.toStdString(), "val", 32, &m_valCount);
        cw::writeNpy((m_generated + "/samples.npy").toStdString(), val, {m_valCount, 1, 32, 32});
        QVERIFY(m_trainCount >= 20 && m_valCount >= 10);
    }

    void fidJson() {
        auto r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", m_generated,
                         "--kid-subsets", "10", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QJsonObject j = jsonObject(r.out);
        QCOMPARE(j["extractor"].toString(), QString("spectral-v1 (97-d)"));
        QCOMPARE(j["dimension"].toInt(), 97);
        QCOMPARE(j["n_real"].toInt(), int(m_trainCount));
        QCOMPARE(j["n_generated"].toInt(), int(m_valCount));
        QVERIFY(j["fid"].toDouble() > 1e-3);
        QVERIFY(j["kid"].isDouble());
        QCOMPARE(j["kid_subsets"].toInt(), 10);
        QCOMPARE(j["kid_subset_size"].toInt(), int(std::min(m_trainCount, m_valCount)));
        const double fid = j["fid"].toDouble();

        // The text form, and --max-real.
        r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", m_generated, "--max-real", "8"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("extractor spectral-v1 (97-d)\n") && r.out.contains("n_real 8\n") &&
                     r.out.contains("n_generated " + QString::number(m_valCount) + "\n"),
                 qPrintable(r.out));
        QVERIFY(r.out.startsWith("fid "));

        // A set against itself (a data set can be the generated side too): FID ≈ 0, far below
        // the other materials' (−2·d·1e-6 with a singular covariance, see frechet.h).
        r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", m_dataset, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        j = jsonObject(r.out);
        QVERIFY2(std::abs(j["fid"].toDouble()) < 1e-3 && std::abs(j["fid"].toDouble()) < fid / 100,
                 qPrintable(r.out));
    }

    void reportFolder() {
        const QString out = m_dir.filePath("report");
        auto r = runCwb({"eval", "report", "--real", m_dataset, "--generated", m_generated,
                         "--out", out, "--kid-subsets", "10", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = jsonObject(r.out);
        QCOMPARE(j["real_count"].toInt(), int(m_trainCount));
        QCOMPARE(j["generated_count"].toInt(), int(m_valCount));
        QVERIFY(j["ks_statistic"].toDouble() > 0 && j["ks_statistic"].toDouble() <= 1);
        QVERIFY(j["ks_pvalue"].toDouble() >= 0 && j["ks_pvalue"].toDouble() < 1);
        QCOMPARE(j["ks_method"].toString(), QString("exact"));
        QVERIFY(j["wasserstein"].toDouble() > 0);
        QVERIFY(j["fid"].toDouble() > 0);
        QCOMPARE(j["extractor"].toString(), QString("spectral-v1 (97-d)"));
        QVERIFY(j["min_pixel_distance"].toDouble() > 0);
        const QJsonArray files = j["files"].toArray();
        QCOMPARE(files.size(), 6);
        for (const auto& f : files) QVERIFY2(QFile::exists(out + "/" + f.toString()), qPrintable(f.toString()));

        QFile report(out + "/report.json");
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QJsonObject full = QJsonDocument::fromJson(report.readAll()).object();
        QCOMPARE(full["sources"].toObject()["generated"].toString(), m_generated);
        QCOMPARE(full["sources"].toObject()["split"].toString(), QString("train"));
        QCOMPARE(full["options"].toObject()["blob_sigma_px"].toDouble(), 0.2);  // 0.25 Å · 32 / 40 Å
        QCOMPARE(full["atoms"].toObject()["ks"].toObject()["statistic"].toDouble(),
                 j["ks_statistic"].toDouble());
        QCOMPARE(full["frechet"].toObject()["n_generated"].toInt(), int(m_valCount));
        QCOMPARE(full["neighbours"].toObject()["items"].toArray().size(), int(m_valCount));
        QCOMPARE(full["neighbours"].toObject()["items"].toArray()[0].toObject()["generated"].toString(),
                 QString("samples.npy[0]"));

        // Plain summary; --no-neighbours and --no-fid leave those parts out.
        const QString out2 = m_dir.filePath("report2");
        r = runCwb({"eval", "report", "--real", m_dataset, "--generated", m_generated, "--out", out2,
                    "--no-neighbours", "--no-fid", "--blob-method", "peaks", "--sigma-px", "0.5"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("KS D ") && r.out.contains("W1 ") && r.out.contains("wrote " + out2),
                 qPrintable(r.out));
        QVERIFY(!r.out.contains("FID"));
        QVERIFY(QFile::exists(out2 + "/counts.png"));
        QVERIFY(!QFile::exists(out2 + "/neighbours.png"));
        QFile report2(out2 + "/report.json");
        QVERIFY(report2.open(QIODevice::ReadOnly));
        const QJsonObject opts = QJsonDocument::fromJson(report2.readAll()).object()["options"].toObject();
        QCOMPARE(opts["blob_sigma_px"].toDouble(), 0.5);
        QCOMPARE(opts["blob_method"].toString(), QString("peaks"));
    }

    void resamplesTheDatasetToTheGeneratedSize() {
        // Generated slices of 16² as one .npy each: the 32² data set is resampled to 16².
        const QString gen = m_dir.filePath("gen16");
        QVERIFY(QDir().mkpath(gen));
        std::size_t count = 0;
        const std::vector<float> val = splitItems(m_dataset.toStdString(), "val", 16, &count);
        for (std::size_t k = 0; k < 3; ++k) {
            const std::vector<float> one(val.begin() + k * 256, val.begin() + (k + 1) * 256);
            cw::writeNpy(QString("%1/sample-%2.npy").arg(gen).arg(k, 5, 10, QChar('0')).toStdString(),
                         one, {16, 16});
        }
        const QString out = m_dir.filePath("report16");
        const auto r = runCwb({"eval", "report", "--real", m_dataset, "--generated", gen, "--out", out,
                               "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("resampling") && r.err.contains("32 × 32") && r.err.contains("16 × 16"),
                 qPrintable(r.err));
        QFile report(out + "/report.json");
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QJsonObject full = QJsonDocument::fromJson(report.readAll()).object();
        QCOMPARE(full["image_shape"].toArray(), QJsonArray({1, 16, 16}));
        QCOMPARE(full["generated_count"].toInt(), 3);
        QCOMPARE(full["options"].toObject()["blob_sigma_px"].toDouble(), 0.1);
    }

    void inputErrors() {
        // A missing folder.
        const QString missing = m_dir.filePath("no-such-samples");
        auto r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", missing});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(missing) && r.err.contains("no such file or folder"), qPrintable(r.err));

        // A bad file among good ones: named, skipped, the rest evaluated, exit 1.
        const QString mixed = m_dir.filePath("mixed");
        QVERIFY(QDir().mkpath(mixed));
        std::size_t count = 0;
        const std::vector<float> val = splitItems(m_dataset.toStdString(), "val", 32, &count);
        for (std::size_t k = 0; k < 4; ++k) {
            const std::vector<float> one(val.begin() + k * 1024, val.begin() + (k + 1) * 1024);
            cw::writeNpy(QString("%1/sample-%2.npy").arg(mixed).arg(k, 5, 10, QChar('0')).toStdString(),
                         one, {32, 32});
        }
        QFile bad(mixed + "/sample-00002x.npy");
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not numpy");
        bad.close();
        r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", mixed, "--json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("skipped " + mixed + "/sample-00002x.npy"), qPrintable(r.err));
        const QJsonObject j = jsonObject(r.out);
        QCOMPARE(j["n_generated"].toInt(), 4);
        QCOMPARE(j["skipped_files"].toInt(), 1);
        r = runCwb({"eval", "report", "--real", m_dataset, "--generated", mixed, "--out",
                    m_dir.filePath("report-mixed")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("sample-00002x.npy") && r.out.contains("skipped files 1"),
                 qPrintable(r.out + r.err));
        QVERIFY(QFile::exists(m_dir.filePath("report-mixed/report.json")));

        // A folder without images; an unknown extractor (usage: 2); a missing TorchScript file.
        const QString empty = m_dir.filePath("empty");
        QVERIFY(QDir().mkpath(empty));
        r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", empty});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(empty) && r.err.contains("no .npy or .png"), qPrintable(r.err));
        r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", m_generated, "--extractor",
                    "inception"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("inception") && r.err.contains("spectral"), qPrintable(r.err));
        const QString model = m_dir.filePath("missing.pt");
        r = runCwb({"eval", "fid", "--real", m_dataset, "--generated", m_generated, "--extractor", model});
        QVERIFY(r.exitCode == 1 || r.exitCode == 2);
        QVERIFY2(r.err.contains("missing.pt"), qPrintable(r.err));
        // A required option missing.
        r = runCwb({"eval", "report", "--real", m_dataset, "--generated", m_generated});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_APPLESS_MAIN(TestEvalFidReportCli)
#include "test_eval_fid_report_cli.moc"
