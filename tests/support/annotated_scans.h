#pragma once

// For the format tests: looking into what a dataset scan found, and samples to write.
#include "dataset/annotation_sources.h"
#include "dataset/dataset_writers.h"
#include "images.h"
#include "temp_dir.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace kestrel::testing {

// The item of the image called `fileName`; throws when the scan has none.
inline const dataset::ImportItem& itemNamed(const dataset::AnnotatedScan& scan,
                                            const std::string& fileName) {
    const auto it =
        std::find_if(scan.items.begin(), scan.items.end(),
                     [&](const dataset::ImportItem& i) { return i.file.filename() == fileName; });
    if (it == scan.items.end()) {
        throw std::runtime_error("no item " + fileName);
    }
    return *it;
}

// Whether a problem sentence holds both `a` and `b` (the file and the place, say).
inline bool anyProblemHas(const dataset::AnnotatedScan& scan, const std::string& a,
                          const std::string& b = "") {
    return std::any_of(scan.problems.begin(), scan.problems.end(), [&](const std::string& p) {
        return p.find(a) != std::string::npos && p.find(b) != std::string::npos;
    });
}

// A sample to export: a generated image `source/src-<fileName>` of the given size.
inline dataset::ExportSample sampleOf(const TempDir& source, const std::string& fileName, int width,
                                      int height, const std::string& split, unsigned seed) {
    dataset::ExportSample sample;
    sample.file = source / ("src-" + fileName);
    writeImage(sample.file, width, height, seed);
    sample.fileName = fileName;
    sample.width = width;
    sample.height = height;
    sample.split = split;
    return sample;
}

// Within half a pixel, the round-trip tolerance.
inline void expectNear(const annotations::Box& actual, const annotations::Box& expected) {
    EXPECT_NEAR(actual.x, expected.x, 0.5);
    EXPECT_NEAR(actual.y, expected.y, 0.5);
    EXPECT_NEAR(actual.width, expected.width, 0.5);
    EXPECT_NEAR(actual.height, expected.height, 0.5);
}

} // namespace kestrel::testing
