// Structural and compositional validity of generated crystals (engine/crystal_eval,
// docs/spec/crystal-generation.md sections 1–2): every row of the SMACT reference table
// (comp_validity.csv: flag, rule and first passing oxidation states), the pruned assignment
// search against a plain walk over every assignment written from SMACT's Python, each
// structural reason on hand-made crystals, and the flags, density and element count of the
// fingerprint reference structures read from their CIF text.
#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "crystal/elements.h"
#include "crystal/lattice.h"
#include "crystal_eval/composition_validity.h"
#include "crystal_eval/crystal_validity.h"
#include "crystal_eval/minimum_image_search.h"
#include "crystal_eval/smact_data.h"
#include "crystal_eval/structural_validity.h"
#include "io/cif.h"
#include "test_paths.h"

using namespace cw;

namespace {

/// One CSV record split on commas outside double quotes ("" inside quotes is a quote).
std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            fields.back() += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

struct CompositionRow {
    std::string formula;
    std::vector<int> elements;
    std::vector<std::int64_t> counts;
    bool valid = false;
    std::string rule;
    std::vector<int> witness;
};

std::vector<CompositionRow> readCompositionRows() {
    std::ifstream in(test::testDataPath("crystal_eval/comp_validity.csv"));
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> header = splitCsvLine(line);
    auto column = [&](const char* name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    };
    const std::size_t formula = column("formula"), elements = column("elements"),
                      counts = column("counts"), valid = column("valid"), rule = column("rule"),
                      witness = column("witness_ox");
    std::vector<CompositionRow> rows;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const std::vector<std::string> f = splitCsvLine(line);
        CompositionRow row;
        row.formula = f.at(formula);
        for (const std::string& symbol : words(f.at(elements)))
            row.elements.push_back(atomicNumber(symbol));
        for (const std::string& n : words(f.at(counts))) row.counts.push_back(std::stoll(n));
        row.valid = f.at(valid) == "1";
        row.rule = f.at(rule);
        for (const std::string& ox : words(f.at(witness))) row.witness.push_back(std::stoi(ox));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string joined(const std::vector<int>& values) {
    std::string out;
    for (int v : values) out += (out.empty() ? "" : " ") + std::to_string(v);
    return out;
}

/// SMACT 2.2's eneg_states_test as CDVAE calls it, written from the Python: a None on an
/// opposite-sign pair raises TypeError (caught: pass); the `is None` branch fails the rest.
bool paulingAsCdvae(const std::vector<int>& ox, const std::vector<const SmactElement*>& e) {
    for (std::size_t i = 0; i < ox.size(); ++i) {
        for (std::size_t j = i + 1; j < ox.size(); ++j) {
            const bool none = !e[i]->hasPauling() || !e[j]->hasPauling();
            if (ox[i] > 0 && ox[j] < 0) {
                if (none) return true;
                if (e[i]->pauling >= e[j]->pauling) return false;
            } else if (ox[i] < 0 && ox[j] > 0) {
                if (none) return true;
                if (e[i]->pauling <= e[j]->pauling) return false;
            } else if (none) {
                return false;
            }
        }
    }
    return true;
}

/// CDVAE's smact_validity by brute force: the whole itertools.product, first pass wins.
CompositionValidity smactByProductWalk(const std::vector<int>& elements,
                                       const std::vector<std::int64_t>& counts) {
    CompositionValidity result;
    std::vector<const SmactElement*> data;
    for (int z : elements) data.push_back(smactElement(z));
    if (elements.size() == 1) {
        result.valid = true;
        result.rule = CompositionRule::SingleElement;
        return result;
    }
    if (std::all_of(data.begin(), data.end(), [](const SmactElement* e) { return e->metal; })) {
        result.valid = true;
        result.rule = CompositionRule::AllMetals;
        return result;
    }
    std::vector<int> index(elements.size(), 0), ox(elements.size());
    for (const SmactElement* e : data)
        if (e->stateCount == 0) return result;
    while (true) {
        std::int64_t charge = 0;
        for (std::size_t k = 0; k < elements.size(); ++k) {
            ox[k] = data[k]->states[static_cast<std::size_t>(index[k])];
            charge += ox[k] * counts[k];
        }
        if (charge == 0 && paulingAsCdvae(ox, data)) {
            result.valid = true;
            result.rule = CompositionRule::ChargeBalance;
            result.witnessOxidationStates = ox;
            return result;
        }
        std::size_t k = elements.size();  // last element fastest, like itertools.product
        while (k > 0 && ++index[k - 1] == data[k - 1]->stateCount) index[--k] = 0;
        if (k == 0) return result;
    }
}

GeneratedCrystal crystal(double a, double b, double c, double alpha, double beta, double gamma,
                         std::vector<int> zs, std::vector<Eigen::Vector3d> frac) {
    GeneratedCrystal g;
    g.id = "hand-made";
    g.lengthsA[0] = a, g.lengthsA[1] = b, g.lengthsA[2] = c;
    g.anglesDeg[0] = alpha, g.anglesDeg[1] = beta, g.anglesDeg[2] = gamma;
    g.atomicNumbers = std::move(zs);
    g.frac = std::move(frac);
    return g;
}

QString reasonOf(const StructuralValidity& v) {
    return QString::fromUtf8(structuralReasonName(v.reason).data(),
                             static_cast<qsizetype>(structuralReasonName(v.reason).size()));
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

class TestCrystalValidity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyReferenceCompositionAgrees() {
        const std::vector<CompositionRow> rows = readCompositionRows();
        QCOMPARE(rows.size(), std::size_t{295});
        int validRows = 0;
        for (const CompositionRow& row : rows) {
            const CompositionValidity v = compositionValidity(row.elements, row.counts);
            const std::string what = row.formula + " (" + joined(row.elements) + ")";
            QVERIFY2(v.valid == row.valid, what.c_str());
            QVERIFY2(std::string(compositionRuleName(v.rule)) == row.rule,
                     (what + ": rule " + std::string(compositionRuleName(v.rule))).c_str());
            QVERIFY2(v.witnessOxidationStates == row.witness,
                     (what + ": witness " + joined(v.witnessOxidationStates) + ", expected " +
                      joined(row.witness))
                         .c_str());
            QCOMPARE(v.elements, row.elements);
            QCOMPARE(v.counts, row.counts);
            validRows += v.valid;
        }
        QCOMPARE(validRows, 200);
    }

    void compositionIsSortedAndReducedFirst() {
        // The reference rows are in ascending Z with reduced counts; any order and any multiple
        // must give the same verdict and witness (the Pauling test walks pairs in Z order).
        for (const CompositionRow& row : readCompositionRows()) {
            std::vector<int> elements(row.elements.rbegin(), row.elements.rend());
            std::vector<std::int64_t> counts;
            for (auto it = row.counts.rbegin(); it != row.counts.rend(); ++it)
                counts.push_back(*it * 6);
            const CompositionValidity v = compositionValidity(elements, counts);
            QVERIFY2(v.valid == row.valid && v.witnessOxidationStates == row.witness,
                     row.formula.c_str());
            QCOMPARE(v.counts, row.counts);
        }
        // Per-site input: Fe2O3 as ten sites in mixed order.
        const CompositionValidity fe2o3 = compositionValidity({26, 8, 8, 26, 8, 26, 8, 8, 26, 8});
        QVERIFY(fe2o3.valid);
        QCOMPARE(fe2o3.elements, (std::vector<int>{8, 26}));
        QCOMPARE(fe2o3.counts, (std::vector<std::int64_t>{3, 2}));
        QCOMPARE(fe2o3.witnessOxidationStates, (std::vector<int>{-2, 3}));
    }

    void compositionEdgeCases() {
        QVERIFY(!compositionValidity({104}).valid);  // no SMACT data above Lr
        QVERIFY(!compositionValidity({8, 8, 118}).valid);
        QVERIFY(!compositionValidity(std::vector<int>{}).valid);
        QVERIFY_THROWS_EXCEPTION(ValueError, compositionValidity({8, 26}, {3}));
        QVERIFY_THROWS_EXCEPTION(ValueError, compositionValidity({8, 26}, {3, 0}));
        QVERIFY_THROWS_EXCEPTION(ValueError, compositionValidity({8, 8}, {1, 1}));
    }

    void prunedSearchEqualsTheProductWalk() {
        // Random compositions of 2–6 elements, half of them with an element that lacks a Pauling
        // value or oxidation states, against the unpruned walk over every assignment.
        std::mt19937 random(20240611);
        const int withoutPauling[] = {2, 10, 18, 61, 86, 103};
        int valid = 0, charged = 0;
        for (int trial = 0; trial < 4000; ++trial) {
            const int n = 2 + static_cast<int>(random() % 5);
            std::vector<int> elements;
            if (trial % 2 == 0) elements.push_back(withoutPauling[random() % 6]);
            while (static_cast<int>(elements.size()) < n) {
                const int z = 1 + static_cast<int>(random() % 103);
                if (std::find(elements.begin(), elements.end(), z) == elements.end())
                    elements.push_back(z);
            }
            std::sort(elements.begin(), elements.end());
            std::vector<std::int64_t> counts;
            for (int k = 0; k < n; ++k)
                counts.push_back(1 + static_cast<std::int64_t>(random() % 8));
            std::int64_t g = 0;
            for (std::int64_t c : counts) g = std::gcd(g, c);
            for (std::int64_t& c : counts) c /= g;
            const CompositionValidity fast = compositionValidity(elements, counts);
            const CompositionValidity walk = smactByProductWalk(elements, counts);
            const std::string what = "Z " + joined(elements) + " counts " +
                                     joined(std::vector<int>(counts.begin(), counts.end()));
            QVERIFY2(fast.valid == walk.valid && fast.rule == walk.rule, what.c_str());
            QVERIFY2(fast.witnessOxidationStates == walk.witnessOxidationStates,
                     (what + ": " + joined(fast.witnessOxidationStates) + " vs " +
                      joined(walk.witnessOxidationStates))
                         .c_str());
            valid += fast.valid;
            charged += fast.rule == CompositionRule::ChargeBalance;
        }
        QVERIFY(valid > 400 && charged > 200);  // both outcomes are well represented
    }

    void tenElementCompositionsAreQuick() {
        std::mt19937 random(7);
        const auto start = std::chrono::steady_clock::now();
        for (int trial = 0; trial < 500; ++trial) {
            std::vector<int> elements;
            while (elements.size() < 10) {
                const int z = 1 + static_cast<int>(random() % 103);
                if (std::find(elements.begin(), elements.end(), z) == elements.end())
                    elements.push_back(z);
            }
            std::vector<std::int64_t> counts;
            for (int k = 0; k < 10; ++k)
                counts.push_back(1 + static_cast<std::int64_t>(random() % 12));
            compositionValidity(elements, counts);
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        // 8^10 assignments each would take minutes unpruned; pruned, this is milliseconds.
        QVERIFY2(seconds < 5.0,
                 qPrintable(QString("500 ten-element compositions took %1 s").arg(seconds)));
    }

    void nonFiniteValuesAreNanValue() {
        const auto ok = crystal(4, 4, 4, 90, 90, 90, {11, 17}, {{0, 0, 0}, {0.5, 0.5, 0.5}});
        QVERIFY(structuralValidity(ok).valid);
        auto nanLength = ok;
        nanLength.lengthsA[1] = kNaN;
        QCOMPARE(reasonOf(structuralValidity(nanLength)), QString("nan_value"));
        auto nanAngle = ok;
        nanAngle.anglesDeg[2] = kNaN;
        QCOMPARE(reasonOf(structuralValidity(nanAngle)), QString("nan_value"));
        auto nanCoordinate = ok;
        nanCoordinate.frac[1][2] = kNaN;
        QCOMPARE(reasonOf(structuralValidity(nanCoordinate)), QString("nan_value"));
        // NaN is tested before the sign of the lengths (DiffCSP's order).
        auto nanAndNegative = nanCoordinate;
        nanAndNegative.lengthsA[0] = -1;
        QCOMPARE(reasonOf(structuralValidity(nanAndNegative)), QString("nan_value"));
        auto infiniteCoordinate = ok;
        infiniteCoordinate.frac[0][0] = kInf;
        QCOMPARE(reasonOf(structuralValidity(infiniteCoordinate)), QString("nan_value"));
        auto infiniteLength = ok;
        infiniteLength.lengthsA[2] = kInf;
        QCOMPARE(reasonOf(structuralValidity(infiniteLength)), QString("nan_value"));
    }

    void nonPositiveLengths() {
        for (double bad : {-3.0, 0.0, -kInf}) {
            auto g = crystal(4, 4, 4, 90, 90, 90, {6}, {{0, 0, 0}});
            g.lengthsA[2] = bad;
            const StructuralValidity v = structuralValidity(g);
            QVERIFY(!v.valid);
            QCOMPARE(reasonOf(v), QString("non_positive_lattice"));
        }
    }

    void constructionFailures() {
        const auto base = crystal(4, 4, 4, 90, 90, 90, {11, 17}, {{0, 0, 0}, {0.5, 0.5, 0.5}});
        auto mismatch = base;
        mismatch.atomicNumbers.pop_back();
        QCOMPARE(reasonOf(structuralValidity(mismatch)), QString("construction_raises_exception"));
        auto noElement = base;
        noElement.atomicNumbers[0] = 0;
        QCOMPARE(reasonOf(structuralValidity(noElement)), QString("construction_raises_exception"));
        // α = 0 with β = γ = 90° makes pymatgen's cos γ* 0/0: a NaN cell.
        auto zeroAngle = base;
        zeroAngle.anglesDeg[0] = 0;
        QVERIFY(!pymatgenCellFromParameters(zeroAngle.lengthsA, zeroAngle.anglesDeg).allFinite());
        QCOMPARE(reasonOf(structuralValidity(zeroAngle)), QString("construction_raises_exception"));
        auto empty = base;
        empty.atomicNumbers.clear();
        empty.frac.clear();
        QCOMPARE(reasonOf(structuralValidity(empty)), QString("no_atoms"));
    }

    void impossibleAnglesGiveAFlatCell() {
        // α + β < γ has no cell; pymatgen clips cos γ* and builds a flat one (V ≈ 0), where
        // cw::Lattice refuses.
        const auto g = crystal(4, 5, 6, 30, 40, 100, {8}, {{0, 0, 0}});
        QVERIFY_THROWS_EXCEPTION(ValueError, Lattice::fromParameters({4, 5, 6, 30, 40, 100}));
        const StructuralValidity v = structuralValidity(g);
        QCOMPARE(reasonOf(v), QString("unrealistically_small_lattice"));
        QVERIFY(v.volumeA3 < 1e-6);
        // For a possible triple the matrix is exactly cw::Lattice's (pymatgen's formula).
        const double lengths[3] = {4, 5, 6}, angles[3] = {70, 80, 100};
        QCOMPARE(pymatgenCellFromParameters(lengths, angles),
                 Lattice::fromParameters({4, 5, 6, 70, 80, 100}).matrix());
    }

    void volumeThreshold() {
        const auto tiny = crystal(0.4, 0.4, 0.4, 90, 90, 90, {1}, {{0, 0, 0}});  // 0.064 Å³
        const StructuralValidity small = structuralValidity(tiny);
        QCOMPARE(reasonOf(small), QString("unrealistically_small_lattice"));
        QVERIFY(std::abs(small.volumeA3 - 0.064) < 1e-12);
        // One atom, a = 0.3 Å: its own images are 0.3 Å apart, which is not tested.
        const StructuralValidity thin =
            structuralValidity(crystal(0.3, 0.6, 0.6, 90, 90, 90, {1}, {{0.2, 0.3, 0.4}}));
        QVERIFY(thin.valid);
        QVERIFY(std::abs(thin.volumeA3 - 0.108) < 1e-12);
        QCOMPARE(reasonOf(structuralValidity(crystal(0.3, 0.5, 0.5, 90, 90, 90, {1}, {{0, 0, 0}}))),
                 QString("unrealistically_small_lattice"));
    }

    void closeAtomsAcrossTheBoundaryOfASkewedCell() {
        const double a = 4.1, b = 5.3, c = 6.2, alpha = 62, beta = 108, gamma = 71;
        const Lattice lattice = Lattice::fromParameters({a, b, c, alpha, beta, gamma});
        const Eigen::Vector3d first(0.985, 0.01, 0.975);
        const Eigen::Vector3d direction = Eigen::Vector3d(0.6, -0.5, 0.62).normalized();
        for (double separation : {0.4, 0.499, 0.501, 0.6}) {
            // The second atom sits `separation` Å away, past the cell's faces, then wrapped.
            Eigen::Vector3d second =
                lattice.toFractional(lattice.toCartesian(first) + separation * direction);
            for (int i = 0; i < 3; ++i) second[i] -= std::floor(second[i]);
            QVERIFY((second - first).cwiseAbs().maxCoeff() > 0.5);  // really across the boundary
            const auto g =
                crystal(a, b, c, alpha, beta, gamma, {8, 26, 8}, {{0.5, 0.5, 0.5}, first, second});
            const StructuralValidity v = structuralValidity(g);
            if (separation < 0.5) {
                QCOMPARE(reasonOf(v), QString("atoms_too_close"));
                QVERIFY(std::abs(v.closestDistanceA - separation) < 1e-9);
                QCOMPARE(v.closestPair[0], std::size_t{1});
                QCOMPARE(v.closestPair[1], std::size_t{2});
            } else {
                QVERIFY2(v.valid, qPrintable(reasonOf(v)));
            }
        }
    }

    void trueMinimumImageInAHeavilyShearedCell() {
        // A 3 Å cubic lattice described by a = (3,0,0), b = (150,3,0), c = (0,-99,3): the same
        // lattice, so two atoms 0.45 Å apart in the cube are 0.45 Å apart here, although their
        // fractional coordinates differ by far more than the 27 images around them reach.
        Eigen::Matrix3d rows;
        rows << 3, 0, 0, 150, 3, 0, 0, -99, 3;
        const Lattice sheared(rows);
        const LatticeParameters p = sheared.parameters();
        const Lattice rebuilt = Lattice::fromParameters(p);
        const Eigen::Vector3d cartesian1(0.3, 0.2, 0.1), cartesian2(0.3 + 0.45, 0.2, 0.1);
        auto toFrac = [&](const Eigen::Vector3d& x) { return sheared.toFractional(x); };
        const auto g =
            crystal(p.a, p.b, p.c, p.alpha, p.beta, p.gamma, {14, 14},
                    {toFrac(cartesian1), toFrac(cartesian2 + Eigen::Vector3d(3, 6, -3))});
        const StructuralValidity v = structuralValidity(g);
        QCOMPARE(reasonOf(v), QString("atoms_too_close"));
        QVERIFY(std::abs(v.closestDistanceA - 0.45) < 1e-7);
        QVERIFY(std::abs(rebuilt.minimumImageDistance(g.frac[0], g.frac[1]) - 0.45) < 1e-7);
        // The search's reduced cell is the cube again.
        const MinimumImageSearch search(rebuilt.matrix());
        for (int i = 0; i < 3; ++i)
            QVERIFY(std::abs(search.reducedRows().row(i).norm() - 3) < 1e-6);
    }

    void pairSearchEqualsEveryPairTested() {
        // Random crystals of up to 60 sites in random cells, against the exact distance of
        // cw::Lattice on every pair.
        std::mt19937 random(99);
        std::uniform_real_distribution<double> unit(0, 1);
        int tooClose = 0;
        // The first cells have exact ties in their reduction (fcc 60°, hexagonal 120°, cubic).
        const double fixedCells[][6] = {
            {3, 3, 3, 60, 60, 60}, {3, 3, 5, 90, 90, 120}, {3, 3, 3, 90, 90, 90}};
        for (int trial = 0; trial < 300; ++trial) {
            double lengths[3], angles[3];
            for (int i = 0; i < 3; ++i) {
                lengths[i] = trial < 30 ? fixedCells[trial % 3][i] : 2 + 8 * unit(random);
                angles[i] = trial < 30 ? fixedCells[trial % 3][3 + i] : 60 + 60 * unit(random);
            }
            const Eigen::Matrix3d cell = pymatgenCellFromParameters(lengths, angles);
            if (!(std::abs(cell.determinant()) > 1.0)) continue;
            const Lattice lattice(cell);
            std::vector<Eigen::Vector3d> frac(1 + random() % 60);
            for (auto& f : frac)
                f = Eigen::Vector3d(3 * unit(random) - 1, unit(random), unit(random));
            double expected = kInf;
            std::size_t ei = 0, ej = 0;
            for (std::size_t i = 0; i < frac.size(); ++i)
                for (std::size_t j = i + 1; j < frac.size(); ++j) {
                    const double d = lattice.minimumImageDistance(frac[i], frac[j]);
                    if (d < expected) expected = d, ei = i, ej = j;
                }
            const MinimumImageSearch::ClosestPair found =
                MinimumImageSearch(cell).closestPairBelow(frac, 1.2);
            QCOMPARE(found.found, expected < 1.2);
            if (found.found) {
                QVERIFY(std::abs(found.distanceA - expected) < 1e-9);
                QCOMPARE(std::make_pair(found.i, found.j), std::make_pair(ei, ej));
                ++tooClose;
            }
        }
        QVERIFY(tooClose > 50);
    }

    void fingerprintReferenceStructures() {
        QFile file(QString::fromStdString(test::testDataPath("crystal_eval/fingerprints.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray structures =
            QJsonDocument::fromJson(file.readAll()).object()["structures"].toArray();
        QCOMPARE(structures.size(), 36);
        std::vector<GeneratedCrystal> crystals;
        for (const QJsonValue& value : structures) {
            const QJsonObject record = value.toObject();
            const std::string id = record["id"].toString().toStdString();
            const std::vector<CifStructure> blocks =
                parseCifBlocks(record["cif"].toString().toStdString(), id);
            QCOMPARE(blocks.size(), std::size_t{1});
            crystals.push_back(toGeneratedCrystal(blocks[0].structure));
            const CrystalValidity v = crystalValidity(crystals.back());
            QVERIFY2(v.structural.valid == record["struct_valid"].toBool(), id.c_str());
            QVERIFY2(v.composition.valid == record["comp_valid"].toBool(), id.c_str());
            const QString reason =
                record["reason"].isNull() ? QString() : record["reason"].toString();
            QCOMPARE(QString::fromStdString(v.reason()), reason);
            const double density = record["density"].toDouble();
            QVERIFY2(std::abs(v.densityGPerCm3 - density) < 1e-9 * density,
                     qPrintable(QString("%1: %2 vs %3")
                                    .arg(id.c_str())
                                    .arg(v.densityGPerCm3, 0, 'g', 17)
                                    .arg(density, 0, 'g', 17)));
            QCOMPARE(v.elementCount, record["n_elems"].toInt());
            std::vector<int> elements;
            for (const QJsonValue& symbol : record["elements"].toArray())
                elements.push_back(atomicNumber(symbol.toString().toStdString()));
            QCOMPARE(v.composition.elements, elements);
        }
        // The batch form on all cores gives the same, in order.
        const std::vector<CrystalValidity> batch = crystalValidity(crystals, 0);
        QCOMPARE(batch.size(), crystals.size());
        for (std::size_t i = 0; i < crystals.size(); ++i) {
            const CrystalValidity single = crystalValidity(crystals[i]);
            QCOMPARE(batch[i].valid(), single.valid());
            QCOMPARE(batch[i].densityGPerCm3, single.densityGPerCm3);
        }
    }
};

QTEST_APPLESS_MAIN(TestCrystalValidity)
#include "test_crystal_validity.moc"
