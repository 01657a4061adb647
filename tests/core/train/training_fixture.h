#pragma once

#include "dataset/importer.h"
#include "images.h"
#include "project/project.h"
#include "temp_dir.h"

#include <random>
#include <string>

#include <opencv2/core.hpp>

namespace kestrel::testing {

// A project with a task a small CNN learns in a few epochs and chance cannot pass: 16x16
// gray images whose bright half is the left ("left") or the right ("right"), with noise.
// Split folders fix the sizes: `perClass` train images per class, a quarter of that for
// val and test each.
inline Project makeLeftRightProject(const TempDir& dir, int perClass = 48) {
    const auto source = dir / "source";
    std::mt19937 random(11);
    std::normal_distribution<double> noise(0.0, 30.0);
    int written = 0;
    for (const char* split : {"train", "val", "test"}) {
        const int count = std::string(split) == "train" ? perClass : perClass / 4;
        for (const char* label : {"left", "right"}) {
            for (int i = 0; i < count; ++i) {
                cv::Mat image(16, 16, CV_8UC1);
                for (int y = 0; y < 16; ++y) {
                    for (int x = 0; x < 16; ++x) {
                        const bool bright = (x < 8) == (std::string(label) == "left");
                        const double value = (bright ? 170.0 : 85.0) + noise(random);
                        image.at<unsigned char>(y, x) = cv::saturate_cast<unsigned char>(value);
                    }
                }
                writeImage(source / split / label / (std::to_string(written++) + ".png"), image);
            }
        }
    }
    Project project = Project::create(dir / "project");
    dataset::importSource(project, source, {});
    return project;
}

} // namespace kestrel::testing
