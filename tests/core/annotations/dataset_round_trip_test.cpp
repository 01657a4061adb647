// Importing an export gives back the same samples, classes, splits and shapes, for every
// format and several generated datasets: the contract that lets a project travel to another
// tool and back.
#include "annotations/rle.h"
#include "annotations/shape.h"
#include "dataset/dataset_export.h"
#include "dataset/importer.h"
#include "images.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/sample_repository.h"
#include "temp_dir.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kestrel::dataset {
namespace {

namespace fs = std::filesystem;
using annotations::Box;
using annotations::Point;
using annotations::Shape;
using annotations::ShapeKind;

// A shape as compared after a trip: kind, class name, and its geometry.
struct Seen {
    ShapeKind kind;
    std::string className;
    Shape shape;
};

struct Snapshot {
    std::set<std::string> classes;
    // by content hash: split and shapes
    std::map<std::string, std::pair<std::string, std::vector<Seen>>> samples;
};

Snapshot snapshot(Project& project) {
    store::SampleRepository samples(project.database());
    store::AnnotationRepository shapes(project.database());
    std::map<std::int64_t, std::string> names;
    Snapshot result;
    for (const store::ClassRow& row : samples.classes()) {
        names[row.id] = row.name;
        result.classes.insert(row.name);
    }
    auto all = shapes.allShapes();
    for (const store::SampleRow& row : samples.samples()) {
        std::vector<Seen> seen;
        for (Shape& shape : all[row.id]) {
            if (shape.kind == ShapeKind::Mask && !shape.maskFile.empty()) {
                const cv::Mat mask =
                    cv::imread(project.absolutePath(shape.maskFile).string(), cv::IMREAD_GRAYSCALE);
                shape.mask = annotations::encodeMask(mask.data, mask.cols, mask.rows, mask.step);
                shape.maskFile.clear();
            }
            seen.push_back({shape.kind, names[shape.classId], shape});
        }
        std::sort(seen.begin(), seen.end(), [](const Seen& a, const Seen& b) {
            const Box ba = annotations::boundsOf(a.shape);
            const Box bb = annotations::boundsOf(b.shape);
            return std::tie(a.kind, a.className, ba.x, ba.y) <
                   std::tie(b.kind, b.className, bb.x, bb.y);
        });
        result.samples[row.contentHash] = {row.split, std::move(seen)};
    }
    return result;
}

// A project of `count` images of several sizes and kinds (gray and colour, PNG and JPEG,
// lighting gradients and noise), three classes (one never used), and per image 0-3 boxes,
// 0-2 polygons and 0-1 masks at fractional coordinates, some touching the border.
void buildProject(Project& project, const fs::path& images, unsigned seed, int count) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int i = 0; i < count; ++i) {
        const int width = 40 + static_cast<int>(random() % 50);
        const int height = 30 + static_cast<int>(random() % 40);
        cv::Mat image = kestrel::testing::patternImage(width, height, i % 3 ? CV_8UC3 : CV_8UC1,
                                                       seed * 100 + static_cast<unsigned>(i));
        const std::string name = "part_" + std::to_string(i) + (i % 4 == 3 ? ".jpg" : ".png");
        // Two folders with the same file names: the export must keep them apart.
        kestrel::testing::writeImage(images / (i % 2 ? "line_a" : "line_b") / name, image);
    }
    ImportOptions options;
    options.format = ImportFormat::Folder;
    importSource(project, images, options);

    store::SampleRepository samples(project.database());
    std::vector<std::int64_t> classIds;
    for (const char* name : {"scratch", "dent", "unused"}) {
        store::ClassRow row;
        row.name = name;
        classIds.push_back(samples.addClass(row));
    }
    store::AnnotationRepository shapes(project.database());
    for (const store::SampleRow& row : samples.samples()) {
        const double w = row.width;
        const double h = row.height;
        const int boxes = static_cast<int>(random() % 4);
        for (int b = 0; b < boxes; ++b) {
            Shape box;
            box.classId = classIds[random() % 2];
            const double x = std::floor(unit(random) * (w - 6) * 4) / 4;
            const double y = std::floor(unit(random) * (h - 6) * 4) / 4;
            box.box = {x, y, std::min(w - x, 2 + std::floor(unit(random) * 20)),
                       std::min(h - y, 2 + std::floor(unit(random) * 15))};
            if (b == 2) {
                box.box = {0, 0, w, 5}; // along the whole top border
            }
            shapes.insert(row.id, box);
        }
        const int polygons = static_cast<int>(random() % 3);
        for (int p = 0; p < polygons; ++p) {
            Shape polygon;
            polygon.kind = ShapeKind::Polygon;
            polygon.classId = classIds[random() % 2];
            const double cx = 8 + unit(random) * (w - 16);
            const double cy = 8 + unit(random) * (h - 16);
            for (int k = 0; k < 5; ++k) {
                const double angle = k * 2 * 3.14159265 / 5;
                const double radius = 3 + unit(random) * 4;
                polygon.points.push_back({std::round((cx + radius * std::cos(angle)) * 8) / 8,
                                          std::round((cy + radius * std::sin(angle)) * 8) / 8});
            }
            shapes.insert(row.id, polygon);
        }
        if (random() % 2) {
            cv::Mat mask = cv::Mat::zeros(row.height, row.width, CV_8UC1);
            cv::ellipse(mask, {row.width / 2, row.height / 2}, {row.width / 5, row.height / 6},
                        unit(random) * 180, 0, 360, 255, cv::FILLED);
            Shape blob;
            blob.kind = ShapeKind::Mask;
            blob.classId = classIds[1];
            blob.mask = annotations::encodeMask(mask.data, mask.cols, mask.rows, mask.step);
            shapes.insert(row.id, blob);
        }
    }
}

// What the shapes become in a format: COCO holds them all; VOC holds boxes, so polygons and
// masks travel as their bounds; YOLO holds boxes and polygons, so masks travel as outlines.
std::vector<Seen> expectedAfterTrip(const std::vector<Seen>& shapes, ExportFormat format) {
    std::vector<Seen> expected;
    for (const Seen& seen : shapes) {
        if (format == ExportFormat::Voc && seen.kind != ShapeKind::Box) {
            Shape box;
            box.box = annotations::boundsOf(seen.shape);
            expected.push_back({ShapeKind::Box, seen.className, box});
        } else if (format == ExportFormat::Yolo && seen.kind == ShapeKind::Mask) {
            for (std::vector<Point>& outline : annotations::maskOutlines(seen.shape.mask)) {
                Shape polygon;
                polygon.kind = ShapeKind::Polygon;
                polygon.points = std::move(outline);
                expected.push_back({ShapeKind::Polygon, seen.className, polygon});
            }
        } else {
            expected.push_back(seen);
        }
    }
    return expected;
}

bool sameShape(const Seen& a, const Seen& b) {
    if (a.kind != b.kind || a.className != b.className) {
        return false;
    }
    const auto near = [](double x, double y) {
        return std::abs(x - y) <= 0.5;
    };
    switch (a.kind) {
    case ShapeKind::Mask:
        return a.shape.mask == b.shape.mask;
    case ShapeKind::Polygon:
        if (a.shape.points.size() != b.shape.points.size()) {
            return false;
        }
        for (std::size_t k = 0; k < a.shape.points.size(); ++k) {
            if (!near(a.shape.points[k].x, b.shape.points[k].x) ||
                !near(a.shape.points[k].y, b.shape.points[k].y)) {
                return false;
            }
        }
        return true;
    case ShapeKind::Box:
        return near(a.shape.box.x, b.shape.box.x) && near(a.shape.box.y, b.shape.box.y) &&
               near(a.shape.box.right(), b.shape.box.right()) &&
               near(a.shape.box.bottom(), b.shape.box.bottom());
    }
    return false;
}

// Every expected shape matches one shape that came back, and nothing else came back.
void expectSameShapes(const std::vector<Seen>& expected, const std::vector<Seen>& actual,
                      const std::string& sample) {
    EXPECT_EQ(expected.size(), actual.size()) << sample;
    std::vector<bool> used(actual.size(), false);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        bool found = false;
        for (std::size_t j = 0; j < actual.size() && !found; ++j) {
            if (!used[j] && sameShape(expected[i], actual[j])) {
                used[j] = found = true;
            }
        }
        const Box bounds = annotations::boundsOf(expected[i].shape);
        EXPECT_TRUE(found) << sample << ": the " << annotations::kindName(expected[i].kind)
                           << " of class '" << expected[i].className << "' at (" << bounds.x << ", "
                           << bounds.y << ", " << bounds.width << " x " << bounds.height
                           << ") did not come back";
    }
}

ImportFormat importFormatFor(ExportFormat format) {
    switch (format) {
    case ExportFormat::Coco:
        return ImportFormat::Coco;
    case ExportFormat::Yolo:
        return ImportFormat::Yolo;
    case ExportFormat::Voc:
        return ImportFormat::Voc;
    case ExportFormat::MvTec:
        return ImportFormat::MvTec;
    }
    return ImportFormat::Auto;
}

class DatasetRoundTrip : public ::testing::TestWithParam<std::tuple<ExportFormat, unsigned>> {};

TEST_P(DatasetRoundTrip, ImportingAnExportGivesBackSamplesClassesSplitsAndShapes) {
    const auto [format, seed] = GetParam();
    if (format == ExportFormat::MvTec) {
        GTEST_SKIP() << "MVTec keeps one mask per image, checked by MvTecExport";
    }
    kestrel::testing::TempDir dir;
    Project original = Project::create(dir / "original");
    buildProject(original, dir / "images", seed, 14);

    DatasetExportOptions options;
    options.format = format;
    options.folder = dir / "export";
    const ExportReport report = exportDataset(original, options);
    EXPECT_EQ(report.images, 14u);

    Project copy = Project::create(dir / "copy");
    ImportOptions importOptions; // auto: the layout alone must say which format it is
    const ImportReport imported = importSource(copy, options.folder, importOptions);
    EXPECT_EQ(imported.format, importFormatFor(format));
    EXPECT_EQ(imported.added, 14u);
    EXPECT_TRUE(imported.problems.empty()) << imported.problems.front();

    const Snapshot before = snapshot(original);
    const Snapshot after = snapshot(copy);
    EXPECT_EQ(before.classes, after.classes);
    ASSERT_EQ(before.samples.size(), after.samples.size());
    for (const auto& [hash, expected] : before.samples) {
        const auto found = after.samples.find(hash);
        ASSERT_NE(found, after.samples.end()) << "a sample did not come back";
        EXPECT_EQ(expected.first, found->second.first) << "split of " << hash;
        expectSameShapes(expectedAfterTrip(expected.second, format), found->second.second, hash);
    }
}

INSTANTIATE_TEST_SUITE_P(
    EveryFormat, DatasetRoundTrip,
    ::testing::Combine(::testing::Values(ExportFormat::Coco, ExportFormat::Yolo, ExportFormat::Voc),
                       ::testing::Values(1u, 2u, 3u)));

TEST(MvTecExport, MasksComeBackPixelForPixelAsTheUnionOfTheShapes) {
    kestrel::testing::TempDir dir;
    Project original = Project::create(dir / "original");
    buildProject(original, dir / "images", 7, 10);
    DatasetExportOptions options;
    options.format = ExportFormat::MvTec;
    options.folder = dir / "export";
    exportDataset(original, options);

    Project copy = Project::create(dir / "copy");
    const ImportReport imported = importSource(copy, options.folder, ImportOptions{});
    EXPECT_EQ(imported.format, ImportFormat::MvTec);
    EXPECT_EQ(imported.added, 10u);

    const Snapshot before = snapshot(original);
    const Snapshot after = snapshot(copy);
    std::size_t compared = 0;
    for (const auto& [hash, expected] : before.samples) {
        const auto& back = after.samples.at(hash).second;
        if (expected.second.empty()) {
            EXPECT_TRUE(back.empty());
            continue;
        }
        ASSERT_EQ(back.size(), 1u);
        // Every shape's pixels are set in the mask that came back.
        const std::vector<std::uint8_t> union_ = annotations::decodeMask(back[0].shape.mask);
        for (const Seen& seen : expected.second) {
            if (seen.kind == ShapeKind::Mask) {
                const std::vector<std::uint8_t> own = annotations::decodeMask(seen.shape.mask);
                for (std::size_t p = 0; p < own.size(); ++p) {
                    ASSERT_TRUE(own[p] == 0 || union_[p] != 0) << hash;
                }
                ++compared;
            }
        }
    }
    EXPECT_GT(compared, 0u);
}

} // namespace
} // namespace kestrel::dataset
