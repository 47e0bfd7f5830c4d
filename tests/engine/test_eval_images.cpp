// Reading images to evaluate (engine/eval/eval_images.h): .npy images and stacks of every dtype,
// PNGs, folders as `cwb diffusion sample` writes them, data sets (values back in [0, 1]), and
// bad files named and skipped.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fstream>

#include "core/error.h"
#include "core/npy.h"
#include "core/png_image.h"
#include "dataset/image_set.h"
#include "eval/eval_images.h"
#include "test_paths.h"
#include "tiny_datasets.h"

namespace {
std::string at(const QTemporaryDir& dir, const char* name) {
    return dir.filePath(name).toStdString();
}

void writeText(const std::string& path, const char* text) {
    std::ofstream out(path);
    out << text;
}

/// A ramp image whose pixel (r, c) is (r·cols + c + offset) / 1000.
std::vector<float> ramp(int rows, int cols, float offset) {
    std::vector<float> v(static_cast<std::size_t>(rows) * cols);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = (static_cast<float>(i) + offset) / 1000.0f;
    return v;
}
}  // namespace

class TestEvalImages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void npyShapesAndDtypes() {
        QTemporaryDir dir;
        // (H, W) float32: one image named by the path as given, values as stored.
        const std::string single = at(dir, "one.npy");
        cw::writeNpy(single, ramp(4, 6, 0), {4, 6});
        cw::EvalImages images;
        cw::appendImageFile(single, images);
        QCOMPARE(images.count(), std::size_t(1));
        QCOMPARE(images.names[0], single);
        QCOMPARE(images.channels, 1);
        QCOMPARE(images.height, 4);
        QCOMPARE(images.width, 6);
        QCOMPARE(images.item(0)[7], 7.0f / 1000.0f);

        // (K, H, W) uint8 → /255, named file[k], appended after the first.
        const std::string stack8 = at(dir, "stack8.npy");
        std::vector<std::uint8_t> bytes(2 * 4 * 6);
        for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(5 * i);
        cw::writeNpy(stack8, bytes, {2, 4, 6});
        cw::appendImageFile(stack8, images);
        QCOMPARE(images.count(), std::size_t(3));
        QCOMPARE(images.names[2], stack8 + "[1]");
        QCOMPARE(images.item(2)[3], float(5 * 27) / 255.0f);

        // uint16 → /65535.
        const std::string one16 = at(dir, "one16.npy");
        std::vector<std::uint16_t> words(24, 65535);
        words[5] = 13107;  // 0.2
        cw::writeNpy(one16, words, {4, 6});
        cw::EvalImages w;
        cw::appendImageFile(one16, w);
        QCOMPARE(w.item(0)[0], 1.0f);
        QVERIFY(std::abs(w.item(0)[5] - 0.2f) < 1e-7f);

        // A differently shaped file is refused whole, naming the file.
        const std::string other = at(dir, "other.npy");
        cw::writeNpy(other, ramp(5, 5, 0), {5, 5});
        try {
            cw::appendImageFile(other, images);
            QFAIL("a 5 × 5 image joined 4 × 6 ones");
        } catch (const cw::FormatError& e) {
            QVERIFY2(std::string(e.what()).find(other) == 0, e.what());
        }
        QCOMPARE(images.count(), std::size_t(3));

        // (K, C, H, W): channels kept apart; channelImage copies one plane.
        const std::string chw = at(dir, "chw.npy");
        std::vector<float> planes = ramp(2 * 2 * 3, 4, 0);
        cw::writeNpy(chw, planes, {2, 2, 3, 4});
        cw::EvalImages c;
        cw::appendImageFile(chw, c);
        QCOMPARE(c.count(), std::size_t(2));
        QCOMPARE(c.channels, 2);
        QCOMPARE(c.itemSize(), std::size_t(24));
        const cw::Image plane = c.channelImage(1, 1);
        QCOMPARE(plane.rows, 3);
        QCOMPARE(plane.cols, 4);
        QCOMPARE(plane(2, 3), planes[24 + 12 + 11]);
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, c.channelImage(1, 2));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, c.channelImage(2, 0));

        // Other ranks and names.
        const std::string flat = at(dir, "flat.npy");
        cw::writeNpy(flat, ramp(1, 8, 0), {8});
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::appendImageFile(flat, c));
        const std::string text = at(dir, "notes.txt");
        writeText(text, "not an image\n");
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::appendImageFile(text, c));
        QVERIFY_THROWS_EXCEPTION(cw::IoError, cw::appendImageFile(at(dir, "missing.npy"), c));
    }

    void appendChecksShape() {
        cw::EvalImages images;
        const std::vector<float> a(12, 0.5f);
        images.append("a", 1, 3, 4, a.data());
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, images.append("b", 1, 4, 3, a.data()));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, images.append("c", 2, 3, 2, a.data()));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, images.append("d", 0, 3, 4, a.data()));
        images.append("e", 1, 3, 4, a.data());
        QCOMPARE(images.count(), std::size_t(2));
        QCOMPARE(images.pixels.size(), std::size_t(24));
    }

    void pngMatchesNpy() {
        // The 16-bit PNG export of a real slice reads back within quantisation.
        QTemporaryDir dir;
        const std::string npy = cw::test::testDataPath("ecd/mp-18849_z_64.npy");
        const cw::Image slice = cw::readNpyImage(npy);
        const std::string png = at(dir, "slice.png");
        cw::writePngGray(png, slice, 16);
        cw::EvalImages images;
        cw::appendImageFile(npy, images);
        cw::appendImageFile(png, images);
        QCOMPARE(images.count(), std::size_t(2));
        double worst = 0;
        for (std::size_t i = 0; i < images.itemSize(); ++i)
            worst = std::max(worst, double(std::abs(images.item(0)[i] - images.item(1)[i])));
        QVERIFY2(worst <= 0.5 / 65535 + 1e-7, qPrintable(QString::number(worst)));
    }

    void folderPrefersSamplesNpy() {
        QTemporaryDir dir;
        cw::writeNpy(at(dir, "samples.npy"), ramp(3 * 4, 4, 0), {3, 1, 4, 4});
        cw::writeNpy(at(dir, "sample-00000.npy"), ramp(4, 4, 0), {4, 4});
        cw::writePngGray(at(dir, "grid.png"), cw::Image(9, 9, 0.5f));
        cw::ProblemLog problems;
        const cw::EvalImages images = cw::readEvalImages(dir.path().toStdString(), {}, problems);
        QCOMPARE(images.count(), std::size_t(3));
        QCOMPARE(images.names[0], std::string("samples.npy[0]"));
        QCOMPARE(images.names[2], std::string("samples.npy[2]"));
        QVERIFY(problems.empty());
    }

    void folderSkipsBadFiles() {
        // sample-*.npy as `--per-sample-npy` writes them, their PNG previews and a grid (ignored
        // beside .npy files), one corrupt file and one of another size: both named and skipped.
        QTemporaryDir dir;
        for (int k = 0; k < 4; ++k) {
            const std::string name = "sample-0000" + std::to_string(k);
            cw::writeNpy(at(dir, (name + ".npy").c_str()), ramp(6, 6, float(k)), {6, 6});
            cw::writePngGray(at(dir, (name + ".png").c_str()), cw::Image(6, 6, 0.25f));
        }
        cw::writePngGray(at(dir, "grid.png"), cw::Image(14, 14, 0.5f));
        writeText(at(dir, "sample-00002b.npy"), "garbage");
        cw::writeNpy(at(dir, "sample-00009.npy"), ramp(8, 8, 0), {8, 8});
        cw::ProblemLog problems;
        cw::EvalImages images = cw::readEvalImages(dir.path().toStdString(), {}, problems);
        QCOMPARE(images.count(), std::size_t(4));
        QCOMPARE(images.names[0], std::string("sample-00000.npy"));
        QCOMPARE(images.names[3], std::string("sample-00003.npy"));
        QCOMPARE(images.item(3)[0], 3.0f / 1000.0f);
        QCOMPARE(problems.count(), std::size_t(2));
        QCOMPARE(problems.problems()[0].where, at(dir, "sample-00002b.npy"));
        QCOMPARE(problems.problems()[1].where, at(dir, "sample-00009.npy"));
        QVERIFY2(problems.problems()[1].reason.find("8 × 8") != std::string::npos,
                 problems.problems()[1].reason.c_str());

        // At most N, in name order; a requested size skips the others.
        cw::EvalImagesOptions o;
        o.maxImages = 2;
        cw::ProblemLog quiet;
        images = cw::readEvalImages(dir.path().toStdString(), o, quiet);
        QCOMPARE(images.count(), std::size_t(2));
        QCOMPARE(images.names[1], std::string("sample-00001.npy"));
        o.maxImages = 0;
        o.imageSize = 8;
        cw::ProblemLog sized;
        images = cw::readEvalImages(dir.path().toStdString(), o, sized);
        QCOMPARE(images.count(), std::size_t(1));
        QCOMPARE(images.names[0], std::string("sample-00009.npy"));
        QCOMPARE(sized.count(), std::size_t(5));
    }

    void folderOfPngs() {
        QTemporaryDir dir;
        cw::writePngGray(at(dir, "b.png"), cw::Image(5, 7, 0.2f), 8);
        cw::writePngGray(at(dir, "a.png"), cw::Image(5, 7, 0.6f), 16);
        writeText(at(dir, "readme.txt"), "ignored\n");
        cw::ProblemLog problems;
        const cw::EvalImages images = cw::readEvalImages(dir.path().toStdString(), {}, problems);
        QCOMPARE(images.count(), std::size_t(2));
        QCOMPARE(images.names[0], std::string("a.png"));
        QVERIFY(std::abs(images.item(0)[0] - 0.6f) < 1e-5f);
        QCOMPARE(images.item(1)[34], 51.0f / 255.0f);
        QVERIFY(problems.empty());
    }

    void errors() {
        QTemporaryDir dir;
        cw::ProblemLog problems;
        QVERIFY_THROWS_EXCEPTION(cw::IoError,
                                 cw::readEvalImages(at(dir, "nothing-here"), {}, problems));
        // An empty folder, a folder of unreadable images, one bad file given by name.
        QVERIFY_THROWS_EXCEPTION(cw::ValueError,
                                 cw::readEvalImages(dir.path().toStdString(), {}, problems));
        writeText(at(dir, "bad.npy"), "garbage");
        try {
            cw::readEvalImages(dir.path().toStdString(), {}, problems);
            QFAIL("a folder of bad files gave images");
        } catch (const cw::ValueError& e) {
            QVERIFY2(std::string(e.what()).find("1 file(s) skipped") != std::string::npos, e.what());
        }
        QCOMPARE(problems.count(), std::size_t(1));
        QVERIFY_THROWS_EXCEPTION(cw::FormatError, cw::readEvalImages(at(dir, "bad.npy"), {}, problems));
    }

    // Blob σ below 0.3 px: atoms vanish between pixel centres (exp(−0.25 / 2σ²) of the peak).
    // One rule for the CLI and the window: an ECD data set at another size is resampled to the
    // generated images' (and said), an encoding set is an error, a folder is read as it is.
    void realImagesFollowTheGeneratedSize() {
        QTemporaryDir dir;
        const std::string ecd = dir.filePath("ecd").toStdString(), ct = dir.filePath("ct").toStdString();
        cw::test::buildTinyEcd(ecd);        // 32 × 32 px
        cw::test::buildTinyEncoding(ct);    // 64 × 64 × 4
        cw::EvalImages generated;
        generated.height = generated.width = 16;
        const cw::RealImageSize resampled = cw::realImageSizeFor(ecd, "train", generated);
        QCOMPARE(resampled.imageSize, 16);
        QVERIFY2(QString::fromStdString(resampled.note).contains("32 × 32 px slices to the generated images' 16 × 16"),
                 resampled.note.c_str());
        generated.height = generated.width = 32;
        QCOMPARE(cw::realImageSizeFor(ecd, "train", generated).imageSize, 0);  // as stored
        QVERIFY(cw::realImageSizeFor(ecd, "train", generated).note.empty());
        generated.height = generated.width = 16;
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::realImageSizeFor(ct, "train", generated));
        QCOMPARE(cw::realImageSizeFor(dir.path().toStdString(), "train", generated).imageSize, 0);
    }

    void narrowAtomsAreWarnedAbout() {
        const std::string narrow = cw::atomCountingWarning(0.25 / 40 * 32);  // 0.2 px
        QVERIFY2(QString::fromStdString(narrow).contains("keeps 4 % of its peak"), narrow.c_str());
        QVERIFY(cw::atomCountingWarning(0.29).size() > 0);
        QVERIFY(cw::atomCountingWarning(0.25 / 40 * 64).empty());   // 0.4 px: 46 % of the peak
        QVERIFY(cw::atomCountingWarning(0.25 / 40 * 256).empty());  // 1.6 px
    }

    void datasetItemsInUnitRange() {
        QTemporaryDir dir;
        const std::string ds = at(dir, "ecd");
        cw::test::buildTinyEcd(ds);
        cw::ProblemLog problems;
        cw::EvalImagesOptions o;
        o.split = "val";
        const cw::EvalImages images = cw::readEvalImages(ds, o, problems);
        cw::ImageSetOptions so;
        so.split = "val";
        const cw::ImageSet set(ds, so);
        QCOMPARE(images.count(), set.size());
        QVERIFY(images.count() > 2);
        QCOMPARE(images.height, 32);
        std::vector<float> item(set.channels() * 32 * 32);
        for (std::size_t i = 0; i < set.size(); ++i) {
            QCOMPARE(images.names[i], set.materialId(i));
            set.readItem(i, item.data());
            for (std::size_t k = 0; k < item.size(); ++k) {
                const float v = images.item(i)[k];
                QVERIFY(v >= 0.0f && v <= 1.0f);
                QVERIFY(std::abs(v - 0.5f * (item[k] + 1.0f)) < 1e-7f);
            }
        }
        // Resampled as for training, and cut to the first N.
        o.imageSize = 16;
        o.maxImages = 2;
        const cw::EvalImages small = cw::readEvalImages(ds, o, problems);
        QCOMPARE(small.count(), std::size_t(2));
        QCOMPARE(small.width, 16);
        QVERIFY(problems.empty());
    }
};

QTEST_APPLESS_MAIN(TestEvalImages)
#include "test_eval_images.moc"
