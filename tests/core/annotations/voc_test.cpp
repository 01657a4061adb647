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
#include <opencv2/imgcodecs.hpp>

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

std::string object(const std::string& name, const std::string& corners,
                   const std::string& extra = "") {
    return "  <object>\n    <name>" + name + "</name>\n" + extra + "    <bndbox>" + corners +
           "</bndbox>\n  </object>\n";
}

std::string corners(const std::string& xmin, const std::string& ymin, const std::string& xmax,
                    const std::string& ymax) {
    return "<xmin>" + xmin + "</xmin><ymin>" + ymin + "</ymin><xmax>" + xmax + "</xmax><ymax>" +
           ymax + "</ymax>";
}

std::string annotation(const std::string& fileName, int width, int height,
                       const std::string& objects) {
    return "<annotation>\n  <folder>VOC</folder>\n  <filename>" + fileName +
           "</filename>\n  <size><width>" + std::to_string(width) + "</width><height>" +
           std::to_string(height) + "</height><depth>3</depth></size>\n" + objects +
           "</annotation>\n";
}

TEST(VocScan, ReadsBoxesFlagsSizesSplitsAndClassOrder) {
    TempDir dir;
    writeImage(dir / "JPEGImages/a.jpg", 40, 30, 1);
    writeImage(dir / "JPEGImages/b.png", 20, 20, 2);
    writeBytes(dir / "Annotations/a.xml",
               annotation("a.jpg", 40, 30,
                          object("dog", corners("1", "2", "10", "12"),
                                 "    <difficult>1</difficult>\n    <truncated>0</truncated>\n") +
                              object("cat", corners("5", "5", "5", "5"),
                                     "    <truncated>1</truncated>\n")));
    // The filename element names a file that is not there: the image is found by stem.
    writeBytes(dir / "Annotations/b.xml",
               annotation("b.jpeg", 20, 20, object("ant", corners("3", "4", "20", "20"))));
    writeBytes(dir / "ImageSets/Main/train.txt", "a\n");
    writeBytes(dir / "ImageSets/Main/val.txt", "b  1\n");
    writeBytes(dir / "labels.txt", "dog\nbird\n");

    const AnnotatedScan scan = scanVoc(dir.path());
    EXPECT_TRUE(scan.problems.empty());
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"dog", "bird", "ant", "cat"}));
    ASSERT_EQ(scan.items.size(), 2u);

    const ImportItem& a = itemNamed(scan, "a.jpg");
    EXPECT_EQ(a.file, dir / "JPEGImages/a.jpg");
    EXPECT_EQ(a.split, "train");
    EXPECT_FALSE(a.shapesNormalised);
    EXPECT_EQ(a.declaredWidth, 40);
    EXPECT_EQ(a.declaredHeight, 30);
    EXPECT_EQ(a.annotationFile, "Annotations/a.xml");
    ASSERT_EQ(a.shapes.size(), 2u);
    const Shape& dog = a.shapes[0].labelled.shape;
    EXPECT_EQ(a.shapes[0].labelled.className, "dog");
    EXPECT_EQ(a.shapes[0].where, "Annotations/a.xml line 5");
    EXPECT_EQ(dog.kind, ShapeKind::Box);
    EXPECT_EQ(dog.source, "import");
    EXPECT_EQ(dog.box, (Box{0, 1, 10, 11}));
    EXPECT_TRUE(dog.difficult);
    EXPECT_FALSE(dog.truncated);
    const Shape& cat = a.shapes[1].labelled.shape;
    EXPECT_EQ(cat.box, (Box{4, 4, 1, 1}));
    EXPECT_FALSE(cat.difficult);
    EXPECT_TRUE(cat.truncated);

    const ImportItem& b = itemNamed(scan, "b.png");
    EXPECT_EQ(b.split, "val");
    ASSERT_EQ(b.shapes.size(), 1u);
    EXPECT_EQ(b.shapes[0].labelled.shape.box, (Box{2, 3, 18, 17}));
}

TEST(VocScan, ReportsEveryBadObjectByFileAndLine) {
    TempDir dir;
    writeImage(dir / "JPEGImages/a.png", 40, 30, 1);
    std::string objects;
    objects += object("ok", corners("1", "1", "5", "5"));                 // line 5
    objects += "  <object>\n    <bndbox>" + corners("1", "1", "5", "5") + // line 9
               "</bndbox>\n  </object>\n";
    objects += "  <object>\n    <name>nobox</name>\n  </object>\n";             // line 12
    objects += object("text", corners("1", "one", "5", "5"));                   // line 15
    objects += object("missing", "<xmin>1</xmin><ymin>1</ymin><xmax>5</xmax>"); // line 19
    objects += object("backwards", corners("9", "1", "5", "5"));                // line 23
    objects += object("upside", corners("1", "9", "5", "5"));                   // line 27
    writeBytes(dir / "Annotations/a.xml", annotation("a.png", 40, 30, objects));
    writeBytes(dir / "Annotations/lost.xml", annotation("lost.png", 10, 10, ""));

    const AnnotatedScan scan = scanVoc(dir.path());
    ASSERT_EQ(scan.items.size(), 1u);
    ASSERT_EQ(scan.items[0].shapes.size(), 1u);
    EXPECT_EQ(scan.items[0].shapes[0].where, "Annotations/a.xml line 5");
    EXPECT_EQ(scan.problems.size(), 7u);
    EXPECT_TRUE(anyProblemHas(scan, "Annotations/a.xml line 9:", "no name"));
    EXPECT_TRUE(anyProblemHas(scan, "Annotations/a.xml line 12:", "no bndbox"));
    EXPECT_TRUE(anyProblemHas(scan, "Annotations/a.xml line 15:", "\"one\" is not a number"));
    EXPECT_TRUE(anyProblemHas(scan, "Annotations/a.xml line 19:", "ymax is missing"));
    EXPECT_TRUE(anyProblemHas(scan, "Annotations/a.xml line 23:", "xmax < xmin"));
    EXPECT_TRUE(anyProblemHas(scan, "Annotations/a.xml line 27:", "ymax < ymin"));
    EXPECT_TRUE(anyProblemHas(scan, "Annotations/lost.xml", "lost.png"));
    // Only the names of objects taken are classes.
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"ok"}));
}

TEST(VocScan, ThrowsNamingTheFileAndLineOfMalformedXml) {
    TempDir dir;
    writeImage(dir / "JPEGImages/a.png", 10, 10, 1);
    writeBytes(dir / "Annotations/a.xml",
               "<annotation>\n  <filename>a.png</filename>\n  <object>\n    <name>x</nam>\n"
               "  </object>\n</annotation>\n");
    try {
        scanVoc(dir.path());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("a.xml"), std::string::npos) << message;
        EXPECT_NE(message.find("line 4"), std::string::npos) << message;
    }
}

TEST(VocScan, KeepsImagesWithoutAnnotationsAsItemsWithoutShapes) {
    TempDir dir;
    writeImage(dir / "JPEGImages/a.png", 10, 10, 1);
    writeImage(dir / "JPEGImages/b.png", 10, 10, 2);
    writeBytes(dir / "Annotations/a.xml", annotation("a.png", 10, 10, ""));
    writeBytes(dir / "ImageSets/Main/test.txt", "a\nb\n");
    const AnnotatedScan scan = scanVoc(dir.path());
    ASSERT_EQ(scan.items.size(), 2u);
    EXPECT_EQ(scan.items[0].file.filename(), "a.png");
    EXPECT_EQ(scan.items[1].file.filename(), "b.png");
    EXPECT_EQ(scan.items[1].split, "test");
    EXPECT_TRUE(scan.items[1].shapes.empty());
}

LabelledShape shapeOf(const std::string& className, ShapeKind kind) {
    LabelledShape labelled;
    labelled.className = className;
    labelled.shape.kind = kind;
    return labelled;
}

TEST(VocRoundTrip, WriteThenScanGivesTheSameBoxesFlagsClassesAndSplits) {
    TempDir source;
    TempDir out;
    ExportDataset dataset;
    dataset.classNames = {"zeta", "alpha"};
    ExportSample a = sampleOf(source, "a.png", 64, 48, "train", 1);
    LabelledShape box = shapeOf("alpha", ShapeKind::Box);
    box.shape.box = {3, 4, 20, 10};
    box.shape.difficult = true;
    a.shapes.push_back(box);
    LabelledShape whole = shapeOf("zeta", ShapeKind::Box);
    whole.shape.box = {0, 0, 64, 48};
    whole.shape.truncated = true;
    a.shapes.push_back(whole);
    ExportSample b = sampleOf(source, "b.jpg", 32, 32, "test", 2);
    LabelledShape polygon = shapeOf("zeta", ShapeKind::Polygon);
    polygon.shape.points = {{2, 3}, {20, 5}, {10, 25}};
    b.shapes.push_back(polygon);
    cv::Mat pixels = cv::Mat::zeros(32, 32, CV_8UC1);
    pixels(cv::Rect(5, 6, 7, 8)).setTo(255);
    LabelledShape mask = shapeOf("alpha", ShapeKind::Mask);
    mask.shape.mask = annotations::encodeMask(pixels.data, 32, 32, pixels.step);
    b.shapes.push_back(mask);
    ExportSample c = sampleOf(source, "c.png", 16, 16, "", 3);
    dataset.samples = {a, b, c};

    const ExportReport report = writeVoc(dataset, out.path());
    EXPECT_EQ(report.images, 3u);
    EXPECT_EQ(report.boxes, 2u);
    EXPECT_EQ(report.polygons, 1u);
    EXPECT_EQ(report.masks, 1u);
    ASSERT_EQ(report.notes.size(), 2u);
    EXPECT_NE(report.notes[0].find("1 polygon"), std::string::npos) << report.notes[0];
    EXPECT_NE(report.notes[1].find("1 mask"), std::string::npos) << report.notes[1];
    EXPECT_EQ(testing::readBytes(out / "JPEGImages/b.jpg"), testing::readBytes(b.file));
    EXPECT_EQ(testing::readBytes(out / "ImageSets/Main/train.txt"), "a\n");
    EXPECT_EQ(testing::readBytes(out / "labels.txt"), "zeta\nalpha\n");
    const std::string xml = testing::readBytes(out / "Annotations/a.xml");
    EXPECT_NE(xml.find("<xmin>4</xmin>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<xmax>23</xmax>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<pose>Unspecified</pose>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<depth>3</depth>"), std::string::npos) << xml;

    const AnnotatedScan scan = scanVoc(out.path());
    EXPECT_TRUE(scan.problems.empty());
    EXPECT_EQ(scan.classNames, dataset.classNames);
    ASSERT_EQ(scan.items.size(), 3u);
    const ImportItem& readA = itemNamed(scan, "a.png");
    EXPECT_EQ(readA.split, "train");
    EXPECT_EQ(readA.declaredWidth, 64);
    EXPECT_EQ(readA.declaredHeight, 48);
    ASSERT_EQ(readA.shapes.size(), 2u);
    EXPECT_EQ(readA.shapes[0].labelled.className, "alpha");
    EXPECT_EQ(readA.shapes[0].labelled.shape.box, (Box{3, 4, 20, 10}));
    EXPECT_TRUE(readA.shapes[0].labelled.shape.difficult);
    EXPECT_FALSE(readA.shapes[0].labelled.shape.truncated);
    EXPECT_EQ(readA.shapes[1].labelled.shape.box, (Box{0, 0, 64, 48}));
    EXPECT_TRUE(readA.shapes[1].labelled.shape.truncated);
    const ImportItem& readB = itemNamed(scan, "b.jpg");
    EXPECT_EQ(readB.split, "test");
    ASSERT_EQ(readB.shapes.size(), 2u);
    EXPECT_EQ(readB.shapes[0].labelled.className, "zeta");
    expectNear(readB.shapes[0].labelled.shape.box, {2, 3, 18, 22});
    EXPECT_EQ(readB.shapes[1].labelled.className, "alpha");
    expectNear(readB.shapes[1].labelled.shape.box, {5, 6, 7, 8});
    const ImportItem& readC = itemNamed(scan, "c.png");
    EXPECT_FALSE(readC.split.has_value());
    EXPECT_TRUE(readC.shapes.empty());
}

TEST(VocWriter, ClipsBoxesToTheImageAndLeavesOutShapesWithoutAClass) {
    TempDir source;
    TempDir out;
    ExportDataset dataset;
    dataset.classNames = {"spot"};
    ExportSample a = sampleOf(source, "a.png", 20, 10, "", 1);
    LabelledShape outside = shapeOf("spot", ShapeKind::Box);
    outside.shape.box = {-3, 2, 30, 4};
    a.shapes.push_back(outside);
    a.shapes.push_back(shapeOf("", ShapeKind::Box));
    dataset.samples = {a};
    const ExportReport report = writeVoc(dataset, out.path());
    EXPECT_EQ(report.notes.size(), 2u);
    const AnnotatedScan scan = scanVoc(out.path());
    ASSERT_EQ(scan.items.size(), 1u);
    ASSERT_EQ(scan.items[0].shapes.size(), 1u);
    EXPECT_EQ(scan.items[0].shapes[0].labelled.shape.box, (Box{0, 2, 20, 4}));
}

// MVTec's writer: the folders each sample goes in and its ground-truth mask, pixel by pixel.

// 255 inside [left, right) x [top, bottom) of a width x height image, 0 elsewhere.
cv::Mat rectangleMask(int width, int height, int left, int top, int right, int bottom) {
    cv::Mat expected = cv::Mat::zeros(height, width, CV_8UC1);
    expected(cv::Rect(left, top, right - left, bottom - top)).setTo(255);
    return expected;
}

void expectSamePixels(const fs::path& file, const cv::Mat& expected) {
    const cv::Mat actual = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(actual.empty()) << file;
    ASSERT_EQ(actual.type(), CV_8UC1) << file;
    ASSERT_EQ(actual.size(), expected.size()) << file;
    EXPECT_EQ(cv::countNonZero(actual != expected), 0) << file;
}

TEST(MvTecWriter, DrawsBoxesPolygonsAndMasksIntoOneGroundTruthPerSample) {
    TempDir source;
    TempDir out;
    ExportDataset dataset;
    dataset.classNames = {"crack", "hole"};
    ExportSample a = sampleOf(source, "a.png", 20, 10, "test", 1);
    LabelledShape box = shapeOf("crack", ShapeKind::Box);
    box.shape.box = {2.4, 1.6, 5, 3}; // rounded corners: x 2..7, y 2..5
    a.shapes.push_back(box);
    ExportSample b = sampleOf(source, "b.png", 20, 10, "train", 2);
    b.label = "hole";
    LabelledShape polygon = shapeOf("hole", ShapeKind::Polygon);
    polygon.shape.points = {{10.2, 1.2}, {17.8, 1.2}, {17.8, 8.8}, {10.2, 8.8}};
    b.shapes.push_back(polygon);
    cv::Mat pixels = cv::Mat::zeros(10, 20, CV_8UC1);
    pixels(cv::Rect(1, 6, 3, 2)).setTo(255);
    LabelledShape mask = shapeOf("hole", ShapeKind::Mask);
    mask.shape.mask = annotations::encodeMask(pixels.data, 20, 10, pixels.step);
    b.shapes.push_back(mask);
    ExportSample c = sampleOf(source, "c.jpg", 20, 10, "val", 3);
    dataset.samples = {a, b, c};

    const ExportReport report = writeMvTec(dataset, out.path());
    EXPECT_EQ(report.images, 3u);
    EXPECT_EQ(report.boxes, 1u);
    EXPECT_EQ(report.polygons, 1u);
    EXPECT_EQ(report.masks, 1u);
    ASSERT_EQ(report.notes.size(), 1u);
    EXPECT_NE(report.notes[0].find("1 sample from the val split"), std::string::npos)
        << report.notes[0];

    EXPECT_EQ(testing::readBytes(out / "test/crack/a.png"), testing::readBytes(a.file));
    EXPECT_EQ(testing::readBytes(out / "train/hole/b.png"), testing::readBytes(b.file));
    EXPECT_EQ(testing::readBytes(out / "test/good/c.jpg"), testing::readBytes(c.file));
    expectSamePixels(out / "ground_truth/crack/a_mask.png", rectangleMask(20, 10, 2, 2, 7, 5));
    cv::Mat expectedB = rectangleMask(20, 10, 10, 1, 18, 9);
    expectedB(cv::Rect(1, 6, 3, 2)).setTo(255);
    expectSamePixels(out / "ground_truth/hole/b_mask.png", expectedB);
    EXPECT_FALSE(fs::exists(out / "ground_truth/good"));
}

TEST(MvTecWriter, ClipsBoxesToTheImageAndNotesSamplesWithoutASplit) {
    TempDir source;
    TempDir out;
    ExportDataset dataset;
    dataset.classNames = {"crack"};
    ExportSample a = sampleOf(source, "a.png", 8, 6, "", 1);
    LabelledShape box = shapeOf("crack", ShapeKind::Box);
    box.shape.box = {-3, 4, 20, 9};
    a.shapes.push_back(box);
    dataset.samples = {a};
    const ExportReport report = writeMvTec(dataset, out.path());
    ASSERT_EQ(report.notes.size(), 1u);
    EXPECT_NE(report.notes[0].find("without a split"), std::string::npos) << report.notes[0];
    EXPECT_TRUE(fs::is_regular_file(out / "test/crack/a.png"));
    expectSamePixels(out / "ground_truth/crack/a_mask.png", rectangleMask(8, 6, 0, 4, 8, 6));
}

} // namespace
} // namespace kestrel::dataset
