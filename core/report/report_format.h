#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kestrel::report {

// How the report writes numbers, the same everywhere in it.

// A fraction as a percentage with one decimal: 0.9375 -> "93.8 %" (with a plain space).
std::string formatPercent(double fraction);
// Four significant digits: 0.123456 -> "0.1235", 12.3456 -> "12.35".
std::string formatLoss(double value);
// Three decimals, for precision, recall and F1: 0.8 -> "0.800".
std::string formatScore(double value);
// A whole number with thousands separated by commas: 12345 -> "12,345".
std::string formatCount(std::int64_t count);
// Seconds for people: "42.0 s", "3 min 07 s", "2 h 05 min".
std::string formatDuration(double seconds);

// Seconds between two ISO-8601 UTC times as the store writes them
// ("2024-05-01T12:34:56.789Z"); negative when `to` is before `from`. None when either
// cannot be read.
std::optional<double> secondsBetween(const std::string& from, const std::string& to);

} // namespace kestrel::report
