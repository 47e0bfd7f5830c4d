// The whole Materials Project dev collection (26,959 entries) streams through `cwb info --json`,
// and spglib's space groups agree with the documents' own symmetry.number (spglib, symprec
// 0.01). Labelled slow; skips when ../shared/data is absent.
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <map>

#include "cli_runner.h"
#include "io/structure_stream.h"
#include "test_paths.h"

class TestMpCollectionCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void spaceGroupsAgreeWithTheDocuments() {
        CW_REQUIRE_SHARED_DATA();
        const std::string path = cw::test::sharedDataPath("mp/mp_dev_summary.json.gz");

        // The published values, read as plain data (symmetry.number is a document field).
        std::map<std::string, int> published;
        cw::ProblemLog problems;
        cw::forEachStructure(path, [&](cw::Structure&& s, std::size_t) {
            published[s.id()] = static_cast<int>(s.properties().at("symmetry_number"));
            return true;
        }, problems);
        QCOMPARE(published.size(), std::size_t{26959});

        QElapsedTimer timer;
        timer.start();
        const auto r = cw::test::runCwb({"info", QString::fromStdString(path), "--json"});
        const double seconds = timer.elapsed() / 1000.0;
        QVERIFY2(r.exitCode == 0, qPrintable(r.err.left(2000)));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 26959);
        int agree = 0;
        QStringList disagreements;
        for (const QString& line : lines) {
            const QJsonObject j = QJsonDocument::fromJson(line.toUtf8()).object();
            const std::string id = j["id"].toString().toStdString();
            QVERIFY2(published.count(id), id.c_str());
            const int number = j["space_group"].toObject()["number"].toInt();
            if (number == published[id]) ++agree;
            else disagreements << QString("%1: cwb %2, document %3").arg(QString::fromStdString(id)).arg(number).arg(published[id]);
        }
        qInfo("cwb info --json on %d MP entries: %.1f s (%.0f entries/s); %d agree, %lld differ",
              int(lines.size()), seconds, lines.size() / seconds, agree, disagreements.size());
        for (const QString& d : disagreements.mid(0, 20)) qInfo("  %s", qPrintable(d));
        // Both sides are spglib at symprec 0.01 with spglib's own angle tolerance: all agree.
        QVERIFY2(disagreements.isEmpty(), qPrintable(disagreements.mid(0, 50).join('\n')));
    }
    void pymatgenAngleToleranceExplainsHigherSymmetry() {
        CW_REQUIRE_SHARED_DATA();
        // pymatgen's SpacegroupAnalyzer uses 5°: on borderline cells it finds a higher group
        // than the documents (mp-19442: R-3m 166 becomes Fm-3m 225).
        const QString path = QString::fromStdString(cw::test::sharedDataPath("mp/mp_dev_summary.json.gz"));
        const auto def = cw::test::runCwb({"info", path, "--id", "mp-19442", "--json"});
        const auto five = cw::test::runCwb({"info", path, "--id", "mp-19442", "--json", "--angle-tolerance", "5"});
        QCOMPARE(QJsonDocument::fromJson(def.out.toUtf8()).object()["space_group"].toObject()["number"].toInt(), 166);
        QCOMPARE(QJsonDocument::fromJson(five.out.toUtf8()).object()["space_group"].toObject()["number"].toInt(), 225);
    }
};

QTEST_GUILESS_MAIN(TestMpCollectionCli)
#include "test_mp_collection_cli.moc"
