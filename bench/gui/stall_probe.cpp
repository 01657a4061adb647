#include "stall_probe.h"

#include "timing.h"

#include <algorithm>

#include <QObject>

namespace kestrel::bench {

namespace {

// Nearest rank in an ascending, non-empty list.
double nearestRank(const std::vector<double>& sorted, double p) {
    const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size()));
    return sorted[std::min(index, sorted.size() - 1)];
}

} // namespace

QJsonObject StallStats::toJson() const {
    return {{"seconds", seconds},          {"ticks", static_cast<qint64>(ticks)},
            {"max_stall_ms", max},         {"p99_stall_ms", p99},
            {"p95_stall_ms", p95},         {"stalls_over_budget", static_cast<qint64>(overBudget)},
            {"budget_ms", kStallBudgetMs}, {"pass", max <= kStallBudgetMs}};
}

StallProbe::StallProbe() {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(kProbeIntervalMs);
    QObject::connect(&timer_, &QTimer::timeout, &timer_, [this] { tick(); });
    clock_.start();
    timer_.start();
}

void StallProbe::begin() {
    stalls_.clear();
    last_ = clock_.nsecsElapsed();
    phase_.start();
}

double StallProbe::maxSince(std::size_t mark) const {
    double worst = 0;
    for (std::size_t i = mark; i < stalls_.size(); ++i) {
        worst = std::max(worst, stalls_[i]);
    }
    return worst;
}

StallStats StallProbe::end(const QString& phase) const {
    StallStats stats;
    stats.phase = phase;
    stats.seconds = msSince(phase_) / 1000.0;
    stats.ticks = stalls_.size();
    if (stalls_.empty()) {
        return stats;
    }
    std::vector<double> sorted = stalls_;
    std::sort(sorted.begin(), sorted.end());
    stats.max = sorted.back();
    stats.p99 = nearestRank(sorted, 0.99);
    stats.p95 = nearestRank(sorted, 0.95);
    stats.overBudget = static_cast<std::size_t>(
        std::count_if(sorted.begin(), sorted.end(), [](double s) { return s > kStallBudgetMs; }));
    return stats;
}

void StallProbe::tick() {
    const qint64 now = clock_.nsecsElapsed();
    const double gap = static_cast<double>(now - last_) / 1e6;
    stalls_.push_back(std::max(0.0, gap - kProbeIntervalMs));
    last_ = now;
}

double mean(const std::vector<double>& values) {
    if (values.empty()) {
        return 0;
    }
    double sum = 0;
    for (const double v : values) {
        sum += v;
    }
    return sum / static_cast<double>(values.size());
}

double maxOf(const std::vector<double>& values) {
    return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    return nearestRank(values, p);
}

} // namespace kestrel::bench
