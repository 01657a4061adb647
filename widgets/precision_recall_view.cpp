#include "precision_recall_view.h"

#include <array>

#include <QLocale>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace kestrel::widgets {

namespace {

// Below this height the legend would cover most of the curves.
constexpr int kLegendMinHeight = 220;

// Okabe and Ito's colours, as the training charts use, distinct for colour-blind eyes.
const std::array<QColor, 7> kClassColours = {{QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
                                              QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7),
                                              QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
                                              QColor(0x00, 0x00, 0x00)}};

} // namespace

PrecisionRecallView::PrecisionRecallView(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot;
    plot_->setObjectName("precisionRecallPlot");
    plot_->setToolTip(tr("Precision against recall at IoU 0.50 per class, from the validation "
                         "boxes ranked by score: the area under a curve is its AP50. A curve "
                         "that ends early never reached a higher recall."));
    QFont titleFont = font();
    titleFont.setBold(true);
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot_, tr("Precision–recall (IoU 0.50)"), titleFont));
    plot_->xAxis->setLabel(tr("Recall"));
    plot_->yAxis->setLabel(tr("Precision"));
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1.02);
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    plot_->legend->setFont(legendFont);
    plot_->legend->setBrush(QColor(255, 255, 255, 210));
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setIconSize(20, 10);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    emptyText_ = new QCPItemText(plot_);
    emptyText_->position->setType(QCPItemPosition::ptAxisRectRatio);
    emptyText_->position->setCoords(0.5, 0.5);
    emptyText_->setColor(palette().color(QPalette::PlaceholderText));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    clear();
}

QSize PrecisionRecallView::minimumSizeHint() const {
    return {200, 120};
}

int PrecisionRecallView::curveCount() const {
    return plot_->graphCount();
}

void PrecisionRecallView::clear() {
    setFigures({});
}

void PrecisionRecallView::setFigures(const DetectionFigures& figures) {
    plot_->clearGraphs();
    std::size_t colour = 0;
    for (const auto& own : figures.classes) {
        const auto points = own.precision50.size();
        if (points < 2) {
            continue;
        }
        QVector<double> recall(static_cast<int>(points));
        for (int r = 0; r < recall.size(); ++r) {
            recall[r] = static_cast<double>(r) / static_cast<double>(points - 1);
        }
        // COCO writes 0 past the largest recall reached: the curve ends where its data does.
        QVector<double> precision = own.precision50;
        int end = static_cast<int>(points);
        while (end > 1 && precision[end - 1] <= 0.0) {
            --end;
        }
        QCPGraph* graph = plot_->addGraph();
        graph->setData(recall.mid(0, end), precision.mid(0, end), true);
        graph->setPen(QPen(kClassColours[colour++ % kClassColours.size()], 2.0));
        graph->setLineStyle(QCPGraph::lsStepLeft);
        graph->setName(own.ap50
                           ? tr("%1 (AP50 %2)").arg(own.name, QLocale().toString(*own.ap50, 'f', 3))
                           : own.name);
    }
    const bool any = plot_->graphCount() > 0;
    emptyText_->setText(any ? QString()
                            : tr("No precision-recall curves: the run recorded none yet."));
    updateLegend();
    plot_->replot();
}

void PrecisionRecallView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    const bool before = plot_->legend->visible();
    updateLegend();
    if (plot_->legend->visible() != before) {
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
}

void PrecisionRecallView::updateLegend() {
    plot_->legend->setVisible(plot_->graphCount() > 0 && height() >= kLegendMinHeight);
}

} // namespace kestrel::widgets
