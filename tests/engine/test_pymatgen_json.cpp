// pymatgen Structure dicts: reading Materials Project documents, disordered sites, round trips
// and errors that name the source and the site.
#include <QtTest>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/compressed_input.h"
#include "core/error.h"
#include "io/pymatgen_json.h"
#include "known_structures.h"
#include "structure_compare.h"
#include "test_paths.h"

using nlohmann::json;

namespace {
// Round trips keep occupancies and labels too.
const cw::test::CompareOptions kRoundTrip{1e-9, true, false};

// mp-1000 (BaTe) exactly as it appears in shared/data/mp/mp_dev_summary.json.gz.
const char* kBaTe = R"({"@module":"pymatgen.core.structure","@class":"Structure","charge":0,
"lattice":{"matrix":[[5.01321596,0.0,0.0],[2.50660798,4.34157238,0.0],
[2.50660798,1.44719079,4.09327369]],"pbc":[true,true,true],"a":5.01321596,
"b":5.013215963448866,"c":5.01321595877404,"alpha":60.00000002242119,"beta":59.9999999919105,
"gamma":60.00000002275736,"volume":89.09108403122855},
"sites":[{"species":[{"element":"Ba","occu":1}],"abc":[0.0,0.0,0.0],"xyz":[0.0,0.0,0.0],
"label":"Ba","properties":{}},{"species":[{"element":"Te","occu":1}],"abc":[0.5,0.5,0.5],
"xyz":[5.01321596,2.8943815849999996,2.046636845],"label":"Te","properties":{}}]})";

/// The FormatError message of reading `dict`, or "" if it reads.
QString readError(const json& dict, const std::string& where = "doc.json:entry 3 (mp-7)") {
    try {
        cw::structureFromPymatgenDict(dict, where);
    } catch (const cw::FormatError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestPymatgenJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsMaterialsProjectStructure() {
        const cw::Structure s = cw::structureFromPymatgenDict(json::parse(kBaTe), "mp-1000");
        QCOMPARE(s.size(), std::size_t{2});
        QCOMPARE(s.site(0).z, 56);
        QCOMPARE(s.site(1).z, 52);
        QCOMPARE(s.site(1).label, std::string("Te"));
        QCOMPARE(s.site(1).frac, Eigen::Vector3d(0.5, 0.5, 0.5));
        QCOMPARE(s.lattice().matrix()(2, 1), 1.44719079);
        // The document's own volume and Cartesian coordinates.
        QVERIFY(std::abs(s.lattice().volume() - 89.09108403122855) < 1e-9);
        QVERIFY(
            (s.cartesian(1) - Eigen::Vector3d(5.01321596, 2.8943815849999996, 2.046636845)).norm() <
            1e-12);
        QCOMPARE(QString::fromStdString(s.reducedFormula()), QString("BaTe"));
    }

    void disorderedSiteBecomesSeveralSites() {
        json dict = json::parse(kBaTe);
        dict["sites"][0]["species"] = json::parse(
            R"([{"element":"Ba","occu":0.75},{"element":"Sr","oxidation_state":2,"occu":0.25}])");
        dict["sites"][0]["label"] = "Ba:0.750, Sr:0.250";
        const cw::Structure s = cw::structureFromPymatgenDict(dict, "disordered");
        QCOMPARE(s.size(), std::size_t{3});
        QCOMPARE(s.site(0).z, 56);
        QCOMPARE(s.site(1).z, 38);
        QCOMPARE(s.site(0).occupancy, 0.75);
        QCOMPARE(s.site(1).occupancy, 0.25);
        QCOMPARE(s.site(0).frac, s.site(1).frac);
        QVERIFY(!s.isOrdered());
        // Electronegativity order, as pymatgen: Ba (0.89) before Sr (0.95).
        QCOMPARE(QString::fromStdString(s.fullFormula()), QString("Ba0.75Sr0.25Te"));
        // Written back as separate sites at the same position, read back identically.
        const cw::Structure back =
            cw::structureFromPymatgenDict(json::parse(cw::structureToPymatgenDict(s).dump()), "rt");
        CW_VERIFY_SAME_STRUCTURE(s, back, kRoundTrip);
    }

    void oxidationStatesInSymbolsAndXyzOnlySites() {
        json dict = json::parse(kBaTe);
        dict["sites"][0]["species"][0]["element"] = "Ba2+";
        dict["sites"][1].erase("abc");
        dict["sites"][1].erase("label");
        const cw::Structure s = cw::structureFromPymatgenDict(dict, "x");
        QCOMPARE(s.site(0).z, 56);
        QVERIFY((s.site(1).frac - Eigen::Vector3d(0.5, 0.5, 0.5)).norm() < 1e-9);
        QCOMPARE(s.site(1).label, std::string("Te"));  // pymatgen's default label: the species
    }

    void latticeFromParametersWhenNoMatrix() {
        json dict = json::parse(kBaTe);
        dict["lattice"] = json::parse(R"({"a":3,"b":4,"c":5,"alpha":90,"beta":90,"gamma":90})");
        const cw::Structure s = cw::structureFromPymatgenDict(dict, "x");
        QVERIFY(std::abs(s.lattice().volume() - 60.0) < 1e-9);
    }

    void writerProducesPymatgenFields() {
        cw::Structure rutile = cw::test::rutileTiO2();
        rutile.setProperty("band_gap", 1.78);
        const json d = cw::structureToPymatgenDict(rutile);
        QCOMPARE(d["@module"].get<std::string>(), std::string("pymatgen.core.structure"));
        QCOMPARE(d["@class"].get<std::string>(), std::string("Structure"));
        QCOMPARE(d["charge"].get<int>(), 0);
        const json& l = d["lattice"];
        QCOMPARE(l["pbc"], json::parse("[true,true,true]"));
        QVERIFY(std::abs(l["volume"].get<double>() - 4.594 * 4.594 * 2.959) < 1e-9);
        QVERIFY(std::abs(l["c"].get<double>() - 2.959) < 1e-12);
        QVERIFY(std::abs(l["gamma"].get<double>() - 90) < 1e-12);
        QCOMPARE(d["sites"].size(), std::size_t{6});
        const json& o = d["sites"][2];
        QCOMPARE(o["species"][0]["element"].get<std::string>(), std::string("O"));
        QCOMPARE(o["species"][0]["occu"].get<double>(), 1.0);
        // xyz = u·a, u·a, 0 for O at (u, u, 0).
        QVERIFY(std::abs(o["xyz"][0].get<double>() - 0.3053 * 4.594) < 1e-12);
        QCOMPARE(o["label"].get<std::string>(), std::string("O"));
        QVERIFY(o["properties"].is_object());
        QCOMPARE(d["properties"]["band_gap"].get<double>(), 1.78);
    }

    void roundTripIsExact() {
        for (cw::Structure s : {cw::test::rockSaltNaCl(), cw::test::wurtziteZnO(),
                                cw::test::rutileTiO2(), cw::test::diamondSilicon()}) {
            s.setProperty("formation_energy_per_atom", -1.2345678901234567);
            s.sites()[0].label = "Custom1";
            s.sites()[1].frac = Eigen::Vector3d(1.0 / 3.0, -0.1, 1.25);  // unwrapped is kept
            const std::string text = cw::structureToPymatgenDict(s).dump();
            CW_VERIFY_SAME_STRUCTURE(s, cw::structureFromPymatgenDict(json::parse(text), "rt"),
                                     kRoundTrip);
        }
    }

    void errorsNameTheSourceAndSite() {
        const json good = json::parse(kBaTe);
        json d = good;
        d.erase("lattice");
        QString m = readError(d);
        QVERIFY2(m.contains("doc.json:entry 3 (mp-7)") && m.contains("missing lattice"),
                 qPrintable(m));

        d = good;
        d["sites"][1]["species"][0]["element"] = "Xx";
        m = readError(d);
        QVERIFY2(
            m.contains("doc.json:entry 3 (mp-7):sites[1]") && m.contains("unknown element 'Xx'"),
            qPrintable(m));

        d = good;
        d["sites"][1]["abc"][2] = std::nan("");
        m = readError(d);
        QVERIFY2(m.contains("sites[1]") && m.contains("not finite"), qPrintable(m));

        d = good;
        d["sites"][0]["abc"][0] = "0.5";
        m = readError(d);
        QVERIFY2(m.contains("sites[0]") && m.contains("not a number"), qPrintable(m));

        d = good;
        d["lattice"]["matrix"][2] = json::parse("[5.01321596,0.0,0.0]");  // c parallel to a
        m = readError(d);
        QVERIFY2(m.contains("lattice") && m.contains("zero volume"), qPrintable(m));

        d = good;
        d["lattice"]["matrix"][1][0] = nullptr;
        QVERIFY(readError(d).contains("lattice.matrix"));

        d = good;
        d["sites"][0]["species"] = json::array();
        QVERIFY(readError(d).contains("sites[0]: site has no species"));

        d = good;
        d["sites"][0]["species"][0]["occu"] = 1.5;
        QVERIFY(readError(d).contains("occupancy"));

        QVERIFY(readError(json::array()).contains("expected a JSON object"));
        d = good;
        d.erase("sites");
        QVERIFY(readError(d).contains("missing sites"));
    }

    void wholeMaterialsProjectCollection() {
        CW_REQUIRE_SHARED_DATA();
        // Every document's structure against the document's own volume and nsites columns,
        // parsed one document at a time (the parser callback discards each after checking).
        const std::string path = cw::test::sharedDataPath("mp/mp_dev_summary.json.gz");
        cw::CompressedIStream in(path);
        std::size_t count = 0, volumeMismatches = 0;
        std::string firstProblem;
        auto check = [&](int depth, json::parse_event_t event, json& parsed) {
            if (depth != 1 || event != json::parse_event_t::object_end) return true;
            const std::string id = parsed.value("material_id", "?");
            try {
                const cw::Structure s = cw::structureFromPymatgenDict(parsed["structure"], id);
                const double volume = parsed["volume"].get<double>();
                if (std::abs(s.lattice().volume() - volume) > 1e-6 * volume ||
                    s.size() != parsed["nsites"].get<std::size_t>()) {
                    ++volumeMismatches;
                }
            } catch (const cw::Error& e) {
                if (firstProblem.empty()) firstProblem = e.what();
            }
            ++count;
            return false;
        };
        const json rest = json::parse(in, check);  // the discarded array
        QVERIFY(rest.is_array());
        QVERIFY2(firstProblem.empty(), firstProblem.c_str());
        QCOMPARE(count, std::size_t{26959});
        QCOMPARE(volumeMismatches, std::size_t{0});
    }
};

QTEST_APPLESS_MAIN(TestPymatgenJson)
#include "test_pymatgen_json.moc"
