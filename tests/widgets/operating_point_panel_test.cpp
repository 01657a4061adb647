// The operating point panel driven as a user drives it, headless: the figures follow the
// slider at once, checked against hand-counted values, and the target is reported once the
// slider rests.
#include "confusion_panel.h"
#include "inspection_data.h"
#include "operating_point_panel.h"

#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

using kestrel::widgets::ConfusionPanel;
using kestrel::widgets::InspectionData;
using kestrel::widgets::OperatingPointPanel;

namespace {

// Validation: 4 good parts, 10 defects, one of them (0.30) hard to tell from good parts.
// Test: 3 good, 3 defects.
InspectionData scores() {
    InspectionData data;
    data.goodClass = "good";
    data.validation = {{0.02, false}, {0.10, false}, {0.35, false}, {0.50, false}, {0.30, true},
                       {0.80, true},  {0.85, true},  {0.86, true},  {0.90, true},  {0.91, true},
                       {0.93, true},  {0.95, true},  {0.97, true},  {0.99, true}};
    data.test = {{0.05, false}, {0.40, false}, {0.60, false},
                 {0.25, true},  {0.70, true},  {0.90, true}};
    data.target = 0.995;
    return data;
}

} // namespace

class OperatingPointPanelTest : public QObject {
    Q_OBJECT

private slots:
    void showsTheRatesOfTheStoredTarget() {
        OperatingPointPanel panel;
        panel.setData(scores());
        // 99.5% of 10 defects is all 10: the threshold falls below the shy defect's 0.30, to
        // 0.2 (midway to the good part's 0.10), which rejects 2 of 4 good validation parts
        // and, on test, catches the 0.25 defect while rejecting 2 of 3 good parts.
        const QString text = panel.ratesText();
        QVERIFY2(text.contains("NG when P(not good) ≥ 0.2"), qPrintable(text));
        QVERIFY2(text.contains("Validation: 0 of 10 defects escape (0.0%), 2 of 4 good parts "
                               "rejected (50.0%)"),
                 qPrintable(text));
        QVERIFY2(text.contains("Test: 0 of 3 defects escape (0.0%), 2 of 3 good parts "
                               "rejected (66.7%)"),
                 qPrintable(text));
        QCOMPARE(panel.findChild<QLabel*>("targetRecallValue")->text(), QString("99.5%"));
    }

    void theSliderMovesTheFiguresAtOnceAndReportsTheTargetOnceItRests() {
        OperatingPointPanel panel;
        panel.setData(scores());
        QSignalSpy chosen(&panel, &OperatingPointPanel::targetChosen);
        auto* slider = panel.findChild<QSlider*>("targetRecall");
        QVERIFY(slider);
        slider->setFocus();
        // Down to 90%: 9 of 10 defects must be caught, so the threshold rises to 0.65 (below
        // 0.80, above the good 0.50) and the shy defect escapes; no good part is rejected.
        for (int i = 0; i < 3; ++i) {
            QTest::keyClick(slider, Qt::Key_PageDown); // 98.5%, 97.5%, 96.5%: all 10 still
        }
        QVERIFY(panel.ratesText().contains("0 of 10 defects escape"));
        QTest::keyClick(slider, Qt::Key_Home);
        QCOMPARE(panel.target(), 0.90);
        const QString text = panel.ratesText();
        QVERIFY2(text.contains("Validation: 1 of 10 defects escape (10.0%), 0 of 4 good parts "
                               "rejected (0.0%)"),
                 qPrintable(text));
        QCOMPARE(chosen.count(), 0); // not while the keys are still moving it
        QVERIFY(chosen.wait(2000));
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toDouble(), 0.90);
    }

    void withoutAGoodClassItSaysHowToGetOne() {
        OperatingPointPanel panel;
        InspectionData none = scores();
        none.goodClass.clear();
        panel.setData(none);
        QVERIFY(panel.ratesText().contains("need a good class"));
        QVERIFY(!panel.findChild<QSlider*>("targetRecall")->isEnabled());

        InspectionData onlyGood = scores();
        onlyGood.validation = {{0.1, false}, {0.2, false}};
        panel.setData(onlyGood);
        QVERIFY(panel.ratesText().contains("both good parts and defects"));
    }

    void theConfusionPanelHidesItUntilARunsFiguresArrive() {
        ConfusionPanel confusion;
        confusion.resize(700, 500);
        confusion.show();
        QVERIFY(QTest::qWaitForWindowExposed(&confusion));
        QVERIFY(!confusion.operatingPoint()->isVisible());
        confusion.operatingPoint()->setData(scores());
        QVERIFY(confusion.operatingPoint()->isVisible());
        confusion.clear();
        QVERIFY(!confusion.operatingPoint()->isVisible());
    }
};

QTEST_MAIN(OperatingPointPanelTest)
#include "operating_point_panel_test.moc"
