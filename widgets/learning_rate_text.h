#pragma once

#include <optional>

#include <QString>

namespace kestrel::widgets {

// The highest learning rate the training settings accept; larger ones are typing mistakes.
inline constexpr double kMaxLearningRate = 10;

// A rate typed as "0.001", "3e-4" or in the user's locale ("0,001"); empty unless it is a
// number above 0 and at most kMaxLearningRate.
std::optional<double> parseLearningRate(const QString& text);

// "0.0003" rather than "3e-04"; only tiny rates use an exponent, written as people type it.
QString formatLearningRate(double rate);

} // namespace kestrel::widgets
