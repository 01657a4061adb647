#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <QColor>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QAction;
class QCPAxisTickerText;
class QCPGraph;
class QCPItemText;
class QCPTextElement;
class QCustomPlot;
class QMenu;

namespace kestrel::widgets {

// Live training curves against epochs in four plots (loss, accuracy, learning rate, images per
// second), one colour per run so that several runs overlay. Built for long runs: appends only
// touch the new points, axis ranges come from extremes tracked on the way in, and repaints are
// queued so that a burst of appends costs one replot per event-loop pass.
//
// The x axes of the four plots move together. While the user has not zoomed or panned, the plots
// follow the data; wheel, drag or the keyboard stop that, and a double-click or "Fit all" resumes.
class TrainingCharts : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCharts(QWidget* parent = nullptr);
    ~TrainingCharts() override;

    void setRunLabel(std::int64_t runId, const QString& label); // legend text, e.g. "#12 resnet18"
    // Replaces the series; empty data removes it. Unknown metric names are ignored.
    void setSeries(std::int64_t runId, const QString& metric, const QVector<double>& x,
                   const QVector<double>& y);
    // Adds points after (or among) those already there; x and y pair up to the shorter length.
    void appendPoints(std::int64_t runId, const QString& metric, const QVector<double>& x,
                      const QVector<double>& y);
    void removeRun(std::int64_t runId);
    void clear();

    std::vector<std::int64_t> runs() const; // ascending
    int pointCount(std::int64_t runId, const QString& metric) const;
    QColor runColor(std::int64_t runId) const; // invalid when the run is unknown
    // "Loss", "Accuracy", "Learning rate" or "Images per second"; nullptr for anything else.
    QCustomPlot* plot(const QString& title) const;
    // The accuracy plot's title as shown: "Accuracy"; "Mean IoU" when it shows segmentation
    // runs only (a run with val_miou shows it there instead of its pixel accuracies); or
    // "Accuracy and mean IoU" for both kinds.
    QString accuracyTitle() const;
    QCPGraph* graph(std::int64_t runId, const QString& metric) const; // nullptr when absent
    bool logScaleLoss() const { return logScaleLoss_; }
    bool followsData() const { return following_; }

    static QStringList knownMetrics();

public slots:
    void fitAll(); // shows all data and follows new data again
    void setLogScaleLoss(bool on);
    void setLegendsShown(bool on);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Series {
        QCPGraph* graph = nullptr;
        std::size_t chart = 0;
        // Extremes of the finite points, kept up to date on append so that fitting never scans.
        double xMin = 0, xMax = 0, yMin = 0, yMax = 0;
        double yMinPositive = 0; // for the log scale; 0 when no point is positive
        bool hasPoints = false;
    };
    struct Chart {
        QCustomPlot* plot = nullptr;
        QCPItemText* emptyText = nullptr;
        QCPTextElement* title = nullptr;
        bool fixedY = false;     // accuracy: always 0–100 %, so that runs compare at a glance
        bool logCapable = false; // loss: follows "Log scale loss"
    };
    using SeriesKey = std::pair<std::int64_t, QString>;

    QCustomPlot* makePlot(std::size_t index);
    void buildActions();
    Series* findOrCreate(std::int64_t runId, const QString& metric);
    // Whether `metric`'s points for the run go in: a run's first val_miou points make it a
    // segmentation run, whose accuracies are then left out (and removed if shown).
    bool takesMetric(std::int64_t runId, const QString& metric, qsizetype points);
    static void extendExtremes(Series& series, const QVector<double>& x, const QVector<double>& y);
    void ensureRun(std::int64_t runId);
    QString graphName(std::int64_t runId, const QString& metric) const;
    void removeSeries(std::map<SeriesKey, Series>::iterator it);
    void dataChanged(std::size_t chart);
    void fitX();
    void fitY(std::size_t chart, bool visibleOnly);
    void userMovedX(std::size_t source);
    bool keyPressed(std::size_t chart, int key);
    void updateChrome(std::size_t chart);
    // The accuracy axis's labels, 0% to 100% every `step` percent.
    static void setPercentTicks(QCPAxisTickerText& ticker, int step);
    void replotAll();

    std::vector<Chart> charts_;
    std::map<SeriesKey, Series> series_;
    std::map<std::int64_t, QString> labels_;
    std::map<std::int64_t, std::size_t> colours_; // palette index per run
    std::set<std::int64_t> meanIouRuns_;          // runs with val_miou: segmentation
    bool following_ = true;
    bool settingRanges_ = false; // our own range changes are not the user's
    bool logScaleLoss_ = false;
    bool legendsShown_ = true;

    QAction* fitAction_ = nullptr;
    QAction* logAction_ = nullptr;
    QAction* legendAction_ = nullptr;
    QMenu* contextMenu_ = nullptr;
};

} // namespace kestrel::widgets
