// Mini-batches (engine/dataset/batch_loader.h) of tiny real data sets built in the test: the
// batches of a step do not depend on the worker count or on where the run started, every epoch
// shows every item once, only ECD slices are augmented and only by the 8 symmetries of the
// square, an early stop does not hang, and a damaged shard surfaces as a FormatError naming it.
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "core/error.h"
#include "dataset/batch_loader.h"
#include "dataset/image_set.h"
#include "tiny_datasets.h"

namespace fs = std::filesystem;

namespace {

cw::ImageSetOptions allItems(const std::string& condition = {}) {
    cw::ImageSetOptions o;
    o.split = "all";
    o.condition = condition;
    return o;
}

cw::BatchLoaderOptions loaderOptions(int batch, int workers, std::int64_t firstStep = 0,
                                     bool augment = true) {
    cw::BatchLoaderOptions o;
    o.batchSize = batch;
    o.seed = 11;
    o.workers = workers;
    o.prefetch = 2;
    o.firstStep = firstStep;
    o.augment = augment;
    return o;
}

std::vector<cw::ImageBatch> batches(const cw::ImageSet& set, cw::BatchLoaderOptions o, int count) {
    cw::BatchLoader loader(set, o);
    std::vector<cw::ImageBatch> out;
    for (int i = 0; i < count; ++i) out.push_back(loader.next());
    return out;
}

bool sameBatch(const cw::ImageBatch& a, const cw::ImageBatch& b) {
    return a.step == b.step && a.batch == b.batch && a.channels == b.channels &&
           a.height == b.height && a.width == b.width && a.pixels == b.pixels &&
           a.classLabels == b.classLabels && a.conditions == b.conditions;
}

std::vector<float> itemPixels(const cw::ImageSet& set, std::size_t index) {
    std::vector<float> p(static_cast<std::size_t>(set.channels()) * set.imageSize() *
                         set.imageSize());
    set.readItem(index, p.data());
    return p;
}

std::vector<float> slot(const cw::ImageBatch& b, int j) {
    const std::size_t n = static_cast<std::size_t>(b.channels) * b.height * b.width;
    return {b.pixels.begin() + static_cast<std::ptrdiff_t>(n * j),
            b.pixels.begin() + static_cast<std::ptrdiff_t>(n * (j + 1))};
}

std::vector<float> transformed(std::vector<float> image, int channels, int n, int op) {
    cw::applySquareSymmetry(image.data(), channels, n, op);
    return image;
}

}  // namespace

class TestBatchLoader : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_ecd, m_crystens;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_ecd = m_tmp.path().toStdString() + "/ecd";
        m_crystens = m_tmp.path().toStdString() + "/crystens";
        cw::test::buildTinyEcd(m_ecd);
        cw::test::buildTinyEncoding(m_crystens);
    }

    void batchesDoNotDependOnTheWorkerCount() {
        const cw::ImageSet ecd(m_ecd, allItems());
        const cw::ImageSet crystens(m_crystens, allItems("band_gap,density"));
        const cw::ImageSet labelled(m_crystens, allItems("space_group"));
        for (const cw::ImageSet* set : {&ecd, &crystens, &labelled}) {
            const auto reference = batches(*set, loaderOptions(4, 0), 12);
            for (int workers : {1, 3}) {
                const auto other = batches(*set, loaderOptions(4, workers), 12);
                for (std::size_t s = 0; s < reference.size(); ++s) {
                    QCOMPARE(other[s].step, static_cast<std::int64_t>(s));
                    QVERIFY(sameBatch(other[s], reference[s]));
                }
            }
            const cw::ImageBatch& b = reference[0];
            QCOMPARE(b.batch, 4);
            QCOMPARE(b.channels, set->channels());
            QCOMPARE(b.height, set->imageSize());
            QCOMPARE(b.width, set->imageSize());
            QCOMPARE(b.pixels.size(),
                     static_cast<std::size_t>(4 * b.channels * b.height * b.width));
            QCOMPARE(b.classLabels.size(), set->classes() > 0 ? std::size_t{4} : std::size_t{0});
            QCOMPARE(b.conditions.size(), static_cast<std::size_t>(4 * set->conditionDim()));
        }
        // Another seed gives other batches.
        cw::BatchLoaderOptions o = loaderOptions(4, 0);
        o.seed = 12;
        QVERIFY(!sameBatch(batches(ecd, o, 1)[0], batches(ecd, loaderOptions(4, 0), 1)[0]));
    }

    void batchAtIsWhatNextDelivers() {
        const cw::ImageSet set(m_ecd, allItems());
        cw::BatchLoader loader(set, loaderOptions(5, 2));
        const cw::BatchLoader other(set, loaderOptions(5, 0, 100));
        for (std::int64_t s = 0; s < 10; ++s) {
            const cw::ImageBatch b = loader.next();
            QVERIFY(sameBatch(b, loader.batchAt(s)));
            QVERIFY(sameBatch(b, other.batchAt(s)));
        }
    }

    void aResumedLoaderContinuesTheSequence() {
        const cw::ImageSet set(m_ecd, allItems());
        const auto whole = batches(set, loaderOptions(4, 2), 14);
        for (int workers : {0, 2}) {
            const auto resumed = batches(set, loaderOptions(4, workers, 9), 5);
            for (int i = 0; i < 5; ++i) QVERIFY(sameBatch(resumed[i], whole[9 + i]));
        }
    }

    void everyEpochShowsEveryItemOnce() {
        // CrysTens items are distinct materials, so pixels identify the item; they are never
        // augmented, so every slot equals a stored item exactly.
        const cw::ImageSet set(m_crystens, allItems("space_group"));
        const std::size_t n = set.size();
        QCOMPARE(n, std::size_t{12});
        std::map<std::vector<float>, std::size_t> byPixels;
        for (std::size_t i = 0; i < n; ++i) byPixels[itemPixels(set, i)] = i;
        QCOMPARE(byPixels.size(), n);

        for (int batch : {4, 5}) {  // 4 divides 12; 5 makes batches straddle epochs
            const int steps = 12;
            const auto all = batches(set, loaderOptions(batch, 2), steps);
            std::vector<std::size_t> draws;
            for (const auto& b : all)
                for (int j = 0; j < batch; ++j) {
                    const auto it = byPixels.find(slot(b, j));
                    QVERIFY2(it != byPixels.end(), "a CrysTens item was altered");
                    QCOMPARE(b.classLabels[static_cast<std::size_t>(j)],
                             static_cast<std::int64_t>(set.classLabel(it->second)));
                    draws.push_back(it->second);
                }
            std::vector<std::vector<std::size_t>> epochs;
            for (std::size_t e = 0; e + n <= draws.size(); e += n) {
                std::vector<std::size_t> epoch(draws.begin() + static_cast<std::ptrdiff_t>(e),
                                               draws.begin() + static_cast<std::ptrdiff_t>(e + n));
                QCOMPARE(std::set<std::size_t>(epoch.begin(), epoch.end()).size(), n);
                epochs.push_back(epoch);
            }
            QVERIFY(epochs.size() >= 4);
            std::vector<std::size_t> identity(n);
            for (std::size_t i = 0; i < n; ++i) identity[i] = i;
            QVERIFY(epochs[0] != identity);   // shuffled
            QVERIFY(epochs[0] != epochs[1]);  // reshuffled every epoch
        }
    }

    void ecdSlicesAreAugmentedBySquareSymmetriesOnly() {
        const cw::ImageSet set(m_ecd, allItems());
        const auto plain = batches(set, loaderOptions(6, 2, 0, false), 8);
        const auto augmented = batches(set, loaderOptions(6, 2, 0, true), 8);
        std::set<int> opsSeen;
        for (std::size_t s = 0; s < plain.size(); ++s)
            for (int j = 0; j < 6; ++j) {
                const auto original = slot(plain[s], j), result = slot(augmented[s], j);
                int op = -1;
                for (int k = 0; k < 8 && op < 0; ++k)
                    if (transformed(original, 1, 32, k) == result) op = k;
                QVERIFY2(op >= 0, "an augmented slice is no symmetry of the square of its item");
                opsSeen.insert(op);
            }
        QVERIFY(opsSeen.size() >= 4);  // 48 draws of 8 symmetries
    }

    void squareSymmetriesFormTheDihedralGroup() {
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> uniform(-1, 1);
        for (int n : {4, 5}) {
            const int channels = 2;
            std::vector<float> image(static_cast<std::size_t>(channels * n * n));
            for (float& v : image) v = uniform(rng);
            std::set<std::vector<float>> images;
            for (int op = 0; op < 8; ++op) images.insert(transformed(image, channels, n, op));
            QCOMPARE(images.size(), std::size_t{8});
            // Closed under composition, so a group of order 8 (the permutation group of D4).
            for (int a = 0; a < 8; ++a)
                for (int b = 0; b < 8; ++b)
                    QVERIFY(images.count(
                        transformed(transformed(image, channels, n, a), channels, n, b)));
            std::vector<float> turned = image;
            for (int i = 0; i < 4; ++i) cw::applySquareSymmetry(turned.data(), channels, n, 1);
            QCOMPARE(turned, image);
            QCOMPARE(transformed(transformed(image, channels, n, 4), channels, n, 4), image);
            QCOMPARE(transformed(transformed(image, channels, n, 1), channels, n, 3), image);
            // op 1 turns counter-clockwise (row 0 at the top): the top-right pixel goes to the
            // top left; op 4 mirrors left and right; both channels move alike.
            const auto turnedOnce = transformed(image, channels, n, 1);
            const auto mirrored = transformed(image, channels, n, 4);
            for (int c = 0; c < channels; ++c) {
                const std::size_t base = static_cast<std::size_t>(c * n * n);
                QCOMPARE(turnedOnce[base], image[base + static_cast<std::size_t>(n - 1)]);
                QCOMPARE(turnedOnce[base + static_cast<std::size_t>((n - 1) * n)], image[base]);
                QCOMPARE(mirrored[base + static_cast<std::size_t>(n - 1)], image[base]);
            }
            // A flip then a turn (op 5) differs from a turn then a flip.
            QVERIFY(transformed(image, channels, n, 5) !=
                    transformed(transformed(image, channels, n, 1), channels, n, 4));
        }
    }

    void stoppingEarlyDoesNotHang() {
        const cw::ImageSet set(m_ecd, allItems());
        { cw::BatchLoader idle(set, loaderOptions(4, 3)); }
        for (int taken : {1, 3}) {
            cw::BatchLoaderOptions o = loaderOptions(4, 4);
            o.prefetch = 1;
            cw::BatchLoader loader(set, o);
            for (int i = 0; i < taken; ++i)
                QCOMPARE(loader.next().step, static_cast<std::int64_t>(i));
        }
    }

    void aTruncatedShardFailsNextWithItsName() {
        const std::string copy = m_tmp.path().toStdString() + "/truncated";
        fs::copy(m_ecd, copy, fs::copy_options::recursive);
        const cw::ImageSet set(copy, allItems());  // opened intact, damaged before first use
        const std::string shard = copy + "/images-00002.npy";
        fs::resize_file(shard, fs::file_size(shard) / 2);
        std::vector<int> delivered;
        for (int workers : {0, 2}) {
            cw::BatchLoader loader(set, loaderOptions(1, workers));
            int good = 0;
            try {
                for (; good < 40; ++good) loader.next();
                QFAIL("no error from a truncated shard");
            } catch (const cw::FormatError& e) {
                QVERIFY2(e.path() == shard, e.what());
            }
            // The batches before the first one that touches the shard still arrive, then the
            // error again on every call.
            delivered.push_back(good);
            QVERIFY_THROWS_EXCEPTION(cw::FormatError, loader.next());
        }
        // With seed 11 the first draws come from the other shards: those batches were delivered.
        QVERIFY(delivered[0] > 0);
        QCOMPARE(delivered[0], delivered[1]);
    }

    void badOptionsAreConfigErrors() {
        const cw::ImageSet set(m_ecd, allItems());
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::BatchLoader(set, loaderOptions(0, 1)));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::BatchLoader(set, loaderOptions(2, -1)));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::BatchLoader(set, loaderOptions(2, 1, -3)));
    }
};

QTEST_APPLESS_MAIN(TestBatchLoader)
#include "test_batch_loader.moc"
