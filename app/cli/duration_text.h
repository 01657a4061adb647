#pragma once

#include <cstdio>
#include <string>

namespace kestrel::cli {

// A duration for progress lines: "4m07s", or "1h12m" from an hour on.
inline std::string durationText(double seconds) {
    const auto total = static_cast<long>(seconds + 0.5);
    char text[32];
    if (total >= 3600) {
        std::snprintf(text, sizeof text, "%ldh%02ldm", total / 3600, (total / 60) % 60);
    } else {
        std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
    }
    return text;
}

} // namespace kestrel::cli
