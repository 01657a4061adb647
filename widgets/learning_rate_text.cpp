#include "learning_rate_text.h"

#include <cmath>

#include <QLocale>

namespace kestrel::widgets {

std::optional<double> parseLearningRate(const QString& text) {
    bool ok = false;
    double rate = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok) {
        rate = QLocale().toDouble(text.trimmed(), &ok); // "0,001" where that is the custom
    }
    if (!ok || !std::isfinite(rate) || rate <= 0 || rate > kMaxLearningRate) {
        return std::nullopt;
    }
    return rate;
}

QString formatLearningRate(double rate) {
    if (rate >= 1e-4) {
        return QString::number(rate, 'f', QLocale::FloatingPointShortest);
    }
    return QString::number(rate, 'g', QLocale::FloatingPointShortest).replace("e-0", "e-");
}

} // namespace kestrel::widgets
