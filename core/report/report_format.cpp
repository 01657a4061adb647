#include "report/report_format.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

namespace kestrel::report {

namespace {

// Fixed decimals, or (decimals < 0) that many significant digits as %g writes them; in the
// "C" locale whatever the process's, so a report reads the same everywhere.
std::string printed(double value, int digits, bool significant) {
    std::ostringstream text;
    text.imbue(std::locale::classic());
    if (!significant) {
        text << std::fixed;
    }
    text << std::setprecision(digits) << value;
    return text.str();
}

std::optional<double> unixSeconds(const std::string& iso) {
    std::tm time{};
    double secondsField = 0;
    // %lf takes the fraction too; the store writes UTC with a trailing Z.
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf", &time.tm_year, &time.tm_mon,
                    &time.tm_mday, &time.tm_hour, &time.tm_min, &secondsField) != 6) {
        return std::nullopt;
    }
    time.tm_year -= 1900;
    time.tm_mon -= 1;
    return static_cast<double>(timegm(&time)) + secondsField;
}

} // namespace

std::string formatPercent(double fraction) {
    return printed(100 * fraction, 1, false) + " %";
}

std::string formatLoss(double value) {
    return printed(value, 4, true);
}

std::string formatScore(double value) {
    return printed(value, 3, false);
}

std::string formatCount(std::int64_t count) {
    const std::string digits = std::to_string(count < 0 ? -count : count);
    std::string text;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            text += ',';
        }
        text += digits[i];
    }
    return (count < 0 ? "-" : "") + text;
}

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) {
        return "-";
    }
    if (seconds < 60) {
        return printed(seconds, 1, false) + " s";
    }
    const auto whole = static_cast<long long>(std::llround(seconds));
    char buffer[64];
    if (whole < 3600) {
        std::snprintf(buffer, sizeof buffer, "%lld min %02lld s", whole / 60, whole % 60);
    } else {
        std::snprintf(buffer, sizeof buffer, "%lld h %02lld min", whole / 3600,
                      (whole % 3600) / 60);
    }
    return buffer;
}

std::optional<double> secondsBetween(const std::string& from, const std::string& to) {
    const auto start = unixSeconds(from);
    const auto end = unixSeconds(to);
    if (!start || !end) {
        return std::nullopt;
    }
    return *end - *start;
}

} // namespace kestrel::report
