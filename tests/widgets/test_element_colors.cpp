// Element colours: the Jmol scheme is the element table's; the distinct scheme keeps every pair
// of one crystal's elements at least ΔE*ab 30 apart (Jmol's Fe and P, Ba and Ca are not), keeps
// the lightest elements' familiar colours, and is the same for the same crystal every time.
#include <QtTest>

#include "core/error.h"
#include "crystal/elements.h"
#include "viewer/element_colors.h"

namespace {
std::vector<int> zsOf(std::initializer_list<const char*> symbols) {
    std::vector<int> zs;
    for (const char* s : symbols) zs.push_back(cw::atomicNumber(s));
    return zs;
}
double closestPair(const std::map<int, cw::Rgb>& colors) {
    double d = 1e9;
    for (auto a = colors.begin(); a != colors.end(); ++a)
        for (auto b = std::next(a); b != colors.end(); ++b) d = std::min(d, cw::colorDifference(a->second, b->second));
    return d;
}
}  // namespace

class TestElementColors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void colourDifferenceIsCie76() {
        // Published CIELAB of sRGB primaries (D65): red (53.24, 80.09, 67.20), white (100, 0, 0).
        QVERIFY(std::abs(cw::colorDifference({255, 0, 0}, {255, 255, 255}) - std::hypot(100 - 53.24, 80.09, 67.20)) < 0.2);
        QCOMPARE(cw::colorDifference({10, 20, 30}, {10, 20, 30}), 0.0);
    }

    void jmolIsTheTable() {
        const auto colors = cw::elementColors(zsOf({"Li", "Fe", "P", "O"}), cw::ElementColorScheme::Jmol);
        for (const auto& [z, rgb] : colors) QCOMPARE(rgb, cw::element(z).colorRgb);
        // The clash the distinct scheme exists for.
        QVERIFY(cw::colorDifference(colors.at(26), colors.at(15)) < cw::kDistinctDeltaE);
    }

    void distinctSeparatesNeighbours() {
        for (const auto& crystal : {zsOf({"Li", "Fe", "P", "O"}),                       // LiFePO4
                                    zsOf({"Ba", "Na", "Ca", "Ti", "Si", "S", "O"}),     // mp-561052
                                    zsOf({"Ba", "Ca", "Sr", "Mg", "Fe", "Co", "Ni", "Mn", "Cr", "O"})}) {
            const auto colors = cw::elementColors(crystal, cw::ElementColorScheme::Distinct);
            QCOMPARE(colors.size(), crystal.size());
            QVERIFY2(closestPair(colors) >= cw::kDistinctDeltaE, qPrintable(QString::number(closestPair(colors))));
            QCOMPARE(colors.at(8), cw::element(8).colorRgb);  // O stays red
            QCOMPARE(cw::elementColors(crystal, cw::ElementColorScheme::Distinct), colors);
        }
        // Elements that do not clash keep their colours: NaCl.
        const auto salt = cw::elementColors(zsOf({"Na", "Cl"}), cw::ElementColorScheme::Distinct);
        QCOMPARE(salt.at(11), cw::element(11).colorRgb);
        QCOMPARE(salt.at(17), cw::element(17).colorRgb);
    }

    void schemeNames() {
        QCOMPARE(cw::parseElementColorScheme("distinct"), cw::ElementColorScheme::Distinct);
        QCOMPARE(cw::elementColorSchemeName(cw::ElementColorScheme::Jmol), std::string("jmol"));
        QVERIFY_THROWS_EXCEPTION(cw::ValueError, cw::parseElementColorScheme("vesta"));
    }
};

QTEST_APPLESS_MAIN(TestElementColors)
#include "test_element_colors.moc"
