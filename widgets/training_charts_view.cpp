// How the plots show the data: ranges fitted from tracked extremes, following new points until
// the user zooms, x axes moving together, queued replots, legends and keyboard control.
#include "training_charts.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <QEvent>
#include <QFontMetrics>
#include <QKeyEvent>
#include <QSignalBlocker>
#include <qcustomplot.h>

namespace kestrel::widgets {

void TrainingCharts::extendExtremes(Series& series, const QVector<double>& x,
                                    const QVector<double>& y) {
    for (qsizetype i = 0; i < x.size(); ++i) {
        const double key = x[i];
        const double value = y[i];
        if (!std::isfinite(key) || !std::isfinite(value)) {
            continue; // a diverged loss is a gap in the curve, not a scale
        }
        if (!series.hasPoints) {
            series.xMin = series.xMax = key;
            series.yMin = series.yMax = value;
            series.yMinPositive = 0;
            series.hasPoints = true;
        }
        series.xMin = std::min(series.xMin, key);
        series.xMax = std::max(series.xMax, key);
        series.yMin = std::min(series.yMin, value);
        series.yMax = std::max(series.yMax, value);
        if (value > 0) {
            series.yMinPositive =
                series.yMinPositive > 0 ? std::min(series.yMinPositive, value) : value;
        }
    }
}

void TrainingCharts::removeRun(std::int64_t runId) {
    std::set<std::size_t> touched;
    auto it = series_.lower_bound({runId, QString()});
    while (it != series_.end() && it->first.first == runId) {
        touched.insert(it->second.chart);
        removeSeries(it++);
    }
    labels_.erase(runId);
    colours_.erase(runId);
    meanIouRuns_.erase(runId);
    for (const std::size_t chart : touched) {
        dataChanged(chart);
    }
}

void TrainingCharts::clear() {
    while (!series_.empty()) {
        removeSeries(series_.begin());
    }
    labels_.clear();
    colours_.clear();
    meanIouRuns_.clear();
    following_ = true;
    for (std::size_t chart = 0; chart < charts_.size(); ++chart) {
        dataChanged(chart);
    }
}

void TrainingCharts::removeSeries(std::map<SeriesKey, Series>::iterator it) {
    charts_[it->second.chart].plot->removeGraph(it->second.graph);
    series_.erase(it);
}

void TrainingCharts::dataChanged(std::size_t chart) {
    updateChrome(chart);
    if (following_) {
        fitX();
        fitY(chart, false);
    }
    charts_[chart].plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingCharts::fitX() {
    bool any = false;
    double lo = 0;
    double hi = 1;
    for (const auto& entry : series_) {
        const Series& s = entry.second;
        if (s.hasPoints) {
            lo = any ? std::min(lo, s.xMin) : s.xMin;
            hi = any ? std::max(hi, s.xMax) : s.xMax;
            any = true;
        }
    }
    if (hi - lo <= 0) { // one epoch's point still needs some width
        lo -= 0.5;
        hi += 0.5;
    }
    const QCPRange range(lo, hi);
    settingRanges_ = true;
    for (const Chart& chart : charts_) {
        if (chart.plot->xAxis->range() != range) {
            chart.plot->xAxis->setRange(range);
            chart.plot->replot(QCustomPlot::rpQueuedReplot);
        }
    }
    settingRanges_ = false;
}

void TrainingCharts::fitY(std::size_t chart, bool visibleOnly) {
    if (charts_[chart].fixedY) {
        return;
    }
    const bool log = charts_[chart].logCapable && logScaleLoss_;
    QCPAxis* xAxis = charts_[chart].plot->xAxis;
    bool any = false;
    double lo = 0;
    double hi = 0;
    for (const auto& entry : series_) {
        const Series& s = entry.second;
        if (s.chart != chart || !s.hasPoints || (log && s.yMinPositive <= 0)) {
            continue;
        }
        QCPRange range(log ? s.yMinPositive : s.yMin, s.yMax);
        if (visibleOnly) { // after a zoom: scans only the visible points, found by bisection
            bool found = false;
            range =
                s.graph->getValueRange(found, log ? QCP::sdPositive : QCP::sdBoth, xAxis->range());
            if (!found) {
                continue;
            }
        }
        lo = any ? std::min(lo, range.lower) : range.lower;
        hi = any ? std::max(hi, range.upper) : range.upper;
        any = true;
    }
    if (!any) {
        return;
    }
    QCPAxis* yAxis = charts_[chart].plot->yAxis;
    if (log) {
        yAxis->setRange(lo / 1.25, hi * 1.25);
        return;
    }
    const double span = hi - lo;
    const double pad = span > 0 ? span * 0.05 : (hi != 0.0 ? std::abs(hi) * 0.1 : 1.0);
    yAxis->setRange(lo - pad, hi + pad);
}

void TrainingCharts::userMovedX(std::size_t source) {
    if (settingRanges_) {
        return;
    }
    following_ = false;
    const QCPRange range = charts_[source].plot->xAxis->range();
    settingRanges_ = true;
    for (std::size_t chart = 0; chart < charts_.size(); ++chart) {
        charts_[chart].plot->xAxis->setRange(range);
        fitY(chart, true);
        charts_[chart].plot->replot(QCustomPlot::rpQueuedReplot);
    }
    settingRanges_ = false;
}

void TrainingCharts::fitAll() {
    following_ = true;
    fitX();
    for (std::size_t chart = 0; chart < charts_.size(); ++chart) {
        fitY(chart, false);
    }
    replotAll();
}

void TrainingCharts::setLogScaleLoss(bool on) {
    logScaleLoss_ = on;
    const QSignalBlocker blocker(logAction_);
    logAction_->setChecked(on);
    for (std::size_t chart = 0; chart < charts_.size(); ++chart) {
        if (!charts_[chart].logCapable) {
            continue;
        }
        QCPAxis* yAxis = charts_[chart].plot->yAxis;
        yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                            : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        yAxis->setNumberFormat(on ? "gb" : "gbd");
        fitY(chart, !following_);
        charts_[chart].plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void TrainingCharts::setLegendsShown(bool on) {
    legendsShown_ = on;
    const QSignalBlocker blocker(legendAction_);
    legendAction_->setChecked(on);
    for (std::size_t chart = 0; chart < charts_.size(); ++chart) {
        updateChrome(chart);
    }
    replotAll();
}

void TrainingCharts::updateChrome(std::size_t chart) {
    const Chart& c = charts_[chart];
    const bool hasData = std::any_of(series_.begin(), series_.end(), [chart](const auto& entry) {
        return entry.second.chart == chart && entry.second.graph->dataCount() > 0;
    });
    c.emptyText->setVisible(!hasData);
    if (c.fixedY) { // the accuracy plot, or mean IoU for segmentation runs
        c.title->setText(accuracyTitle());
    }
    // As many entries per row as the width takes; shown when its rows leave the axes at
    // least two thirds of the plot's height.
    QCPLegend* legend = c.plot->legend;
    int widest = 1;
    int entries = 0;
    for (int i = 0; i < legend->itemCount(); ++i) { // itemCount() counts empty cells too
        if (const QCPAbstractLegendItem* item = legend->item(i)) {
            widest = std::max(widest, item->minimumOuterSizeHint().width() + 8);
            ++entries;
        }
    }
    const int perRow = std::max(1, (c.plot->width() - 20) / widest);
    if (legend->wrap() != perRow) {
        legend->setWrap(perRow);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true); // re-flows the entries
    }
    const int rows = (entries + perRow - 1) / perRow;
    const int rowHeight = QFontMetrics(legend->font()).height() + 3;
    // The title and the x axis take about 60 px; the axes keep at least 90 with a legend.
    const int axesHeight = c.plot->height() - 60;
    const bool shown = legendsShown_ && hasData && axesHeight - rows * rowHeight >= 90;
    // About one labelled tick per 30 px, so that short plots do not stack their labels.
    const int ticks = std::clamp((axesHeight - (shown ? rows * rowHeight : 0)) / 30, 2, 5);
    if (auto text = c.plot->yAxis->ticker().dynamicCast<QCPAxisTickerText>()) {
        const int step = ticks >= 5 ? 20 : ticks >= 3 ? 50 : 100; // the accuracy's percents
        if (text->ticks().size() != 100 / step + 1) { // this runs on every batch's points
            setPercentTicks(*text, step);
        }
    } else {
        c.plot->yAxis->ticker()->setTickCount(ticks);
    }
    // Epoch labels need about 50 px each ("100", "125"), or they run into each other.
    c.plot->xAxis->ticker()->setTickCount(std::clamp((c.plot->width() - 60) / 50, 2, 6));
    QCPLayoutGrid* layout = c.plot->plotLayout();
    const bool placed = layout->rowCount() > 2;
    if (shown && !placed) {
        layout->insertRow(2);
        layout->addElement(2, 0, legend);
        layout->setRowStretchFactor(2, 0.001); // its own height, the axes the rest
    } else if (!shown && placed) {
        layout->take(legend);
        layout->simplify(); // drops the empty row
    }
    legend->setVisible(shown);
}

void TrainingCharts::setPercentTicks(QCPAxisTickerText& ticker, int step) {
    ticker.clear();
    for (int p = 0; p <= 100; p += step) {
        ticker.addTick(p / 100.0, tr("%1%").arg(p));
    }
}

void TrainingCharts::replotAll() {
    for (const Chart& chart : charts_) {
        chart.plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

bool TrainingCharts::keyPressed(std::size_t chart, int key) {
    QCPAxis* xAxis = charts_[chart].plot->xAxis;
    switch (key) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        xAxis->scaleRange(0.8);
        return true;
    case Qt::Key_Minus:
        xAxis->scaleRange(1.25);
        return true;
    case Qt::Key_Left:
        xAxis->moveRange(-0.1 * xAxis->range().size());
        return true;
    case Qt::Key_Right:
        xAxis->moveRange(0.1 * xAxis->range().size());
        return true;
    case Qt::Key_Home:
        fitAll();
        return true;
    default:
        return false;
    }
}

bool TrainingCharts::eventFilter(QObject* watched, QEvent* event) {
    for (std::size_t chart = 0; chart < charts_.size(); ++chart) {
        if (watched != charts_[chart].plot) {
            continue;
        }
        if (event->type() == QEvent::Resize) {
            updateChrome(chart); // the plot's own resize handling replots
        } else if (event->type() == QEvent::KeyPress) {
            const auto* keyEvent = static_cast<QKeyEvent*>(event);
            const auto chords = Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier;
            if ((keyEvent->modifiers() & chords) == 0 && keyPressed(chart, keyEvent->key())) {
                return true;
            }
        }
        break;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace kestrel::widgets
