#pragma once

#include <cstdint>

namespace kestrel {

// A project's sample counts, defined once for `kestrel-cli info`, the window's overview and
// its status bar. Samples are the readable files, each labelled or unlabelled; a file that
// could not be decoded counts only as unreadable, even when its folder gave it a class.
struct SampleTally {
    std::int64_t samples = 0;
    std::int64_t labelled = 0;
    std::int64_t unreadable = 0;

    std::int64_t unlabelled() const { return samples - labelled; }

    void add(bool readable, bool hasClass) {
        if (!readable) {
            ++unreadable;
            return;
        }
        ++samples;
        labelled += hasClass ? 1 : 0;
    }
};

} // namespace kestrel
