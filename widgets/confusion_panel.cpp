#include "confusion_panel.h"

#include "anomaly_score_panel.h"
#include "class_metrics_table.h"
#include "confusion_matrix_view.h"
#include "detection_class_table.h"
#include "operating_point_panel.h"
#include "precision_recall_view.h"

#include <algorithm>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QResizeEvent>
#include <QSignalBlocker>
#include <QSplitter>
#include <QVBoxLayout>

namespace kestrel::widgets {

ConfusionPanel::ConfusionPanel(QWidget* parent) : QWidget(parent) {
    auto* column = new QVBoxLayout(this);

    auto* top = new QHBoxLayout;
    caption_ = new QLabel;
    caption_->setObjectName("confusionCaption");
    caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    caption_->setWordWrap(true); // a second line rather than a cut one in a narrow pane
    top->addWidget(caption_, 1);
    normalizeToggle_ = new QComboBox;
    normalizeToggle_->setObjectName("normalizeToggle");
    normalizeToggle_->addItem(tr("Counts"));
    normalizeToggle_->addItem(tr("Row-normalised"));
    normalizeToggle_->setToolTip(
        tr("Counts: samples per cell. Row-normalised: each cell as a share of its true "
           "class's samples, so small classes read as clearly as large ones."));
    auto* showLabel = new QLabel(tr("&Show:"));
    showLabel->setBuddy(normalizeToggle_);
    top->addWidget(showLabel);
    top->addWidget(normalizeToggle_);
    column->addLayout(top);

    view_ = new ConfusionMatrixView;
    view_->setObjectName("confusionMatrix");
    table_ = new ClassMetricsTable;
    table_->setObjectName("classMetrics");
    splitter_ = new QSplitter(Qt::Horizontal);
    splitter_->setObjectName("confusionSplitter");
    splitter_->setChildrenCollapsible(false);
    // The operating point sits under the per-class figures, so the matrix keeps its height.
    operatingPoint_ = new OperatingPointPanel;
    operatingPoint_->setObjectName("operatingPoint");
    auto* side = new QWidget;
    side_ = side;
    auto* sideColumn = new QVBoxLayout(side);
    sideColumn->setContentsMargins(0, 0, 0, 0);
    detectionTable_ = new DetectionClassTable;
    detectionTable_->setObjectName("detectionClasses");
    precisionRecall_ = new PrecisionRecallView;
    precisionRecall_->setObjectName("precisionRecall");
    sideColumn->addWidget(table_, 1);
    sideColumn->addWidget(detectionTable_);
    sideColumn->addWidget(operatingPoint_);
    sideColumn->addWidget(precisionRecall_, 2);
    splitter_->addWidget(view_);
    splitter_->addWidget(side);
    splitter_->setStretchFactor(0, 1); // the matrix gets the room; the table needs little
    splitter_->setStretchFactor(1, 0);
    column->addWidget(splitter_, 1);
    // An anomaly run's histogram spans the panel under its two-by-two matrix, with most of
    // the height: the bars need the room, the matrix does not.
    anomalyScores_ = new AnomalyScorePanel;
    anomalyScores_->setObjectName("anomalyScores");
    column->addWidget(anomalyScores_, 3);

    hint_ = new QLabel;
    hint_->setObjectName("confusionHint");
    hint_->setWordWrap(true);
    column->addWidget(hint_);

    connect(normalizeToggle_, &QComboBox::currentIndexChanged, view_,
            [this](int index) { view_->setNormalized(index == 1); });
    connect(view_, &ConfusionMatrixView::normalizedChanged, this, [this](bool normalized) {
        const QSignalBlocker blocker(normalizeToggle_);
        normalizeToggle_->setCurrentIndex(normalized ? 1 : 0);
    });
    connect(view_, &ConfusionMatrixView::cellActivated, this, &ConfusionPanel::cellActivated);

    clear();
}

void ConfusionPanel::setMatrix(const ConfusionData& confusion) {
    view_->setMatrix(confusion);
    const bool boxes = confusion.unit == ConfusionUnit::Boxes;
    table_->setMatrix(boxes ? ConfusionData{} : confusion);
    table_->setVisible(!boxes);
    detectionTable_->setMatrix(boxes ? confusion : ConfusionData{});
    detectionTable_->setVisible(boxes);
    boxes_ = boxes;
    arrangeSide(); // and whether the curves show
    const bool empty = confusion.isEmpty();
    QString caption;
    if (!empty) {
        const QLocale locale;
        const QString value = locale.toString(accuracy(confusion), 'f', 3);
        const QString right = locale.toString(static_cast<qlonglong>(confusion.correct()));
        const QString total = locale.toString(static_cast<qlonglong>(confusion.total()));
        if (confusion.unit == ConfusionUnit::Pixels) {
            caption = confusion.caption.isEmpty()
                          ? tr("Pixel accuracy %1 (%2 of %3 pixels right)").arg(value, right, total)
                          : tr("%1: pixel accuracy %2 (%3 of %4 pixels right)")
                                .arg(confusion.caption, value, right, total);
        } else if (confusion.unit == ConfusionUnit::Boxes) {
            // The background cell is always 0: the diagonal of the classes is what was found.
            caption = confusion.caption.isEmpty()
                          ? tr("%1 of %2 boxes found with their class").arg(right, total)
                          : tr("%1: %2 of %3 boxes found with their class")
                                .arg(confusion.caption, right, total);
        } else {
            caption = confusion.caption.isEmpty()
                          ? tr("Accuracy %1 (%2 of %3 samples right)").arg(value, right, total)
                          : tr("%1: accuracy %2 (%3 of %4 samples right)")
                                .arg(confusion.caption, value, right, total);
        }
    }
    caption_->setText(caption);
    switch (confusion.unit) {
    case ConfusionUnit::Pixels:
        hint_->setText(tr("Validation pixels by true and predicted class (k: thousands, M: "
                          "millions). Click a cell to show the images with such pixels."));
        break;
    case ConfusionUnit::Boxes:
        hint_->setText(tr("Validation boxes by drawn and predicted class, at the line's score "
                          "and IoU 0.5. The background row holds the false alarms, its column "
                          "the misses. Click a cell to show the images with such boxes."));
        break;
    case ConfusionUnit::Samples:
        hint_->setText(tr("Click a cell to show those samples in the browser."));
        break;
    }
    hint_->setEnabled(!empty); // greyed rather than hidden, so the layout does not jump
    // A segmentation run's escapes and false rejects come from its defects' areas, a
    // detector's from its boxes' scores (its figures), not from a good class's score
    // threshold: no operating point to move.
    if (confusion.unit != ConfusionUnit::Samples) {
        operatingPoint_->hide();
    }
}

void ConfusionPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    arrangeSide();
}

void ConfusionPanel::arrangeSide() {
    // The box table has more columns than precision, recall and F1. Beside the matrix it gets
    // its whole width; where the panel cannot hold both, the table goes under the matrix,
    // whole, instead of behind a scroll bar. (A minimum width would not do: it
    // would hold the whole window wider than a 1280 px screen.)
    const int tableWidth = boxes_ ? detectionTable_->sizeHint().width() : 0;
    const QMargins margins = layout()->contentsMargins();
    const int room = width() - margins.left() - margins.right() - splitter_->handleWidth();
    const bool under = boxes_ && room < view_->minimumSizeHint().width() + tableWidth;
    const Qt::Orientation orientation = under ? Qt::Vertical : Qt::Horizontal;
    // Under the matrix and the table, the curves get room only in a tall panel; otherwise they
    // would be cut to a sliver (the table has each class's AP50).
    constexpr int kTallEnoughForCurvesUnder = 640;
    precisionRecall_->setVisible(boxes_ && (!under || height() >= kTallEnoughForCurvesUnder));
    if (splitter_->orientation() != orientation) {
        splitter_->setOrientation(orientation);
        if (under) {
            const int height = splitter_->height();
            const int table = std::min(side_->sizeHint().height(), height / 2);
            splitter_->setSizes({height - table, table});
        }
    }
    if (boxes_ && !under && side_->width() < tableWidth) {
        splitter_->setSizes({room - tableWidth, tableWidth});
    }
}

void ConfusionPanel::setOperatingPoint(const InspectionData& inspection) {
    if (view_->matrix().unit == ConfusionUnit::Samples) {
        operatingPoint_->setData(inspection);
    }
}

void ConfusionPanel::setAnomalyScores(const AnomalyScoreData& scores) {
    operatingPoint_->clear();
    side_->hide();
    // Two rows and two columns read well at the matrix's smallest; the histogram gets the rest.
    splitter_->setMaximumHeight(view_->minimumSizeHint().height() + 40);
    anomalyScores_->setData(scores);
}

void ConfusionPanel::setDetectionFigures(const DetectionFigures& figures) {
    detectionTable_->setFigures(figures);
    precisionRecall_->setFigures(figures);
    arrangeSide(); // the table's width follows its figures
}

void ConfusionPanel::clear() {
    setMatrix(ConfusionData{});
    setDetectionFigures({});
    operatingPoint_->clear();
    anomalyScores_->clear();
    side_->show();
    splitter_->setMaximumHeight(QWIDGETSIZE_MAX);
}

} // namespace kestrel::widgets
