#include "annotated_scans.h"
#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/annotation_sources.h"
#include "dataset/dataset_writers.h"
#include "files.h"
#include "images.h"
#include "temp_dir.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace kestrel::dataset {
namespace {

namespace fs = std::filesystem;
using annotations::Box;
using annotations::LabelledShape;
using annotations::Point;
using annotations::Shape;
using annotations::ShapeKind;
using testing::anyProblemHas;
using testing::expectNear;
using testing::itemNamed;
using testing::sampleOf;
using testing::TempDir;
using testing::writeBytes;
using testing::writeImage;

TEST(YoloScan, ReadsBoxesAndPolygonsInSplitFoldersWithDataYamlList) {
    TempDir dir;
    writeBytes(dir / "data.yaml", "path: .\ntrain: images/train\nval: images/valid\n"
                                  "names: [scratch, dent]\n");
    writeImage(dir / "images/train/a.png", 40, 20, 1);
    writeImage(dir / "images/valid/b.jpg", 30, 30, 2);
    writeBytes(dir / "labels/train/a.txt", "0 0.5 0.5 0.2 0.4\n\n1 0.1 0.1 0.9 0.1 0.5 0.8\n");
    writeBytes(dir / "labels/valid/b.txt", "");

    const AnnotatedScan scan = scanYolo(dir.path());
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"scratch", "dent"}));
    EXPECT_TRUE(scan.problems.empty());
    ASSERT_EQ(scan.items.size(), 2u);

    const ImportItem& a = itemNamed(scan, "a.png");
    EXPECT_EQ(a.file, dir / "images/train/a.png");
    EXPECT_EQ(a.split, "train");
    EXPECT_TRUE(a.shapesNormalised);
    EXPECT_EQ(a.annotationFile, "labels/train/a.txt");
    ASSERT_EQ(a.shapes.size(), 2u);
    const Shape& box = a.shapes[0].labelled.shape;
    EXPECT_EQ(a.shapes[0].labelled.className, "scratch");
    EXPECT_EQ(a.shapes[0].where, "labels/train/a.txt line 1");
    EXPECT_EQ(box.kind, ShapeKind::Box);
    EXPECT_EQ(box.source, "import");
    EXPECT_DOUBLE_EQ(box.box.x, 0.4);
    EXPECT_DOUBLE_EQ(box.box.y, 0.3);
    EXPECT_DOUBLE_EQ(box.box.width, 0.2);
    EXPECT_DOUBLE_EQ(box.box.height, 0.4);
    const Shape& polygon = a.shapes[1].labelled.shape;
    EXPECT_EQ(a.shapes[1].labelled.className, "dent");
    EXPECT_EQ(a.shapes[1].where, "labels/train/a.txt line 3");
    EXPECT_EQ(polygon.kind, ShapeKind::Polygon);
    EXPECT_EQ(polygon.points, (std::vector<Point>{{0.1, 0.1}, {0.9, 0.1}, {0.5, 0.8}}));

    const ImportItem& b = itemNamed(scan, "b.jpg");
    EXPECT_EQ(b.split, "val");
    EXPECT_TRUE(b.shapes.empty());
}

// Ultralytics and Roboflow export each split as its own folder of images/ and labels/.
TEST(YoloScan, ReadsSplitFoldersEachHoldingImagesAndLabels) {
    TempDir dir;
    writeBytes(dir / "data.yaml", "train: ../train/images\nval: ../valid/images\n"
                                  "nc: 2\nnames: ['scratch', 'dent']\n");
    writeImage(dir / "train/images/a.jpg", 40, 20, 1);
    writeBytes(dir / "train/labels/a.txt", "1 0.5 0.5 0.2 0.4\n");
    writeImage(dir / "valid/images/b.png", 30, 30, 2);
    writeBytes(dir / "valid/labels/b.txt", "0 0.1 0.1 0.9 0.1 0.5 0.8\n");
    writeBytes(dir / "valid/labels/gone.txt", "0 0.5 0.5 0.1 0.1\n");
    writeBytes(dir / "README.roboflow.txt", "exported");

    EXPECT_EQ(detectFormat(dir.path()), ImportFormat::Yolo);
    const AnnotatedScan scan = scanYolo(dir.path());
    ASSERT_EQ(scan.items.size(), 2u);
    const ImportItem& a = itemNamed(scan, "a.jpg");
    EXPECT_EQ(a.split, "train");
    EXPECT_EQ(a.annotationFile, "train/labels/a.txt");
    ASSERT_EQ(a.shapes.size(), 1u);
    EXPECT_EQ(a.shapes[0].labelled.className, "dent");
    EXPECT_EQ(a.shapes[0].where, "train/labels/a.txt line 1");
    const ImportItem& b = itemNamed(scan, "b.png");
    EXPECT_EQ(b.split, "val");
    ASSERT_EQ(b.shapes.size(), 1u);
    EXPECT_EQ(b.shapes[0].labelled.shape.kind, ShapeKind::Polygon);
    ASSERT_EQ(scan.problems.size(), 1u);
    EXPECT_TRUE(anyProblemHas(scan, "valid/labels/gone.txt", "valid/images/"));
}

TEST(YoloScan, ReadsDataYamlMapOfIndexToName) {
    TempDir dir;
    writeBytes(dir / "data.yaml", "names:\n  1: dent\n  0: scratch\n  2: 'hole, round'\n");
    writeImage(dir / "images/a.png", 10, 10, 1);
    writeBytes(dir / "labels/a.txt", "2 0.5 0.5 0.5 0.5\n");
    const AnnotatedScan scan = scanYolo(dir.path());
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"scratch", "dent", "hole, round"}));
    ASSERT_EQ(scan.items.size(), 1u);
    EXPECT_FALSE(scan.items[0].split.has_value());
    ASSERT_EQ(scan.items[0].shapes.size(), 1u);
    EXPECT_EQ(scan.items[0].shapes[0].labelled.className, "hole, round");
}

TEST(YoloScan, ReadsClassesTxtAndGivesImagesWithoutLabelsNoShapes) {
    TempDir dir;
    writeBytes(dir / "classes.txt", "good\r\nbad\r\n");
    writeImage(dir / "images/test/a.png", 10, 10, 1);
    writeImage(dir / "images/test/b.png", 10, 10, 2);
    writeBytes(dir / "labels/test/a.txt", "1 0.5 0.5 1 1\n");
    const AnnotatedScan scan = scanYolo(dir.path());
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"good", "bad"}));
    EXPECT_TRUE(scan.problems.empty());
    ASSERT_EQ(scan.items.size(), 2u);
    EXPECT_EQ(itemNamed(scan, "a.png").shapes.size(), 1u);
    EXPECT_EQ(itemNamed(scan, "a.png").split, "test");
    EXPECT_TRUE(itemNamed(scan, "b.png").shapes.empty());
    EXPECT_TRUE(itemNamed(scan, "b.png").annotationFile.empty());
}

TEST(YoloScan, ThrowsNamingTheFolderWhenNoClassFileExists) {
    TempDir dir;
    writeImage(dir / "images/a.png", 10, 10, 1);
    try {
        scanYolo(dir.path());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("classes.txt"), std::string::npos) << e.what();
    }
}

TEST(YoloScan, ReportsEveryBadLineByFileAndLineAndLeavesItsShapeOut) {
    TempDir dir;
    writeBytes(dir / "classes.txt", "a\nb\nc\n");
    writeImage(dir / "images/train/a.png", 10, 10, 1);
    writeBytes(dir / "labels/train/a.txt", "0 0.5 0.5 0.2 0.2\n"           // 1 fine
                                           "x 0.5 0.5 0.2 0.2\n"           // 2 class not int
                                           "1.5 0.5 0.5 0.2 0.2\n"         // 3 class not int
                                           "3 0.5 0.5 0.2 0.2\n"           // 4 out of range
                                           "0 0.5 0.5 0.2\n"               // 5 wrong count
                                           "0 0.5 0.5 0.2 0.2 0.3\n"       // 6 wrong count
                                           "0 0.5 abc 0.2 0.2\n"           // 7 not a number
                                           "1 0.5 0.5\n"                   // 8 one-point polygon
                                           "0 0.95 0.5 0.2 0.2\n"          // 9 box outside
                                           "2 0.1 0.1 1.2 0.1 0.5 0.5\n"   // 10 point outside
                                           "-1 0.5 0.5 0.2 0.2\n"          // 11 out of range
                                           "2 0.1 0.1 0.9 0.1 0.5 0.5\n"); // 12 fine
    const AnnotatedScan scan = scanYolo(dir.path());
    ASSERT_EQ(scan.items.size(), 1u);
    const auto& shapes = scan.items[0].shapes;
    ASSERT_EQ(shapes.size(), 2u);
    EXPECT_EQ(shapes[0].where, "labels/train/a.txt line 1");
    EXPECT_EQ(shapes[1].where, "labels/train/a.txt line 12");
    EXPECT_EQ(scan.problems.size(), 10u);
    for (int line = 2; line <= 11; ++line) {
        EXPECT_TRUE(anyProblemHas(scan, "labels/train/a.txt line " + std::to_string(line) + ":"))
            << "line " << line;
    }
    EXPECT_TRUE(anyProblemHas(scan, "line 2:", "not an integer"));
    EXPECT_TRUE(anyProblemHas(scan, "line 3:", "not an integer"));
    EXPECT_TRUE(anyProblemHas(scan, "line 4:", "0 to 2"));
    EXPECT_TRUE(anyProblemHas(scan, "line 5:", "found 4"));
    EXPECT_TRUE(anyProblemHas(scan, "line 6:", "found 6"));
    EXPECT_TRUE(anyProblemHas(scan, "line 7:", "\"abc\" is not a number"));
    EXPECT_TRUE(anyProblemHas(scan, "line 8:", "at least 3 points"));
    EXPECT_TRUE(anyProblemHas(scan, "line 9:", "outside the image"));
    EXPECT_TRUE(anyProblemHas(scan, "line 10:", "outside the image"));
    EXPECT_TRUE(anyProblemHas(scan, "line 11:", "0 to 2"));
}

TEST(YoloScan, ReportsALabelFileWithoutAnImage) {
    TempDir dir;
    writeBytes(dir / "classes.txt", "a\n");
    writeImage(dir / "images/val/a.png", 10, 10, 1);
    writeBytes(dir / "labels/val/a.txt", "0 0.5 0.5 0.2 0.2\n");
    writeBytes(dir / "labels/val/ghost.txt", "0 0.5 0.5 0.2 0.2\n");
    writeBytes(dir / "labels/classes.txt", "a\n"); // LabelImg's copy: no image expected
    const AnnotatedScan scan = scanYolo(dir.path());
    ASSERT_EQ(scan.problems.size(), 1u);
    EXPECT_NE(scan.problems[0].find("labels/val/ghost.txt"), std::string::npos) << scan.problems[0];
    EXPECT_EQ(scan.items.size(), 1u);
}

TEST(YoloScan, ThrowsNamingTheLineOfMalformedDataYaml) {
    TempDir dir;
    writeBytes(dir / "data.yaml", "path: .\nnames: [a, b\n");
    writeImage(dir / "images/a.png", 10, 10, 1);
    try {
        scanYolo(dir.path());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("data.yaml"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("line"), std::string::npos) << e.what();
    }
}

LabelledShape boxShape(const std::string& className, Box box) {
    LabelledShape labelled;
    labelled.className = className;
    labelled.shape.kind = ShapeKind::Box;
    labelled.shape.box = box;
    return labelled;
}

LabelledShape polygonShape(const std::string& className, std::vector<Point> points) {
    LabelledShape labelled;
    labelled.className = className;
    labelled.shape.kind = ShapeKind::Polygon;
    labelled.shape.points = std::move(points);
    return labelled;
}

TEST(YoloRoundTrip, WriteThenScanGivesTheSameShapesClassesAndSplits) {
    TempDir source;
    TempDir out;
    ExportDataset dataset;
    dataset.classNames = {"scratch", "dent", "spot"};
    ExportSample a = sampleOf(source, "a.png", 64, 48, "train", 1);
    a.shapes.push_back(boxShape("dent", {3.25, 4.5, 20, 10.75}));
    a.shapes.push_back(polygonShape("spot", {{1, 2}, {60.5, 2}, {30, 47}}));
    ExportSample b = sampleOf(source, "b.jpg", 32, 32, "val", 2);
    b.shapes.push_back(boxShape("scratch", {0, 0, 32, 32}));
    ExportSample c = sampleOf(source, "c.png", 16, 16, "", 3);
    dataset.samples = {a, b, c};

    const ExportReport report = writeYolo(dataset, out.path());
    EXPECT_EQ(report.images, 3u);
    EXPECT_EQ(report.boxes, 2u);
    EXPECT_EQ(report.polygons, 1u);
    EXPECT_TRUE(report.notes.empty());
    EXPECT_TRUE(fs::is_regular_file(out / "images/train/a.png"));
    EXPECT_TRUE(fs::is_regular_file(out / "labels/val/b.txt"));
    EXPECT_TRUE(fs::is_regular_file(out / "images/c.png"));
    EXPECT_EQ(testing::readBytes(out / "images/val/b.jpg"), testing::readBytes(b.file));
    const std::string yaml = testing::readBytes(out / "data.yaml");
    EXPECT_NE(yaml.find("train: images/train"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("val: images/val"), std::string::npos) << yaml;
    EXPECT_EQ(yaml.find("test:"), std::string::npos) << yaml;
    EXPECT_EQ(testing::readBytes(out / "classes.txt"), "scratch\ndent\nspot\n");

    // data.yaml wins over classes.txt; check both name the classes in order.
    const AnnotatedScan scan = scanYolo(out.path());
    EXPECT_EQ(scan.classNames, dataset.classNames);
    fs::remove(out / "data.yaml");
    EXPECT_EQ(scanYolo(out.path()).classNames, dataset.classNames);

    EXPECT_TRUE(scan.problems.empty());
    ASSERT_EQ(scan.items.size(), 3u);
    const ImportItem& readA = itemNamed(scan, "a.png");
    EXPECT_EQ(readA.split, "train");
    ASSERT_EQ(readA.shapes.size(), 2u);
    EXPECT_EQ(readA.shapes[0].labelled.className, "dent");
    const Box& boxA = readA.shapes[0].labelled.shape.box;
    expectNear({boxA.x * 64, boxA.y * 48, boxA.width * 64, boxA.height * 48},
               {3.25, 4.5, 20, 10.75});
    EXPECT_EQ(readA.shapes[1].labelled.className, "spot");
    const auto& points = readA.shapes[1].labelled.shape.points;
    ASSERT_EQ(points.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_NEAR(points[i].x * 64, a.shapes[1].shape.points[i].x, 0.5);
        EXPECT_NEAR(points[i].y * 48, a.shapes[1].shape.points[i].y, 0.5);
    }
    const ImportItem& readB = itemNamed(scan, "b.jpg");
    EXPECT_EQ(readB.split, "val");
    ASSERT_EQ(readB.shapes.size(), 1u);
    EXPECT_EQ(readB.shapes[0].labelled.className, "scratch");
    const Box& boxB = readB.shapes[0].labelled.shape.box;
    expectNear({boxB.x * 32, boxB.y * 32, boxB.width * 32, boxB.height * 32}, {0, 0, 32, 32});
    const ImportItem& readC = itemNamed(scan, "c.png");
    EXPECT_FALSE(readC.split.has_value());
    EXPECT_TRUE(readC.shapes.empty());
}

TEST(YoloRoundTrip, WritesAMaskAsItsOutlineWithANote) {
    TempDir source;
    TempDir out;
    ExportDataset dataset;
    dataset.classNames = {"spot"};
    ExportSample a = sampleOf(source, "a.png", 20, 10, "", 1);
    cv::Mat pixels = cv::Mat::zeros(10, 20, CV_8UC1);
    pixels(cv::Rect(4, 2, 6, 5)).setTo(255);
    LabelledShape mask;
    mask.className = "spot";
    mask.shape.kind = ShapeKind::Mask;
    mask.shape.mask = annotations::encodeMask(pixels.data, 20, 10, pixels.step);
    a.shapes.push_back(mask);
    dataset.samples = {a};

    const ExportReport report = writeYolo(dataset, out.path());
    EXPECT_EQ(report.masks, 1u);
    ASSERT_EQ(report.notes.size(), 1u);
    EXPECT_NE(report.notes[0].find("a.png"), std::string::npos) << report.notes[0];
    EXPECT_NE(report.notes[0].find("outline"), std::string::npos) << report.notes[0];

    const AnnotatedScan scan = scanYolo(out.path());
    ASSERT_EQ(scan.items.size(), 1u);
    ASSERT_EQ(scan.items[0].shapes.size(), 1u);
    Shape polygon = scan.items[0].shapes[0].labelled.shape;
    ASSERT_EQ(polygon.kind, ShapeKind::Polygon);
    for (Point& point : polygon.points) {
        point = {point.x * 20, point.y * 10};
    }
    expectNear(annotations::boundsOf(polygon), {4, 2, 6, 5});
}

TEST(YoloWriter, NotesShapesClippedToTheImageAndLeavesOutShapesWithoutAClass) {
    TempDir source;
    TempDir out;
    ExportDataset dataset;
    dataset.classNames = {"spot"};
    ExportSample a = sampleOf(source, "a.png", 20, 10, "test", 1);
    a.shapes.push_back(boxShape("spot", {-2, 1, 10, 5}));
    a.shapes.push_back(boxShape("", {1, 1, 2, 2}));
    dataset.samples = {a};
    const ExportReport report = writeYolo(dataset, out.path());
    EXPECT_EQ(report.boxes, 1u);
    ASSERT_EQ(report.notes.size(), 2u);
    const AnnotatedScan scan = scanYolo(out.path());
    ASSERT_EQ(scan.items.size(), 1u);
    ASSERT_EQ(scan.items[0].shapes.size(), 1u);
    const Box& box = scan.items[0].shapes[0].labelled.shape.box;
    expectNear({box.x * 20, box.y * 10, box.width * 20, box.height * 10}, {0, 1, 8, 5});
}

} // namespace
} // namespace kestrel::dataset
