// forEachCompleteLine: the reader of logs a running job appends to (metrics.csv, eval.csv).
#include <QtTest>
#include <string>
#include <utility>
#include <vector>

#include "core/complete_lines.h"

namespace {
std::vector<std::pair<int, std::string>> linesOf(const std::string& text) {
    std::vector<std::pair<int, std::string>> out;
    cw::forEachCompleteLine(text, [&](const std::string& line, int number) { out.emplace_back(number, line); });
    return out;
}
}  // namespace

class TestCompleteLines : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void numbersLinesAndDropsTheCutOffTail() {
        // A header, a row, an empty line, a Windows row, then a row a kill cut off mid-write.
        const auto lines = linesOf("step,loss\n10,0.5\n\n20,0.25\r\n30,0.1");
        QCOMPARE(lines.size(), std::size_t(3));
        QCOMPARE(lines[0], (std::pair<int, std::string>{1, "step,loss"}));
        QCOMPARE(lines[1], (std::pair<int, std::string>{2, "10,0.5"}));
        QCOMPARE(lines[2], (std::pair<int, std::string>{4, "20,0.25"}));  // line 3 was empty
    }

    void emptyAndUnterminatedTexts() {
        QVERIFY(linesOf("").empty());
        QVERIFY(linesOf("half a row").empty());
        QCOMPARE(linesOf("one\n").size(), std::size_t(1));
    }

    void anExceptionFromTheCallbackPropagates() {
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 cw::forEachCompleteLine("a\nb\n", [](const std::string& line, int) {
                                     if (line == "b") throw std::runtime_error("bad row");
                                 }));
    }
};

QTEST_APPLESS_MAIN(TestCompleteLines)
#include "test_complete_lines.moc"
