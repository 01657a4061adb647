#pragma once

#include <cstddef>
#include <vector>

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>
#include <QTimer>

namespace kestrel::bench {

constexpr double kStallBudgetMs = 16.0; // one frame at 60 Hz
constexpr int kProbeIntervalMs = 1;

// The GUI thread's stalls during one phase.
struct StallStats {
    QString phase;
    double seconds = 0;
    std::size_t ticks = 0;
    double max = 0, p99 = 0, p95 = 0;
    std::size_t overBudget = 0;

    QJsonObject toJson() const;
};

// A 1 ms timer on the GUI thread: whatever keeps the thread from returning to its event loop
// shows as a late tick. A stall is the gap between two ticks minus the interval.
class StallProbe {
public:
    StallProbe(); // ticks from here on

    void begin(); // a new phase: earlier stalls are forgotten
    std::size_t mark() const { return stalls_.size(); }
    double maxSince(std::size_t mark) const;
    StallStats end(const QString& phase) const;

private:
    void tick();

    QTimer timer_;
    QElapsedTimer clock_;
    QElapsedTimer phase_;
    qint64 last_ = 0;
    std::vector<double> stalls_;
};

// Summaries of a list of times; 0 for an empty list.
double mean(const std::vector<double>& values);
double maxOf(const std::vector<double>& values);
double percentile(std::vector<double> values, double p); // nearest rank

} // namespace kestrel::bench
