// The confusion matrix panel driven the way a user drives it, headless: figures checked
// against hand-computed values, cells clicked and walked with the keyboard.
#include "class_metrics_table.h"
#include "confusion_data.h"
#include "confusion_matrix_view.h"
#include "confusion_panel.h"
#include "detection_class_table.h"
#include "detection_figures.h"
#include "operating_point_panel.h"

#include <cmath>
#include <memory>
#include <optional>
#include <utility>

#include <QComboBox>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSplitter>
#include <QTest>

using kestrel::widgets::ClassMetricsTable;
using kestrel::widgets::ConfusionData;
using kestrel::widgets::ConfusionMatrixView;
using kestrel::widgets::ConfusionPanel;
using Cell = ConfusionMatrixView::Cell;

namespace {

// Rows true, columns predicted. Row totals 40, 30, 50; column totals 36, 38, 46; 97 right.
ConfusionData threeClasses() {
    return {{"scratch", "dent", "good"},
            {28, 12, 0, //
             3, 25, 2,  //
             5, 1, 44},
            "Validation, epoch 7"};
}

ConfusionData manyClasses(int n) {
    ConfusionData data;
    for (int c = 0; c < n; ++c) {
        data.classes << QString("class %1 with a long descriptive name").arg(c);
    }
    for (int t = 0; t < n; ++t) {
        for (int p = 0; p < n; ++p) {
            data.counts.push_back(t == p ? 100 + t : (t + p) % 7);
        }
    }
    return data;
}

bool near(double a, double b) {
    return std::abs(a - b) < 1e-9;
}

QStringList rowTexts(const ClassMetricsTable* table, int row) {
    QStringList texts;
    for (int column = 0; column < table->columnCount(); ++column) {
        texts << table->item(row, column)->text();
    }
    return texts;
}

// A pixel near a cell's corner: inside its fill, clear of its text and outlines.
QColor fillOf(const QImage& image, const QRect& cell) {
    return image.pixelColor(cell.topLeft() + QPoint(4, 4));
}

} // namespace

class ConfusionPanelTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ConfusionPanel> panel_;

    ConfusionMatrixView* view() const {
        return panel_->findChild<ConfusionMatrixView*>("confusionMatrix");
    }
    ClassMetricsTable* table() const {
        return panel_->findChild<ClassMetricsTable*>("classMetrics");
    }
    QComboBox* toggle() const { return panel_->findChild<QComboBox*>("normalizeToggle"); }

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void init() {
        panel_ = std::make_unique<ConfusionPanel>();
        panel_->resize(1000, 520);
        panel_->setMatrix(threeClasses());
        panel_->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
    }

    void cleanup() { panel_.reset(); }

    void figuresMatchHandComputedValues() {
        const auto figures = kestrel::widgets::classFigures(threeClasses());
        QCOMPARE(figures.size(), std::size_t(3));
        QCOMPARE(figures[0].name, QString("scratch"));
        QVERIFY(near(figures[0].precision, 28.0 / 36));
        QVERIFY(near(figures[0].recall, 28.0 / 40));
        QVERIFY(near(figures[0].f1, 56.0 / 76)); // 2·TP / (row total + column total)
        QCOMPARE(figures[0].support, std::int64_t(40));
        QVERIFY(near(figures[1].precision, 25.0 / 38));
        QVERIFY(near(figures[1].recall, 25.0 / 30));
        QVERIFY(near(figures[1].f1, 50.0 / 68));
        QCOMPARE(figures[1].support, std::int64_t(30));
        QVERIFY(near(figures[2].precision, 44.0 / 46));
        QVERIFY(near(figures[2].recall, 44.0 / 50));
        QVERIFY(near(figures[2].f1, 88.0 / 96));
        QCOMPARE(figures[2].support, std::int64_t(50));
        QVERIFY(near(kestrel::widgets::accuracy(threeClasses()), 97.0 / 120));
        const auto mean = kestrel::widgets::macroAverage(figures);
        QVERIFY(near(mean.f1, (56.0 / 76 + 50.0 / 68 + 88.0 / 96) / 3));
        QCOMPARE(mean.support, std::int64_t(120));
    }

    void undefinedFiguresCountAsZero() {
        // "b" is never predicted and "c" never occurs.
        const ConfusionData data{{"a", "b", "c"}, {5, 0, 1, 3, 0, 0, 0, 0, 0}, {}};
        const auto figures = kestrel::widgets::classFigures(data);
        QVERIFY(near(figures[0].precision, 5.0 / 8));
        QVERIFY(near(figures[0].recall, 5.0 / 6));
        QCOMPARE(figures[1].precision, 0.0);
        QCOMPARE(figures[1].recall, 0.0);
        QCOMPARE(figures[1].f1, 0.0);
        QCOMPARE(figures[2].precision, 0.0);
        QCOMPARE(figures[2].recall, 0.0);
        QCOMPARE(figures[2].support, std::int64_t(0));
        QVERIFY(near(kestrel::widgets::accuracy(data), 5.0 / 9));
        // Counts that do not match the classes are no matrix at all.
        const ConfusionData broken{{"a", "b"}, {1, 2, 3}, {}};
        QVERIFY(broken.isEmpty());
        QVERIFY(kestrel::widgets::classFigures(broken).empty());
        QCOMPARE(kestrel::widgets::accuracy(ConfusionData{}), 0.0);
    }

    void panelHasItsPartsAndCaption() {
        QVERIFY(view());
        QVERIFY(table());
        QVERIFY(toggle());
        const auto* caption = panel_->findChild<QLabel*>("confusionCaption");
        QCOMPARE(caption->text(),
                 QString("Validation, epoch 7: accuracy 0.808 (97 of 120 samples right)"));
        QVERIFY(view()->focusPolicy() == Qt::StrongFocus);
    }

    void clickingACellActivatesIt() {
        QSignalSpy viewSpy(view(), &ConfusionMatrixView::cellActivated);
        QSignalSpy panelSpy(panel_.get(), &ConfusionPanel::cellActivated);
        const QRect cell = view()->cellRect(2, 0);
        QVERIFY(cell.width() >= 20);
        QCOMPARE(view()->cellAt(cell.center()), std::optional<Cell>(Cell{2, 0}));
        QCOMPARE(view()->cellAt(cell.topLeft()), std::optional<Cell>(Cell{2, 0}));
        QCOMPARE(view()->cellAt(cell.bottomRight()), std::optional<Cell>(Cell{2, 0}));
        QCOMPARE(view()->cellAt(cell.topLeft() - QPoint(0, 1)), std::optional<Cell>(Cell{1, 0}));
        QTest::mouseClick(view(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(viewSpy.count(), 1);
        QCOMPARE(viewSpy.at(0).at(0).toInt(), 2);
        QCOMPARE(viewSpy.at(0).at(1).toInt(), 0);
        QCOMPARE(panelSpy.count(), 1); // forwarded
        QCOMPARE(view()->currentCell(), std::optional<Cell>(Cell{2, 0}));
        // A right click is not an activation.
        QTest::mouseClick(view(), Qt::RightButton, {}, cell.center());
        QCOMPARE(viewSpy.count(), 1);
    }

    void aPixelMatrixListsItsImagesAndHasNoOperatingPoint() {
        // A segmentation run's: pixels over the background and the defect classes.
        ConfusionData pixels{{"background", "scratch", "spot"},
                             {9000, 40, 10, //
                              30, 200, 0,   //
                              5, 0, 60},
                             "Validation, epoch 3"};
        pixels.unit = kestrel::widgets::ConfusionUnit::Pixels;
        panel_->setMatrix(pixels);
        const auto* caption = panel_->findChild<QLabel*>("confusionCaption");
        QVERIFY2(caption->text().contains("pixel accuracy") &&
                     caption->text().contains("9,260 of 9,345 pixels right"),
                 qPrintable(caption->text()));
        const QString hint = panel_->findChild<QLabel*>("confusionHint")->text();
        QVERIFY2(hint.contains("pixels") && hint.contains("Click a cell"), qPrintable(hint));
        QVERIFY(view()->cellToolTip(1, 0).contains("30 pixels"));
        // Millions of background pixels fit a cell in short; the tooltip keeps them exactly.
        ConfusionData many = pixels;
        many.counts[0] = 31240000;
        many.counts[1] = 45678;
        panel_->setMatrix(many);
        QCOMPARE(view()->cellText(0, 0), QString("31.2M"));
        QCOMPARE(view()->cellText(0, 1), QString("45k"));
        QCOMPARE(view()->cellText(1, 0), QString("30"));
        QVERIFY(view()->cellToolTip(0, 1).contains("45,678"));
        panel_->setMatrix(pixels);

        QSignalSpy panelSpy(panel_.get(), &ConfusionPanel::cellActivated);
        QTest::mouseClick(view(), Qt::LeftButton, {}, view()->cellRect(1, 0).center());
        QCOMPARE(panelSpy.count(), 1); // the images with scratch pixels taken for background
        QCOMPARE(panelSpy.at(0).at(0).toInt(), 1);
        QCOMPARE(panelSpy.at(0).at(1).toInt(), 0);

        kestrel::widgets::InspectionData inspection;
        inspection.goodClass = "good";
        panel_->setOperatingPoint(inspection);
        QVERIFY(!panel_->operatingPoint()->isVisible());

        panel_->setMatrix(threeClasses()); // a classifier's again: cells list samples
        QTest::mouseClick(view(), Qt::LeftButton, {}, view()->cellRect(1, 0).center());
        QCOMPARE(panelSpy.count(), 2);
        panel_->setOperatingPoint(inspection);
        QVERIFY(panel_->operatingPoint()->isVisible());
    }

    void clickingOutsideTheGridDoesNothing() {
        QSignalSpy spy(view(), &ConfusionMatrixView::cellActivated);
        const QRect last = view()->cellRect(2, 2);
        const QRect first = view()->cellRect(0, 0);
        for (const QPoint& point : {QPoint(1, 1), last.bottomRight() + QPoint(3, 3),
                                    QPoint(last.right() + 2, last.center().y()),
                                    QPoint(first.left() - 2, first.center().y())}) {
            QVERIFY(!view()->cellAt(point));
            QTest::mouseClick(view(), Qt::LeftButton, {}, point);
        }
        QCOMPARE(spy.count(), 0);
        QVERIFY(view()->cellRect(3, 0).isNull());
        QVERIFY(view()->cellRect(-1, 0).isNull());
    }

    void keyboardMovesTheCurrentCellAndActivatesIt() {
        QSignalSpy spy(view(), &ConfusionMatrixView::cellActivated);
        view()->setCurrentCell(0, 0);
        QTest::keyClick(view(), Qt::Key_Right);
        QTest::keyClick(view(), Qt::Key_Down);
        QTest::keyClick(view(), Qt::Key_Down);
        QTest::keyClick(view(), Qt::Key_Down); // stays on the last row
        QCOMPARE(view()->currentCell(), std::optional<Cell>(Cell{2, 1}));
        QCOMPARE(spy.count(), 0);
        QTest::keyClick(view(), Qt::Key_Return);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toInt(), 2);
        QCOMPARE(spy.at(0).at(1).toInt(), 1);
        QTest::keyClick(view(), Qt::Key_Home);
        QTest::keyClick(view(), Qt::Key_PageUp);
        QTest::keyClick(view(), Qt::Key_Space);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(0).toInt(), 0);
        QCOMPARE(spy.at(1).at(1).toInt(), 0);
    }

    void hoverHighlightsAndDescribesTheCell() {
        QCOMPARE(view()->cellToolTip(0, 1),
                 QString("True scratch, predicted dent: 12 samples (30% of scratch)"));
        QCOMPARE(view()->cellToolTip(2, 1),
                 QString("True good, predicted dent: 1 sample (2% of good)"));
        const QImage before = view()->grab().toImage();
        QTest::mouseMove(view(), view()->cellRect(0, 1).center());
        QCOMPARE(view()->hoveredCell(), std::optional<Cell>(Cell{0, 1}));
        QVERIFY(view()->grab().toImage() != before); // the highlight is drawn
    }

    void normalisedModeChangesTheCellText() {
        QCOMPARE(view()->cellText(0, 1), QString("12"));
        QCOMPARE(view()->cellText(0, 2), QString("0"));
        QVERIFY(view()->isCellTextShown());
        const QImage counts = view()->grab().toImage();
        toggle()->setCurrentIndex(1);
        QVERIFY(view()->isNormalized());
        QCOMPARE(view()->cellText(0, 1), QString("30%"));
        QCOMPARE(view()->cellText(2, 2), QString("88%"));
        QVERIFY(view()->grab().toImage() != counts);
        view()->setNormalized(false); // and the toggle follows the view
        QCOMPARE(toggle()->currentIndex(), 0);
        QCOMPARE(view()->grab().toImage(), counts);
    }

    void cellsAreColouredByKindAndSize() {
        const QImage image = view()->grab().toImage();
        const QColor correct = fillOf(image, view()->cellRect(2, 2));
        const QColor confused = fillOf(image, view()->cellRect(0, 1));
        const QColor none = fillOf(image, view()->cellRect(0, 2));
        QVERIFY2(correct.blue() > correct.red() + 80, qPrintable(correct.name()));
        QVERIFY2(confused.red() > confused.blue() + 40, qPrintable(confused.name()));
        QCOMPARE(none, QColor(Qt::white));
        // More samples, darker.
        QVERIFY(fillOf(image, view()->cellRect(1, 1)).lightness() > correct.lightness());
    }

    void tableShowsTheFiguresPerClass() {
        QCOMPARE(table()->rowCount(), 4);
        QCOMPARE(rowTexts(table(), 0), QStringList({"scratch", "0.778", "0.700", "0.737", "40"}));
        QCOMPARE(rowTexts(table(), 1), QStringList({"dent", "0.658", "0.833", "0.735", "30"}));
        QCOMPARE(rowTexts(table(), 2), QStringList({"good", "0.957", "0.880", "0.917", "50"}));
        QCOMPARE(rowTexts(table(), 3),
                 QStringList({"All (macro)", "0.797", "0.804", "0.796", "120"}));
        QVERIFY(table()->item(3, 0)->font().bold());
        QVERIFY(!table()->item(0, 0)->font().bold());
        QVERIFY(table()->item(3, 1)->toolTip().contains("accuracy 0.808"));
        QVERIFY(table()->editTriggers() == QAbstractItemView::NoEditTriggers);
    }

    void sortingKeepsTheSummaryRowLast() {
        table()->sortByColumn(ClassMetricsTable::F1Column, Qt::AscendingOrder);
        QCOMPARE(table()->item(0, 0)->text(), QString("dent"));
        QCOMPARE(table()->item(2, 0)->text(), QString("good"));
        QCOMPARE(table()->item(3, 0)->text(), QString("All (macro)"));
        table()->sortByColumn(ClassMetricsTable::F1Column, Qt::DescendingOrder);
        QCOMPARE(table()->item(0, 0)->text(), QString("good"));
        QCOMPARE(table()->item(2, 0)->text(), QString("dent"));
        QCOMPARE(table()->item(3, 0)->text(), QString("All (macro)"));
        // A click on the header, as the user sorts: the summary row still ends the table.
        QHeaderView* header = table()->horizontalHeader();
        const int x = header->sectionViewportPosition(ClassMetricsTable::RecallColumn) +
                      header->sectionSize(ClassMetricsTable::RecallColumn) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), int(ClassMetricsTable::RecallColumn));
        const bool ascending = header->sortIndicatorOrder() == Qt::AscendingOrder;
        QCOMPARE(table()->item(0, 0)->text(), QString(ascending ? "scratch" : "good"));
        QCOMPARE(table()->item(3, 0)->text(), QString("All (macro)"));
        table()->sortByColumn(ClassMetricsTable::F1Column, Qt::DescendingOrder);
        // A new epoch keeps the user's sort; clearing it restores class order.
        panel_->setMatrix(threeClasses());
        QCOMPARE(table()->item(0, 0)->text(), QString("good"));
        table()->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
        QCOMPARE(table()->item(0, 0)->text(), QString("scratch"));
        QCOMPARE(table()->item(3, 0)->text(), QString("All (macro)"));
    }

    // At 1280x800 the Runs tab leaves the panel about 480 px: the box table and its curves go
    // under the matrix there, every column in sight, and back beside it in a wide panel.
    void aBoxTableTooWideToSitBesideTheMatrixGoesUnderIt() {
        ConfusionData boxes{{"scratch", "spot", "crack", "background"},
                            {14, 0, 3, 2, //
                             0, 8, 0, 9,  //
                             4, 0, 16, 5, //
                             6, 11, 7, 0},
                            "Validation, epoch 12",
                            kestrel::widgets::ConfusionUnit::Boxes};
        kestrel::widgets::DetectionFigures figures;
        for (const char* name : {"scratch", "spot", "crack"}) {
            figures.classes.push_back({name, 0.512, 0.231, QVector<double>(101, 0.5)});
        }
        auto* splitter = panel_->findChild<QSplitter*>("confusionSplitter");
        auto* boxTable = panel_->detectionTable();
        panel_->setMatrix(boxes);
        panel_->setDetectionFigures(figures);
        panel_->resize(1000, 560);
        QTRY_COMPARE(splitter->orientation(), Qt::Horizontal);
        QTRY_VERIFY(boxTable->width() >= boxTable->sizeHint().width());

        panel_->resize(480, 560);
        QTRY_COMPARE(splitter->orientation(), Qt::Vertical);
        QTRY_VERIFY(boxTable->width() >= boxTable->sizeHint().width());
        QVERIFY(!boxTable->horizontalScrollBar()->isVisible());
        QVERIFY(view()->height() >= view()->minimumSizeHint().height());
        const int matrixBottom = view()->mapTo(panel_.get(), QPoint(0, view()->height())).y();
        QVERIFY(matrixBottom <= boxTable->mapTo(panel_.get(), QPoint(0, 0)).y());

        panel_->setMatrix(threeClasses()); // precision, recall and F1 fit beside at any width
        QTRY_COMPARE(splitter->orientation(), Qt::Horizontal);
        panel_->resize(1000, 560);
        panel_->setMatrix(boxes);
        QTRY_COMPARE(splitter->orientation(), Qt::Horizontal);
    }

    void clearGivesTheEmptyState() {
        QSignalSpy spy(view(), &ConfusionMatrixView::cellActivated);
        const QPoint centre = view()->cellRect(1, 1).center();
        panel_->clear();
        QVERIFY(view()->isEmpty());
        QVERIFY(!view()->cellAt(centre));
        QVERIFY(view()->cellRect(0, 0).isNull());
        QVERIFY(view()->cellText(0, 0).isEmpty());
        QCOMPARE(table()->rowCount(), 0);
        QVERIFY(panel_->findChild<QLabel*>("confusionCaption")->text().isEmpty());
        QTest::mouseClick(view(), Qt::LeftButton, {}, centre);
        QTest::keyClick(view(), Qt::Key_Return);
        QCOMPARE(spy.count(), 0);
        // The hint is painted: some pixels in the middle band differ from the background.
        const QImage image = view()->grab().toImage();
        const QColor background = image.pixelColor(2, 2);
        int inked = 0;
        for (int x = 0; x < image.width(); ++x) {
            inked += image.pixelColor(x, image.height() / 2) != background ? 1 : 0;
        }
        QVERIFY(inked > 10);
        QVERIFY(!ConfusionMatrixView::emptyHint().isEmpty());
    }

    void fortyClassesPaintWithoutText() {
        ConfusionMatrixView big;
        big.setMatrix(manyClasses(40));
        big.resize(420, 320);
        QVERIFY(!big.grab().isNull());
        QVERIFY(!big.isCellTextShown()); // cells of a few pixels: no text
        const QRect last = big.cellRect(39, 39);
        QVERIFY(!last.isEmpty());
        QCOMPARE(big.cellAt(last.center()), std::optional<Cell>(Cell{39, 39}));
        big.setNormalized(true);
        big.resize(1400, 1200);
        QVERIFY(!big.grab().isNull());
        QVERIFY(big.isCellTextShown());
        big.resize(60, 40); // far too small for the grid
        QVERIFY(!big.grab().isNull());
        QVERIFY(!big.cellAt(QPoint(30, 20)));
    }
};

QTEST_MAIN(ConfusionPanelTest)
#include "confusion_panel_test.moc"
