// The Structure panel shows what the engine computes for a real crystal, the source's
// properties, and keeps an editable selection of sites.
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include "io/structure_stream.h"
#include "known_structures.h"
#include "panels/structure_panel.h"


namespace {
const std::string kMpSmall = std::string(CW_TEST_DATA_DIR) + "/collections/mp_small.json";
}

class TestStructurePanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsFormulaLatticeAndSites() {
        cw::StructurePanel panel;
        const cw::Structure rutile = cw::test::rutileTiO2();
        panel.showStructure(rutile, "P4_2/mnm (136)");
        const auto* summary = panel.findChild<QLabel*>("structureSummary");
        const auto* sites = panel.findChild<QTableWidget*>("structureSites");
        QVERIFY(summary && sites);
        QVERIFY(summary->text().contains("TiO2"));
        QVERIFY(summary->text().contains("P4_2/mnm (136)"));
        QVERIFY(summary->text().contains("a = 4.5940 Å"));
        QCOMPARE(sites->rowCount(), 6);
        QCOMPARE(sites->item(0, 0)->text(), QString("Ti"));
        QCOMPARE(sites->item(2, 0)->text(), QString("O"));
        QCOMPARE(sites->item(2, 1)->text(), QString("0.30530"));
        QCOMPARE(sites->verticalHeaderItem(0)->text(), QString("0"));
        // A hand-made crystal has no source properties: the block stays hidden.
        QVERIFY(panel.findChild<QLabel*>("structureProperties")->isHidden());
        // A second crystal replaces the first.
        panel.showStructure(cw::test::rockSaltNaCl(), "Fm-3m (225)");
        QCOMPARE(sites->rowCount(), 8);
        QVERIFY(summary->text().contains("NaCl"));
    }

    // mp-1000 (BaTe) from the Materials Project sample: its id and MP's own numbers, with units.
    void showsTheCollectionsProperties() {
        const cw::Structure bate = cw::readStructure(kMpSmall, "mp-1000");
        cw::StructurePanel panel;
        panel.showStructure(bate, "Fm-3m (225)");
        const auto* properties = panel.findChild<QLabel*>("structureProperties");
        QVERIFY(!properties->isHidden());
        const QString text = properties->text();
        QVERIFY(panel.findChild<QLabel*>("structureSummary")->text().contains("BaTe</b> (2 sites) · mp-1000"));
        QVERIFY2(text.contains("band_gap = 1.593 eV"), qPrintable(text));
        QVERIFY2(text.contains("formation_energy_per_atom = -1.79234 eV/atom"), qPrintable(text));
        QVERIFY2(text.contains("total_magnetization = 8.75e-05 μB/cell"), qPrintable(text));
    }

    void selectionIsEditableAndAnnounced() {
        qRegisterMetaType<std::vector<int>>();
        cw::StructurePanel panel;
        panel.showStructure(cw::test::rutileTiO2(), "P4_2/mnm (136)");  // Ti 0-1, O 2-5
        auto* sites = panel.findChild<QTableWidget*>("structureSites");
        auto* plane = panel.findChild<QPushButton*>("planeThroughSelected");
        auto* elementBox = panel.findChild<QComboBox*>("selectElementBox");
        QSignalSpy changed(&panel, &cw::StructurePanel::siteSelectionChanged);
        QSignalSpy planeRequested(&panel, &cw::StructurePanel::planeRequested);

        // The view's picks shown in the table: rows selected, nothing announced back.
        panel.setSelectedSites({4, 1, 99});
        QCOMPARE(panel.selectedSites(), (std::vector<int>{1, 4}));
        QCOMPARE(changed.count(), 0);
        QVERIFY(!plane->isEnabled());

        // All sites of an element, from the combo box: announced as a user's selection.
        QCOMPARE(elementBox->count(), 3);  // the prompt, Ti, O
        const int oxygen = elementBox->findData(8);
        QVERIFY(oxygen > 0);
        elementBox->activated(oxygen);
        QCOMPARE(panel.selectedSites(), (std::vector<int>{2, 3, 4, 5}));
        QVERIFY(changed.count() >= 1);
        QCOMPARE(changed.last().at(0).value<std::vector<int>>(), (std::vector<int>{2, 3, 4, 5}));
        QVERIFY(!plane->isEnabled());  // four rows: no plane

        // Rows clicked by hand (ctrl-click adds); three rows make a plane request.
        changed.clear();
        QTest::mouseClick(sites->viewport(), Qt::LeftButton, Qt::NoModifier,
                          sites->visualItemRect(sites->item(0, 1)).center());
        QTest::mouseClick(sites->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          sites->visualItemRect(sites->item(2, 1)).center());
        QTest::mouseClick(sites->viewport(), Qt::LeftButton, Qt::ControlModifier,
                          sites->visualItemRect(sites->item(3, 1)).center());
        QCOMPARE(panel.selectedSites(), (std::vector<int>{0, 2, 3}));
        QCOMPARE(changed.last().at(0).value<std::vector<int>>(), (std::vector<int>{0, 2, 3}));
        QVERIFY(plane->isEnabled());
        plane->click();
        QCOMPARE(planeRequested.count(), 1);
        QCOMPARE(planeRequested.at(0).at(0).toInt(), 0);
        QCOMPARE(planeRequested.at(0).at(1).toInt(), 2);
        QCOMPARE(planeRequested.at(0).at(2).toInt(), 3);

        // Typed: indices and element symbols mixed; a bad item is named and changes nothing.
        changed.clear();
        QVERIFY(panel.selectSpec("1, O"));
        QCOMPARE(panel.selectedSites(), (std::vector<int>{1, 2, 3, 4, 5}));
        QCOMPARE(changed.count(), 1);
        QString error;
        QVERIFY(!panel.selectSpec("0,Fe", &error));
        QCOMPARE(error, QString("the crystal has no Fe site"));
        QVERIFY(!panel.selectSpec("6", &error));
        QCOMPARE(error, QString("site 6 is out of range (0–5)"));
        QVERIFY(!panel.selectSpec("Ti,xyz", &error));
        QCOMPARE(error, QString("“xyz” is neither a site index nor an element"));
        QCOMPARE(panel.selectedSites(), (std::vector<int>{1, 2, 3, 4, 5}));
        QCOMPARE(changed.count(), 1);

        // A new crystal starts with nothing selected.
        panel.showStructure(cw::test::rockSaltNaCl(), "Fm-3m (225)");
        QVERIFY(panel.selectedSites().empty());
        QVERIFY(!plane->isEnabled());
    }
};

QTEST_MAIN(TestStructurePanel)
#include "test_structure_panel.moc"
