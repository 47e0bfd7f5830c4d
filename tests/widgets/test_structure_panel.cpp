// The Structure panel shows what the engine computes for a real crystal.
#include <QLabel>
#include <QTableWidget>
#include <QtTest>

#include "known_structures.h"
#include "panels/structure_panel.h"

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
        // A second crystal replaces the first.
        panel.showStructure(cw::test::rockSaltNaCl(), "Fm-3m (225)");
        QCOMPARE(sites->rowCount(), 8);
        QVERIFY(summary->text().contains("NaCl"));
    }
};

QTEST_MAIN(TestStructurePanel)
#include "test_structure_panel.moc"
