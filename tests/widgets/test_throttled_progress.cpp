// The workers' progress throttle (widgets/jobs/throttled_progress.h): the first event passes,
// later ones within the interval are held (only the newest is kept), flush() delivers it, and
// an event that completes its stage always passes at once.
#include <QtTest>
#include <vector>

#include "jobs/throttled_progress.h"

class TestThrottledProgress : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void holdsTheNewestAndFlushesIt() {
        std::vector<std::int64_t> forwarded;
        // An hour: nothing but the first event passes by time within this test.
        cw::ThrottledProgressSink sink(
            [&](const cw::ProgressEvent& e) { forwarded.push_back(e.step); }, 3600 * 1000);
        for (std::int64_t step = 1; step <= 5; ++step) sink.report({"train", step, 10, {}});
        QCOMPARE(forwarded, (std::vector<std::int64_t>{1}));
        sink.flush();
        QCOMPARE(forwarded, (std::vector<std::int64_t>{1, 5}));
        sink.flush();  // nothing held any more
        QCOMPARE(forwarded.size(), std::size_t{2});
        sink.report({"train", 6, 10, {}});
        QCOMPARE(forwarded.size(), std::size_t{2});
        sink.report({"train", 10, 10, {}});  // the last step passes at once
        QCOMPARE(forwarded, (std::vector<std::int64_t>{1, 5, 10}));
        sink.flush();  // and is not delivered twice; step 6 was superseded
        QCOMPARE(forwarded.size(), std::size_t{3});
    }

    void zeroIntervalForwardsEverything() {
        int count = 0;
        cw::ThrottledProgressSink sink([&](const cw::ProgressEvent&) { ++count; }, 0);
        for (int i = 0; i < 100; ++i) sink.report({"sample", i, 0, {}});
        QCOMPARE(count, 100);
    }
};

QTEST_APPLESS_MAIN(TestThrottledProgress)
#include "test_throttled_progress.moc"
