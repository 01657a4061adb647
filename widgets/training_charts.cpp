// Building the plots and taking the data in; training_charts_view.cpp fits and redraws them.
#include "training_charts.h"

#include <algorithm>
#include <array>

#include <QAction>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace kestrel::widgets {

namespace {

#define KESTREL_TR(text) QT_TRANSLATE_NOOP("kestrel::widgets::TrainingCharts", text)

enum ChartIndex : std::size_t { kLoss = 0, kAccuracy = 1, kLearningRate = 2, kThroughput = 3 };

struct ChartSpec {
    const char* title; // also the key plot() takes
    const char* objectName;
    const char* emptyText;
};

const std::array<ChartSpec, 4> kCharts = {{
    {KESTREL_TR("Loss"), "lossPlot", KESTREL_TR("Waiting for the first batch…")},
    {KESTREL_TR("Accuracy"), "accuracyPlot", KESTREL_TR("Waiting for the first epoch…")},
    {KESTREL_TR("Learning rate"), "learningRatePlot", KESTREL_TR("Waiting for the first batch…")},
    {KESTREL_TR("Images per second"), "throughputPlot", KESTREL_TR("Waiting for the first batch…")},
}};

enum class Line { Batch, Training, Validation, Single };

// A segmentation run's validation mean IoU takes the place of its accuracies (pixel accuracies,
// which the background's pixels dominate) in the accuracy plot.
const char* const kMeanIou = "val_miou";
bool isAccuracy(const QString& metric) {
    return metric == QLatin1String("train_accuracy") || metric == QLatin1String("val_accuracy");
}

struct MetricSpec {
    const char* name;
    std::size_t chart;
    Line line;
    const char* legend; // after the run label; empty for a plot's only metric
};

const std::array<MetricSpec, 8> kMetrics = {{
    {"batch_loss", kLoss, Line::Batch, KESTREL_TR("batch")},
    {"train_loss", kLoss, Line::Training, KESTREL_TR("train")},
    {"val_loss", kLoss, Line::Validation, KESTREL_TR("validation")},
    {"train_accuracy", kAccuracy, Line::Training, KESTREL_TR("train")},
    {"val_accuracy", kAccuracy, Line::Validation, KESTREL_TR("validation")},
    {kMeanIou, kAccuracy, Line::Validation, KESTREL_TR("validation mean IoU")},
    {"lr", kLearningRate, Line::Single, ""},
    {"images_per_second", kThroughput, Line::Single, ""},
}};

// Okabe–Ito, without its yellow, which vanishes on white.
const std::array<QColor, 7> kPalette = {{QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
                                         QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7),
                                         QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
                                         QColor(0x00, 0x00, 0x00)}};

const MetricSpec* metricSpec(const QString& metric) {
    for (const MetricSpec& spec : kMetrics) {
        if (metric == QLatin1String(spec.name)) {
            return &spec;
        }
    }
    return nullptr;
}

QPen penFor(Line line, QColor colour) {
    switch (line) {
    case Line::Batch:
        colour.setAlpha(70); // noise in the background, the epoch curves on top
        return QPen(colour, 1.0);
    case Line::Training:
        return QPen(colour, 1.5, Qt::DashLine);
    case Line::Validation:
        return QPen(colour, 2.0);
    case Line::Single:
        break;
    }
    return QPen(colour, 1.5);
}

} // namespace

TrainingCharts::TrainingCharts(QWidget* parent) : QWidget(parent) {
    buildActions();
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    auto* tools = new QHBoxLayout;
    const std::array<std::pair<QAction*, const char*>, 3> buttons = {
        {{fitAction_, "fitAllButton"},
         {logAction_, "logScaleLossButton"},
         {legendAction_, "legendsButton"}}};
    for (const auto& [action, name] : buttons) {
        auto* button = new QToolButton;
        button->setObjectName(name);
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        tools->addWidget(button);
    }
    tools->addStretch(1);
    column->addLayout(tools);
    auto* grid = new QGridLayout;
    for (std::size_t i = 0; i < kCharts.size(); ++i) {
        grid->addWidget(makePlot(i), static_cast<int>(i / 2), static_cast<int>(i % 2));
    }
    column->addLayout(grid, 1);
}

TrainingCharts::~TrainingCharts() = default;

void TrainingCharts::buildActions() {
    fitAction_ = new QAction(tr("Fit all"), this);
    fitAction_->setObjectName("fitAllAction");
    fitAction_->setToolTip(tr("Show all data and follow new points again (also: double-click a "
                              "plot, or Home in a plot)"));
    connect(fitAction_, &QAction::triggered, this, &TrainingCharts::fitAll);
    logAction_ = new QAction(tr("Log scale loss"), this);
    logAction_->setObjectName("logScaleLossAction");
    logAction_->setCheckable(true);
    logAction_->setToolTip(tr("Logarithmic loss axis: late, small improvements stay visible next "
                              "to the large early loss"));
    connect(logAction_, &QAction::toggled, this, &TrainingCharts::setLogScaleLoss);
    legendAction_ = new QAction(tr("Legends"), this);
    legendAction_->setObjectName("legendsAction");
    legendAction_->setCheckable(true);
    legendAction_->setChecked(true);
    legendAction_->setToolTip(tr("Show legends in the plots that are large enough for them"));
    connect(legendAction_, &QAction::toggled, this, &TrainingCharts::setLegendsShown);
    contextMenu_ = new QMenu(this);
    contextMenu_->addActions({fitAction_, logAction_, legendAction_});
}

QCustomPlot* TrainingCharts::makePlot(std::size_t index) {
    const ChartSpec& spec = kCharts[index];
    auto* plot = new QCustomPlot;
    plot->setObjectName(spec.objectName);
    plot->setMinimumSize(200, 140);
    plot->setFocusPolicy(Qt::StrongFocus); // keyboard zoom and pan, see keyPressed()
    QString help = tr("Wheel: zoom epochs · drag: pan · double-click: fit all · right-click: "
                      "options\nKeys: + and − zoom, ← and → pan, Home fits all");
    if (index == kLoss) {
        help += tr("\nThin pale line: each batch; dashed: training; solid: validation");
    } else if (index == kAccuracy) {
        help += tr("\nDashed: training; solid: validation");
    }
    plot->setToolTip(help);
    // Fast polylines: with adaptive sampling, a 100,000-point curve stays a few ms per replot.
    plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels | QCP::phImmediateRefresh);
    plot->setNoAntialiasingOnDrag(true);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
    plot->addLayer("batch", plot->layer("main"), QCustomPlot::limBelow);

    QFont titleFont = font();
    titleFont.setBold(true);
    plot->plotLayout()->insertRow(0);
    auto* title = new QCPTextElement(plot, tr(spec.title), titleFont);
    title->setObjectName("plotTitle");
    plot->plotLayout()->addElement(0, 0, title);
    plot->xAxis->setLabel(tr("Epoch"));
    plot->xAxis->setRange(0, 1);

    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    plot->legend->setFont(legendFont);
    plot->legend->setBrush(QColor(255, 255, 255, 210));
    plot->legend->setIconSize(24, 10);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setMargins(QMargins(4, 0, 4, 0));
    plot->legend->setRowSpacing(0);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    // The legend sits under the axes, never over the curves; updateChrome() puts it in the
    // plot's layout only while it is shown, so a hidden one takes no height.
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->legend->setVisible(false);

    if (index == kAccuracy) {
        auto percent = QSharedPointer<QCPAxisTickerText>::create();
        setPercentTicks(*percent, 20);
        percent->setSubTickCount(1);
        plot->yAxis->setTicker(percent);
        plot->yAxis->setRange(-0.02, 1.02);
    } else if (index == kLearningRate) {
        plot->yAxis->setNumberFormat("gb"); // 1·10⁻⁴ rather than 0.0001
        plot->yAxis->setNumberPrecision(2);
    }

    auto* emptyText = new QCPItemText(plot);
    emptyText->setObjectName("emptyText");
    emptyText->position->setType(QCPItemPosition::ptAxisRectRatio);
    emptyText->position->setCoords(0.5, 0.5);
    emptyText->setText(tr(spec.emptyText));
    emptyText->setColor(palette().color(QPalette::PlaceholderText));
    charts_.push_back({plot, emptyText, title, index == kAccuracy, index == kLoss});

    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot, &QCustomPlot::customContextMenuRequested, this,
            [this, plot](const QPoint& pos) { contextMenu_->popup(plot->mapToGlobal(pos)); });
    connect(plot, &QCustomPlot::mouseDoubleClick, this, &TrainingCharts::fitAll);
    connect(plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            [this, index] { userMovedX(index); });
    plot->installEventFilter(this);
    return plot;
}

void TrainingCharts::setRunLabel(std::int64_t runId, const QString& label) {
    ensureRun(runId);
    labels_[runId] = label;
    for (auto it = series_.lower_bound({runId, QString()});
         it != series_.end() && it->first.first == runId; ++it) {
        it->second.graph->setName(graphName(runId, it->first.second));
        charts_[it->second.chart].plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void TrainingCharts::setSeries(std::int64_t runId, const QString& metric, const QVector<double>& x,
                               const QVector<double>& y) {
    if (!metricSpec(metric) || !takesMetric(runId, metric, std::min(x.size(), y.size()))) {
        return;
    }
    const qsizetype n = std::min(x.size(), y.size());
    if (n == 0) {
        const auto it = series_.find({runId, metric});
        if (it != series_.end()) {
            const std::size_t chart = it->second.chart;
            removeSeries(it);
            dataChanged(chart);
        }
        return;
    }
    Series* series = findOrCreate(runId, metric);
    const QVector<double> keys = x.first(n);
    series->graph->setData(keys, y.first(n), std::is_sorted(keys.begin(), keys.end()));
    series->hasPoints = false;
    extendExtremes(*series, keys, y);
    dataChanged(series->chart);
}

void TrainingCharts::appendPoints(std::int64_t runId, const QString& metric,
                                  const QVector<double>& x, const QVector<double>& y) {
    const qsizetype n = std::min(x.size(), y.size());
    if (n == 0 || !metricSpec(metric) || !takesMetric(runId, metric, n)) {
        return;
    }
    Series* series = findOrCreate(runId, metric);
    // The container merges a sorted batch in place; only an unsorted batch gets sorted first.
    const bool whole = n == x.size() && n == y.size();
    const QVector<double> keys = whole ? x : x.first(n);
    series->graph->addData(keys, whole ? y : y.first(n), std::is_sorted(keys.begin(), keys.end()));
    extendExtremes(*series, keys, y);
    dataChanged(series->chart);
}

std::vector<std::int64_t> TrainingCharts::runs() const {
    std::vector<std::int64_t> ids;
    for (const auto& entry : colours_) {
        ids.push_back(entry.first);
    }
    return ids;
}

int TrainingCharts::pointCount(std::int64_t runId, const QString& metric) const {
    const QCPGraph* found = graph(runId, metric);
    return found ? found->dataCount() : 0;
}

QColor TrainingCharts::runColor(std::int64_t runId) const {
    const auto it = colours_.find(runId);
    return it == colours_.end() ? QColor() : kPalette[it->second];
}

bool TrainingCharts::takesMetric(std::int64_t runId, const QString& metric, qsizetype points) {
    if (isAccuracy(metric)) {
        return meanIouRuns_.count(runId) == 0;
    }
    if (metric != QLatin1String(kMeanIou) || points == 0 || meanIouRuns_.count(runId) != 0) {
        return true;
    }
    meanIouRuns_.insert(runId); // a segmentation run: its accuracies leave the plot
    bool removed = false;
    for (const char* accuracy : {"train_accuracy", "val_accuracy"}) {
        const auto found = series_.find({runId, QString::fromLatin1(accuracy)});
        if (found != series_.end()) {
            removeSeries(found);
            removed = true;
        }
    }
    if (removed) {
        dataChanged(kAccuracy);
    }
    return true;
}

QString TrainingCharts::accuracyTitle() const {
    bool accuracy = false;
    bool meanIou = false;
    for (const auto& [key, series] : series_) {
        if (series.chart == kAccuracy) {
            (key.second == QLatin1String(kMeanIou) ? meanIou : accuracy) = true;
        }
    }
    return meanIou && accuracy ? tr("Accuracy and mean IoU")
           : meanIou           ? tr("Mean IoU")
                               : tr(kCharts[kAccuracy].title);
}

QCustomPlot* TrainingCharts::plot(const QString& title) const {
    for (std::size_t i = 0; i < kCharts.size(); ++i) {
        if (title == QLatin1String(kCharts[i].title) || title == tr(kCharts[i].title)) {
            return charts_[i].plot;
        }
    }
    return nullptr;
}

QCPGraph* TrainingCharts::graph(std::int64_t runId, const QString& metric) const {
    const auto it = series_.find({runId, metric});
    return it == series_.end() ? nullptr : it->second.graph;
}

QStringList TrainingCharts::knownMetrics() {
    QStringList names;
    for (const MetricSpec& spec : kMetrics) {
        names << QString::fromLatin1(spec.name);
    }
    return names;
}

TrainingCharts::Series* TrainingCharts::findOrCreate(std::int64_t runId, const QString& metric) {
    const MetricSpec* spec = metricSpec(metric);
    const auto found = series_.find({runId, metric});
    if (found != series_.end()) {
        return &found->second;
    }
    ensureRun(runId);
    QCustomPlot* plot = charts_[spec->chart].plot;
    QCPGraph* graph = plot->addGraph();
    graph->setObjectName(QString("%1/%2").arg(runId).arg(metric));
    graph->setPen(penFor(spec->line, kPalette[colours_[runId]]));
    graph->setName(graphName(runId, metric));
    if (spec->line == Line::Batch) {
        graph->setLayer("batch");
        graph->removeFromLegend(); // recognisable as the pale noise; keeps the legend short
    }
    Series series;
    series.graph = graph;
    series.chart = spec->chart;
    return &series_.emplace(SeriesKey{runId, metric}, series).first->second;
}

void TrainingCharts::ensureRun(std::int64_t runId) {
    if (colours_.count(runId) != 0) {
        return;
    }
    // The least used colour among the runs shown, so that removing runs frees colours.
    std::array<int, kPalette.size()> uses{};
    for (const auto& entry : colours_) {
        ++uses[entry.second];
    }
    colours_[runId] =
        static_cast<std::size_t>(std::min_element(uses.begin(), uses.end()) - uses.begin());
}

QString TrainingCharts::graphName(std::int64_t runId, const QString& metric) const {
    const auto label = labels_.find(runId);
    const QString run =
        label == labels_.end() || label->second.isEmpty() ? tr("#%1").arg(runId) : label->second;
    const MetricSpec* spec = metricSpec(metric);
    return *spec->legend == '\0' ? run : tr("%1: %2").arg(run, tr(spec->legend));
}

} // namespace kestrel::widgets
