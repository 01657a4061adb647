// The anomaly score panel driven as a user drives it, headless: the histogram's bars and the
// rates under it are checked against counts made here by brute force on seeded scores of
// several shapes, with the threshold moved by setThreshold, the keyboard and the mouse, at
// more than one size.
#include "anomaly_score_data.h"
#include "anomaly_score_panel.h"
#include "inspection/anomaly_metrics.h"
#include "score_histogram_view.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

using kestrel::widgets::AnomalyScoreData;
using kestrel::widgets::AnomalyScoredSample;
using kestrel::widgets::AnomalyScorePanel;
using kestrel::widgets::ScoreHistogramView;
using Samples = std::vector<AnomalyScoredSample>;
using Listed = std::vector<std::pair<std::int64_t, float>>;

Q_DECLARE_METATYPE(Listed)

namespace {

constexpr std::int64_t kRunId = 3;

struct Shape {
    int validationGood, validationDefects, testGood, testDefects;
};

// Good parts around 0.3 and defects around 0.72, clamped to [0, 1] as normalised scores are;
// one in five lands on a bin edge (k / 20), where the bin rule matters.
AnomalyScoreData makeScores(unsigned seed, Shape shape) {
    std::mt19937 random(seed);
    std::normal_distribution<double> good(0.3, 0.15);
    std::normal_distribution<double> defect(0.72, 0.15);
    std::uniform_int_distribution<int> edge(0, 20);
    std::int64_t id = 100;
    const auto fill = [&](Samples& out, int goods, int defects) {
        for (int i = 0; i < goods + defects; ++i) {
            const bool isDefect = i >= goods;
            double score = isDefect ? defect(random) : good(random);
            if (random() % 5 == 0) {
                score = edge(random) / 20.0;
            }
            out.push_back({id++, static_cast<float>(std::clamp(score, 0.0, 1.0)), isDefect});
        }
        std::shuffle(out.begin(), out.end(), random);
    };
    AnomalyScoreData data;
    data.runId = kRunId;
    fill(data.validation, shape.validationGood, shape.validationDefects);
    fill(data.test, shape.testGood, shape.testDefects);
    return data;
}

// Bin b holds scores in [b/20, (b+1)/20), the last one 1.0 too: written out, not through
// ScoreHistogramView::binOf.
bool inBin(float score, int bin) {
    const double low = bin / 20.0;
    const double high = (bin + 1) / 20.0;
    return score >= low && (score < high || (bin == 19 && score <= 1.0));
}

QString percentOf(std::int64_t part, std::int64_t whole) {
    return QString::number(100.0 * static_cast<double>(part) / static_cast<double>(whole), 'f', 1) +
           "%";
}

// What the panel must say for one split at `threshold`, counted one sample at a time.
QString expectedLine(const QString& prefix, const QString& name, const Samples& samples,
                     double threshold) {
    std::int64_t defects = 0, escapes = 0, goods = 0, rejects = 0;
    for (const AnomalyScoredSample& sample : samples) {
        const bool called = sample.score >= threshold;
        if (sample.defect) {
            ++defects;
            escapes += called ? 0 : 1;
        } else {
            ++goods;
            rejects += called ? 1 : 0;
        }
    }
    if (samples.empty()) {
        return QString("%1: no scores.").arg(name);
    }
    if (defects == 0 || goods == 0) {
        const QString parts = QString("%1 good parts and %2 defects").arg(goods).arg(defects);
        return name.isEmpty()
                   ? parts + "; escape and reject rates need both."
                   : QString("%1: %2; escape and reject rates need both.").arg(name, parts);
    }
    return QString("%1: %2 of %3 defects escape (%4), %5 of %6 good parts rejected (%7)")
        .arg(prefix)
        .arg(escapes)
        .arg(defects)
        .arg(percentOf(escapes, defects))
        .arg(rejects)
        .arg(goods)
        .arg(percentOf(rejects, goods));
}

QString thresholdText(double threshold) {
    return QString::number(threshold, 'f', 2);
}

// The whole rates text for the split shown: its line, and test's under validation's.
QString expectedRates(const AnomalyScoreData& data, bool testShown, double threshold) {
    const QString at = thresholdText(threshold);
    if (data.test.empty()) {
        return expectedLine("At " + at, QString(), data.validation, threshold);
    }
    const QString test = expectedLine("Test at " + at, "Test", data.test, threshold);
    if (testShown) {
        return test;
    }
    return expectedLine("Validation at " + at, "Validation", data.validation, threshold) + "\n" +
           test;
}

// A bar's parts, highest score first, ties by id.
Listed expectedBar(const Samples& samples, int bin, bool defect) {
    Listed listed;
    for (const AnomalyScoredSample& sample : samples) {
        if (sample.defect == defect && inBin(sample.score, bin)) {
            listed.emplace_back(sample.sampleId, sample.score);
        }
    }
    std::sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return listed;
}

bool onHundredths(double value) {
    return std::abs(value * 100 - std::round(value * 100)) < 1e-9;
}

const std::vector<std::pair<unsigned, Shape>>& cases() {
    static const std::vector<std::pair<unsigned, Shape>> all = {
        {1, {60, 40, 0, 0}},    // validation only
        {2, {200, 35, 80, 20}}, // many good parts
        {7, {12, 90, 30, 30}},  // mostly defects
        {11, {5, 4, 3, 2}},     // a handful
    };
    return all;
}

// A shown panel of the given size; null size: not shown.
struct ShownPanel {
    AnomalyScorePanel panel;
    ScoreHistogramView* view = nullptr;
    QComboBox* split = nullptr;

    explicit ShownPanel(QSize size = {}) {
        view = panel.findChild<ScoreHistogramView*>("scoreHistogram");
        split = panel.findChild<QComboBox*>("anomalySplit");
        if (size.isValid()) {
            panel.resize(size);
        }
    }
    bool showAt(const AnomalyScoreData& data) {
        panel.setData(data);
        panel.show();
        return QTest::qWaitForWindowExposed(&panel);
    }
};

} // namespace

class AnomalyScorePanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QLocale::setDefault(QLocale::c()); // "0.50", not "0,50"
        qRegisterMetaType<Listed>();
    }

    void theBinRuleKeepsEdgesAndEndsInTheirBins() {
        QCOMPARE(ScoreHistogramView::binOf(0.0), 0);
        QCOMPARE(ScoreHistogramView::binOf(0.049), 0);
        QCOMPARE(ScoreHistogramView::binOf(0.05), 1);
        QCOMPARE(ScoreHistogramView::binOf(0.5), 10);
        QCOMPARE(ScoreHistogramView::binOf(0.4999f), 9);
        QCOMPARE(ScoreHistogramView::binOf(0.9999f), 19);
        QCOMPARE(ScoreHistogramView::binOf(1.0), 19);
        QCOMPARE(ScoreHistogramView::binOf(-0.2), 0);
        QCOMPARE(ScoreHistogramView::binOf(7.0), 19);
        QCOMPARE(ScoreHistogramView::binOf(std::numeric_limits<double>::quiet_NaN()), 0);
        for (int bin = 0; bin < 20; ++bin) {
            for (const float score : {bin / 20.0f, (bin + 0.5f) / 20.0f, (bin + 1) / 20.0f}) {
                if (inBin(score, bin)) {
                    QCOMPARE(ScoreHistogramView::binOf(score), bin);
                }
            }
        }

        // Scores of exactly 0, 0.5 and 1 in the panel: bins 0, 10 and 19, and 0.5 is called
        // a defect at the run's threshold.
        AnomalyScoreData data;
        data.runId = kRunId;
        data.validation = {{1, 0.0f, false}, {2, 0.5f, false}, {3, 1.0f, false},
                           {4, 0.5f, true},  {5, 1.0f, true},  {6, 0.0f, true}};
        ShownPanel shown({400, 260});
        QVERIFY(shown.showAt(data));
        QCOMPARE(shown.view->count(0, false), std::int64_t(1));
        QCOMPARE(shown.view->count(10, false), std::int64_t(1));
        QCOMPARE(shown.view->count(19, false), std::int64_t(1));
        QCOMPARE(shown.view->count(0, true), std::int64_t(1));
        QCOMPARE(shown.view->count(10, true), std::int64_t(1));
        QCOMPARE(shown.view->count(19, true), std::int64_t(1));
        QCOMPARE(shown.panel.ratesText(), QString("At 0.50: 1 of 3 defects escape (33.3%), 2 of "
                                                  "3 good parts rejected (66.7%)"));
        QSignalSpy requested(&shown.panel, &AnomalyScorePanel::samplesRequested);
        QTest::mouseClick(shown.view, Qt::LeftButton, {}, shown.view->barRect(19, true).center());
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.first().at(1).value<Listed>(), (Listed{{5, 1.0f}}));
        QCOMPARE(requested.first().at(0).toString(),
                 QString("Validation defects scoring 0.95–1.00 (run #3)"));
    }

    void theBarsCountAsCoresHistogram() {
        for (const auto& [seed, shape] : cases()) {
            const AnomalyScoreData data = makeScores(seed, shape);
            ScoreHistogramView view;
            std::vector<float> scores;
            std::vector<std::uint8_t> defect;
            for (const AnomalyScoredSample& sample : data.validation) {
                scores.push_back(sample.score);
                defect.push_back(sample.defect ? 1 : 0);
            }
            view.setScores(scores, defect);
            const auto core = kestrel::inspection::scoreHistogram(scores, defect, 20, 0.0, 1.0);
            QCOMPARE(view.binCount(), 20);
            for (int bin = 0; bin < 20; ++bin) {
                std::int64_t good = 0, bad = 0;
                for (const AnomalyScoredSample& sample : data.validation) {
                    if (inBin(sample.score, bin)) {
                        ++(sample.defect ? bad : good);
                    }
                }
                QCOMPARE(view.count(bin, false), good);
                QCOMPARE(view.count(bin, true), bad);
                QCOMPARE(view.count(bin, false), core.good[static_cast<std::size_t>(bin)]);
                QCOMPARE(view.count(bin, true), core.defect[static_cast<std::size_t>(bin)]);
            }
        }
    }

    void theRatesFollowSetThreshold() {
        for (const auto& [seed, shape] : cases()) {
            const AnomalyScoreData data = makeScores(seed, shape);
            AnomalyScorePanel panel;
            panel.setData(data);
            QCOMPARE(panel.threshold(), 0.5);
            QCOMPARE(panel.ratesText(), expectedRates(data, false, 0.5));
            for (const double threshold : {0.0, 0.05, 0.1, 0.37, 0.45, 0.5, 0.55, 0.8, 1.0}) {
                panel.setThreshold(threshold);
                QCOMPARE(panel.threshold(), threshold);
                QCOMPARE(panel.ratesText(), expectedRates(data, false, threshold));
            }
        }
        // More digits only when the threshold has them.
        AnomalyScorePanel panel;
        panel.setData(makeScores(2, {20, 20, 0, 0}));
        panel.setThreshold(0.999);
        QVERIFY2(panel.ratesText().startsWith("At 0.999: "), qPrintable(panel.ratesText()));
    }

    void theKeysMoveTheThresholdAndHomePutsItBack() {
        for (const auto& [seed, shape] : cases()) {
            const AnomalyScoreData data = makeScores(seed, shape);
            ShownPanel shown({400, 260});
            QVERIFY(shown.showAt(data));
            QSignalSpy changed(shown.view, &ScoreHistogramView::thresholdChanged);
            shown.view->setFocus();
            const auto press = [&](Qt::Key key, Qt::KeyboardModifiers modifiers, double expected) {
                QTest::keyClick(shown.view, key, modifiers);
                QCOMPARE(shown.panel.threshold(), expected);
                QCOMPARE(shown.panel.ratesText(), expectedRates(data, false, expected));
            };
            press(Qt::Key_Right, Qt::NoModifier, 0.51);
            press(Qt::Key_Right, Qt::NoModifier, 0.52);
            press(Qt::Key_Right, Qt::ShiftModifier, 0.57);
            press(Qt::Key_Left, Qt::ShiftModifier, 0.52);
            press(Qt::Key_Left, Qt::ShiftModifier, 0.47);
            press(Qt::Key_Left, Qt::NoModifier, 0.46);
            QCOMPARE(changed.count(), 6);
            QCOMPARE(changed.last().first().toDouble(), 0.46);
            press(Qt::Key_Home, Qt::NoModifier, 0.5);
            QCOMPARE(changed.count(), 7);
            QTest::keyClick(shown.view, Qt::Key_Home);
            QCOMPARE(changed.count(), 7); // already there: no change to tell
        }
    }

    void theThresholdClampsAtZeroAndOne() {
        ShownPanel shown({400, 260});
        QVERIFY(shown.showAt(makeScores(7, {30, 30, 0, 0})));
        shown.panel.setThreshold(-0.3);
        QCOMPARE(shown.panel.threshold(), 0.0);
        shown.view->setFocus();
        QTest::keyClick(shown.view, Qt::Key_Left);
        QTest::keyClick(shown.view, Qt::Key_Left, Qt::ShiftModifier);
        QCOMPARE(shown.panel.threshold(), 0.0);
        QVERIFY(shown.panel.ratesText().contains("0 of 30 defects escape (0.0%), 30 of 30 good "
                                                 "parts rejected (100.0%)"));
        shown.panel.setThreshold(1.7);
        QCOMPARE(shown.panel.threshold(), 1.0);
        shown.panel.setThreshold(0.98);
        QTest::keyClick(shown.view, Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(shown.panel.threshold(), 1.0);
        QTest::keyClick(shown.view, Qt::Key_Right);
        QCOMPARE(shown.panel.threshold(), 1.0);
        QCOMPARE(shown.view->thresholdX(),
                 shown.view->plotRect().left() + shown.view->plotRect().width());
        shown.panel.setThreshold(std::numeric_limits<double>::quiet_NaN());
        QCOMPARE(shown.panel.threshold(), 1.0);
    }

    void dragging_data() {
        QTest::addColumn<QSize>("size");
        QTest::newRow("400x260") << QSize(400, 260);
        QTest::newRow("900x320") << QSize(900, 320);
        QTest::newRow("1200x420") << QSize(1200, 420);
    }

    void dragging() {
        QFETCH(QSize, size);
        for (const auto& [seed, shape] : cases()) {
            const AnomalyScoreData data = makeScores(seed, shape);
            ShownPanel shown(size);
            QVERIFY(shown.showAt(data));
            QCOMPARE(shown.panel.size(), size); // the layout fits: nothing forced it larger
            ScoreHistogramView* view = shown.view;
            const QRect plot = view->plotRect();
            QVERIFY(!plot.isNull());
            const int y = plot.center().y();
            // Where a drag to x should leave the threshold: snapped to 0.01.
            const auto valueAt = [&](int x) {
                return std::clamp(std::round((x - plot.left()) * 100.0 / plot.width()) / 100, 0.0,
                                  1.0);
            };

            int x = view->thresholdX();
            QCOMPARE(x, plot.left() + static_cast<int>(std::lround(plot.width() * 0.5)));
            QTest::mousePress(view, Qt::LeftButton, {}, QPoint(x, y));
            for (const int step : {plot.width() / 7, plot.width() / 9, -plot.width() / 3}) {
                x += step;
                QTest::mouseMove(view, QPoint(x, y));
                const double now = shown.panel.threshold();
                QVERIFY2(std::abs(now - valueAt(x)) < 1e-9,
                         qPrintable(QString("%1 at x %2").arg(now).arg(x)));
                QVERIFY(onHundredths(now));
                QCOMPARE(shown.panel.ratesText(), expectedRates(data, false, now)); // at once
            }
            QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(x, y));
            QVERIFY(std::abs(view->thresholdX() - x) <= plot.width() / 200 + 1);

            // Grabbed a little off the line, it keeps that offset; past the ends it clamps.
            const int off = 3;
            x = view->thresholdX() + off;
            QTest::mousePress(view, Qt::LeftButton, {}, QPoint(x, y));
            QTest::mouseMove(view, QPoint(plot.left() - 50, y));
            QCOMPARE(shown.panel.threshold(), 0.0);
            QCOMPARE(shown.panel.ratesText(), expectedRates(data, false, 0.0));
            QTest::mouseMove(view, QPoint(plot.right() + 80, y));
            QCOMPARE(shown.panel.threshold(), 1.0);
            QCOMPARE(shown.panel.ratesText(), expectedRates(data, false, 1.0));
            QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(plot.right() + 80, y));

            // A press away from the line moves nothing.
            QSignalSpy changed(view, &ScoreHistogramView::thresholdChanged);
            QTest::mousePress(view, Qt::LeftButton, {}, QPoint(plot.left() + 5, y));
            QTest::mouseMove(view, QPoint(plot.center().x(), y));
            QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(plot.center().x(), y));
            QCOMPARE(changed.count(), 0);

            // The button puts back the run's threshold.
            shown.panel.findChild<QPushButton*>("resetThreshold")->click();
            QCOMPARE(shown.panel.threshold(), 0.5);
            QCOMPARE(shown.panel.ratesText(), expectedRates(data, false, 0.5));
        }
    }

    void clickingABarListsItsParts_data() { dragging_data(); }

    void clickingABarListsItsParts() {
        QFETCH(QSize, size);
        for (const auto& [seed, shape] : cases()) {
            const AnomalyScoreData data = makeScores(seed, shape);
            ShownPanel shown(size);
            QVERIFY(shown.showAt(data));
            shown.panel.setThreshold(0.33); // inside a bin: bars under the line click too
            QSignalSpy requested(&shown.panel, &AnomalyScorePanel::samplesRequested);
            for (const bool testShown : {false, true}) {
                if (testShown) {
                    if (data.test.empty()) {
                        continue;
                    }
                    shown.split->setCurrentIndex(1);
                }
                const Samples& samples = testShown ? data.test : data.validation;
                const QString split = testShown ? "Test" : "Validation";
                int clicked = 0;
                for (int bin = 0; bin < 20; ++bin) {
                    for (const bool defect : {false, true}) {
                        const Listed expected = expectedBar(samples, bin, defect);
                        const QRect bar = shown.view->barRect(bin, defect);
                        QCOMPARE(bar.isNull(), expected.empty());
                        if (expected.empty()) {
                            continue;
                        }
                        const auto hit = shown.view->barAt(bar.center());
                        QVERIFY(hit && hit->bin == bin && hit->defect == defect);
                        requested.clear();
                        QTest::mouseClick(shown.view, Qt::LeftButton, {}, bar.center());
                        QCOMPARE(requested.count(), 1);
                        QCOMPARE(requested.first().at(1).value<Listed>(), expected);
                        QCOMPARE(requested.first().at(0).toString(),
                                 QString("%1 %2 scoring %3 (run #3)")
                                     .arg(split, defect ? "defects" : "good parts",
                                          QString("%1–%2")
                                              .arg(bin / 20.0, 0, 'f', 2)
                                              .arg((bin + 1) / 20.0, 0, 'f', 2)));
                        ++clicked;
                    }
                }
                QVERIFY(clicked >= 4);
                QCOMPARE(shown.panel.threshold(), 0.33); // clicks never move the line
            }
        }
    }

    void theSplitChooserSwitchesTheCounts() {
        const AnomalyScoreData data = makeScores(2, {200, 35, 80, 20});
        ShownPanel shown({900, 320});
        QVERIFY(shown.showAt(data));
        QVERIFY(shown.split->isVisible());
        QCOMPARE(shown.split->currentIndex(), 0);
        shown.panel.setThreshold(0.6);
        QCOMPARE(shown.panel.ratesText(), expectedRates(data, false, 0.6));
        const auto bars = [&] {
            std::int64_t total = 0;
            for (int bin = 0; bin < 20; ++bin) {
                total += shown.view->count(bin, false) + shown.view->count(bin, true);
            }
            return total;
        };
        QCOMPARE(bars(), 235);

        shown.split->setCurrentIndex(1);
        QCOMPARE(shown.panel.threshold(), 0.6); // the threshold stays
        QCOMPARE(shown.panel.ratesText(), expectedRates(data, true, 0.6));
        QVERIFY(shown.panel.ratesText().startsWith("Test at 0.60: "));
        QCOMPARE(bars(), 100);
        for (int bin = 0; bin < 20; ++bin) {
            QCOMPARE(shown.view->count(bin, true),
                     static_cast<std::int64_t>(expectedBar(data.test, bin, true).size()));
        }

        // The same run again keeps split and threshold; another run starts afresh.
        shown.panel.setData(data);
        QCOMPARE(shown.split->currentIndex(), 1);
        QCOMPARE(shown.panel.threshold(), 0.6);
        AnomalyScoreData other = makeScores(5, {40, 10, 0, 0});
        other.runId = 4;
        shown.panel.setData(other);
        QVERIFY(!shown.split->isVisible());
        QCOMPARE(shown.panel.threshold(), 0.5);
        QCOMPARE(shown.panel.ratesText(), expectedRates(other, false, 0.5));
        QCOMPARE(bars(), 50);
    }

    void emptyAndOneSidedScoresShowAHint() {
        ShownPanel shown({400, 260});
        QVERIFY(shown.showAt({}));
        QVERIFY(shown.panel.isVisible());
        QCOMPARE(shown.panel.ratesText(), QString("No anomaly scores for this run."));
        QVERIFY(shown.view->isEmpty());
        QVERIFY(!shown.panel.findChild<QPushButton*>("resetThreshold")->isEnabled());
        QSignalSpy requested(&shown.panel, &AnomalyScorePanel::samplesRequested);
        QTest::mouseClick(shown.view, Qt::LeftButton, {}, shown.view->rect().center());
        shown.view->setFocus();
        QTest::keyClick(shown.view, Qt::Key_Right);
        QCOMPARE(requested.count(), 0);
        QCOMPARE(shown.panel.threshold(), 0.5);
        QVERIFY(!shown.panel.grab().isNull());

        // Good parts only: a hint in place of the figures.
        AnomalyScoreData goodOnly = makeScores(1, {25, 0, 0, 0});
        shown.panel.setData(goodOnly);
        QCOMPARE(shown.panel.ratesText(),
                 QString("25 good parts and 0 defects; escape and reject rates need both."));
        QCOMPARE(shown.panel.ratesText(), expectedRates(goodOnly, false, 0.5));
        QVERIFY(!shown.panel.grab().isNull());

        // Defects only on validation, a full test split: it opens on test, where both kinds
        // are; validation shows the hint for one, figures for the other, and they follow the
        // threshold.
        AnomalyScoreData defectsOnly = makeScores(7, {0, 15, 10, 10});
        defectsOnly.runId = 9;
        shown.panel.setData(defectsOnly);
        QCOMPARE(shown.split->currentIndex(), 1);
        QCOMPARE(shown.panel.ratesText(), expectedRates(defectsOnly, true, 0.5));
        shown.split->setCurrentIndex(0);
        QVERIFY(shown.panel.ratesText().startsWith(
            "Validation: 0 good parts and 15 defects; escape and reject rates need both.\n"));
        shown.panel.setThreshold(0.7);
        QCOMPARE(shown.panel.ratesText(), expectedRates(defectsOnly, false, 0.7));

        // Test scores only: the chooser opens on test.
        AnomalyScoreData testOnly = makeScores(11, {0, 0, 6, 6});
        testOnly.runId = 10;
        shown.panel.setData(testOnly);
        QCOMPARE(shown.split->currentIndex(), 1);
        QCOMPARE(shown.panel.ratesText(), expectedRates(testOnly, true, 0.5));
        shown.split->setCurrentIndex(0);
        QCOMPARE(shown.panel.ratesText(),
                 QString("Validation: no scores.\n") + expectedRates(testOnly, true, 0.5));
        QVERIFY(shown.view->isEmpty());
        QVERIFY(!shown.panel.grab().isNull());

        shown.panel.clear();
        QVERIFY(!shown.panel.isVisible());
    }

    void hoveringABarSaysWhatItCounts() {
        AnomalyScoreData data;
        data.runId = kRunId;
        for (int i = 0; i < 12; ++i) {
            data.validation.push_back({i, 0.452f + 0.004f * static_cast<float>(i), false});
        }
        data.validation.push_back({50, 0.46f, true});
        data.validation.push_back({51, 0.91f, true});
        data.validation.push_back({52, 0.93f, true});
        ShownPanel shown({500, 300});
        QVERIFY(shown.showAt(data));
        QCOMPARE(shown.view->barToolTip(9, false), QString("12 good parts score 0.45–0.50"));
        QCOMPARE(shown.view->barToolTip(9, true), QString("1 defect scores 0.45–0.50"));
        QCOMPARE(shown.view->barToolTip(18, true), QString("2 defects score 0.90–0.95"));
        const QPoint at = shown.view->barRect(9, false).center();
        QHelpEvent help(QEvent::ToolTip, at, shown.view->mapToGlobal(at));
        QApplication::sendEvent(shown.view, &help);
        QTRY_COMPARE(QToolTip::text(), QString("12 good parts score 0.45–0.50"));
        QToolTip::hideText();
    }

    // Pictures to look at, at the panel's usual sizes; they also must not squeeze the text.
    void screenshots_data() {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("withTest");
        QTest::newRow("400x260") << QSize(400, 260) << true;
        QTest::newRow("900x320") << QSize(900, 320) << true;
        QTest::newRow("300x240") << QSize(300, 240) << false;
        QTest::newRow("1200x420") << QSize(1200, 420) << true;
    }

    void screenshots() {
        QFETCH(QSize, size);
        QFETCH(bool, withTest);
        const AnomalyScoreData data =
            makeScores(2, withTest ? Shape{200, 35, 80, 20} : Shape{200, 35, 0, 0});
        ShownPanel shown(size);
        QVERIFY(shown.showAt(data));
        shown.panel.setThreshold(0.62);
        shown.view->setFocus();
        QCOMPARE(shown.panel.size(), size);
        auto* rates = shown.panel.findChild<QLabel*>("anomalyRates");
        QVERIFY(rates->height() >= rates->heightForWidth(rates->width())); // nothing cut off
        auto* hint = shown.panel.findChild<QLabel*>("anomalyHint");
        QVERIFY(hint->height() >= hint->heightForWidth(hint->width()));
        QVERIFY(shown.view->height() >= shown.view->minimumSizeHint().height());
        const QPixmap picture = shown.panel.grab();
        QCOMPARE(picture.size(), size);
        // To look at: KESTREL_TEST_SHOTS=DIR keeps the pictures there.
        if (const QString folder = qEnvironmentVariable("KESTREL_TEST_SHOTS"); !folder.isEmpty()) {
            QVERIFY(picture.save(QDir(folder).filePath(
                QString("histogram_%1x%2.png").arg(size.width()).arg(size.height()))));
        }
    }
};

QTEST_MAIN(AnomalyScorePanelTest)
#include "anomaly_score_panel_test.moc"
