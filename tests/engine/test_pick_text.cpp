// The "I,J,K" picks as users type them (engine/ecd/pick_text.h), shared by `cwb ecd slice
// --picks` and `crystal-workbench --pick`: indices, optional translations, spaces ignored, and
// errors that name the option and the text.
#include <QtTest>

#include "core/error.h"
#include "ecd/pick_text.h"
#include "error_text.h"

class TestPickText : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void indicesAndTranslations() {
        const cw::PickTriple plain = cw::parsePickTriple("0, 4,2");
        QCOMPARE(plain[0].site, 0);
        QCOMPARE(plain[1].site, 4);
        QCOMPARE(plain[2].site, 2);
        for (const cw::Pick& p : plain) QVERIFY(p.translation.isZero());

        const cw::PickTriple moved = cw::parsePickTriple("0,4,0", "0,0,0; 1,0,-1 ;0,1,0");
        QCOMPARE(moved[1].translation, Eigen::Vector3i(1, 0, -1));
        QCOMPARE(moved[2].translation, Eigen::Vector3i(0, 1, 0));
    }

    void errorsNameTheOptionAndTheText() {
        using cw::test::contains;
        const auto error = [](auto call) { return cw::test::errorOf<cw::ConfigError>(call); };
        QVERIFY(contains(error([] { cw::parsePickTriple("0,1"); }),
                         "--picks takes three site indices I,J,K, not '0,1'"));
        QVERIFY(contains(error([] { cw::parsePickTriple("0,x,2", {}, "--pick"); }),
                         "--pick: 'x' is not an integer"));
        QVERIFY(contains(error([] { cw::parsePickTriple("0,1,2", "0,0,0;1,1"); }),
                         "--translations takes three integer vectors"));
        QVERIFY(contains(error([] { cw::parsePickTriple("0,1,2", "0,0,0;1,1;0,0,0"); }),
                         "--translations: '1,1' is not three integers a,b,c"));
        QVERIFY_THROWS_EXCEPTION(cw::ConfigError, cw::parsePickTriple("1,2,3.5"));
    }
};

QTEST_APPLESS_MAIN(TestPickText)
#include "test_pick_text.moc"
