#include "annotated_scans.h"
#include "annotations/rle.h"
#include "common/error.h"
#include "dataset/annotation_sources.h"
#include "dataset/dataset_writers.h"
#include "files.h"
#include "images.h"
#include "temp_dir.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel::dataset {
namespace {

namespace fs = std::filesystem;
using annotations::Box;
using annotations::LabelledShape;
using annotations::Point;
using annotations::RleMask;
using annotations::Shape;
using annotations::ShapeKind;
using nlohmann::json;
using testing::anyProblemHas;
using testing::expectNear;
using testing::itemNamed;
using testing::readBytes;
using testing::TempDir;
using testing::writeBytes;
using testing::writeImage;

std::string problemsOf(const AnnotatedScan& scan) {
    std::string all;
    for (const std::string& problem : scan.problems) {
        all += problem + "\n";
    }
    return all;
}

// A 20 x 10 mask: column 2 rows 0..9 and column 3 rows 0..4 set (column-major runs).
RleMask knownMask() {
    RleMask mask;
    mask.width = 20;
    mask.height = 10;
    mask.counts = {20, 15, 165};
    return mask;
}

TEST(CocoScan, ReadsBoxesPolygonsMasksAndCrowds) {
    TempDir dir;
    writeImage(dir / "images/a.png", 40, 30, 1);
    writeImage(dir / "images/b.png", 20, 10, 2);
    writeImage(dir / "images/c.png", 8, 8, 3);
    const json root = {
        {"images",
         {{{"id", 1}, {"file_name", "a.png"}, {"width", 40}, {"height", 30}},
          {{"id", 2}, {"file_name", "b.png"}, {"width", 20}, {"height", 10}},
          {{"id", 3}, {"file_name", "c.png"}}}},
        {"categories", {{{"id", 3}, {"name", "dent"}}, {{"id", 1}, {"name", "scratch"}}}},
        {"annotations",
         {{{"id", 10},
           {"image_id", 1},
           {"category_id", 1},
           {"bbox", {1, 2, 10, 5.5}},
           {"segmentation", json::array()},
           {"iscrowd", 0}},
          {{"id", 11},
           {"image_id", 1},
           {"category_id", 3},
           {"bbox", {0, 0, 30, 25}},
           {"segmentation", {{0, 0, 10, 0, 10, 10}, {20, 20, 30.5, 20, 30.5, 25, 20, 25}}}},
          {{"id", 12},
           {"image_id", 2},
           {"category_id", 1},
           {"segmentation",
            {{"size", {10, 20}}, {"counts", annotations::countsToString(knownMask().counts)}}},
           {"iscrowd", 1}},
          {{"id", 13},
           {"image_id", 2},
           {"category_id", 3},
           {"segmentation", {{"size", {10, 20}}, {"counts", {20, 15, 165}}}}}}}};
    writeBytes(dir / "instances_train2017.json", root.dump(2));

    const AnnotatedScan scan = scanCoco(dir / "instances_train2017.json", std::nullopt);
    // The one note: annotation 11's polygon of two parts is one shape, a mask.
    ASSERT_EQ(scan.problems.size(), 1u) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "annotations[1] (id 11", "one mask of their union"));
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"scratch", "dent"}));
    ASSERT_EQ(scan.items.size(), 3u);

    const ImportItem& a = itemNamed(scan, "a.png");
    EXPECT_EQ(a.file, dir / "images/a.png");
    EXPECT_EQ(a.split, "train");
    EXPECT_EQ(a.declaredWidth, 40);
    EXPECT_EQ(a.declaredHeight, 30);
    EXPECT_EQ(a.annotationFile, "instances_train2017.json");
    ASSERT_EQ(a.shapes.size(), 2u);
    const Shape& box = a.shapes[0].labelled.shape;
    EXPECT_EQ(a.shapes[0].labelled.className, "scratch");
    EXPECT_EQ(a.shapes[0].where, "instances_train2017.json annotations[0] (id 10, image 'a.png')");
    EXPECT_EQ(box.kind, ShapeKind::Box);
    EXPECT_EQ(box.box, (Box{1, 2, 10, 5.5}));
    EXPECT_EQ(box.source, "import");
    EXPECT_FALSE(box.crowd);
    // Two parts: one mask of the same class holding both, pixel for pixel.
    const Shape& parts = a.shapes[1].labelled.shape;
    EXPECT_EQ(a.shapes[1].labelled.className, "dent");
    ASSERT_EQ(parts.kind, ShapeKind::Mask);
    const RleMask triangle = annotations::rasterisePolygon({{0, 0}, {10, 0}, {10, 10}}, 40, 30);
    const RleMask rectangle =
        annotations::rasterisePolygon({{20, 20}, {30.5, 20}, {30.5, 25}, {20, 25}}, 40, 30);
    EXPECT_EQ(annotations::maskArea(parts.mask),
              annotations::maskArea(triangle) + annotations::maskArea(rectangle));
    EXPECT_EQ(annotations::maskBounds(parts.mask), (Box{0, 0, 30, 25}));

    const ImportItem& b = itemNamed(scan, "b.png");
    ASSERT_EQ(b.shapes.size(), 2u);
    for (const SourceShape& mask : b.shapes) {
        EXPECT_EQ(mask.labelled.shape.kind, ShapeKind::Mask);
        EXPECT_EQ(mask.labelled.shape.mask, knownMask());
    }
    EXPECT_TRUE(b.shapes[0].labelled.shape.crowd);
    EXPECT_FALSE(b.shapes[1].labelled.shape.crowd);

    // An image without annotations is still offered.
    const ImportItem& c = itemNamed(scan, "c.png");
    EXPECT_TRUE(c.shapes.empty());
    EXPECT_EQ(c.declaredWidth, 0);
}

TEST(CocoScan, ReportsEachBadAnnotationNamingFileAndId) {
    TempDir dir;
    writeImage(dir / "a.png", 20, 10, 1);
    const json root = {
        {"images",
         {{{"id", 1}, {"file_name", "a.png"}, {"width", 20}, {"height", 10}},
          {{"id", 2}, {"file_name", "gone.png"}}}},
        {"categories", {{{"id", 1}, {"name", "dent"}}}},
        {"annotations",
         {{{"id", 20}, {"image_id", 99}, {"category_id", 1}, {"bbox", {0, 0, 2, 2}}},
          {{"id", 21}, {"image_id", 2}, {"category_id", 1}, {"bbox", {0, 0, 2, 2}}},
          {{"id", 22}, {"image_id", 1}, {"category_id", 7}, {"bbox", {0, 0, 2, 2}}},
          {{"id", 23}, {"image_id", 1}, {"category_id", 1}, {"bbox", {0, 0, 0, 5}}},
          {{"id", 24}, {"image_id", 1}, {"category_id", 1}, {"segmentation", {{0, 0, 1, 1}}}},
          {{"id", 25},
           {"image_id", 1},
           {"category_id", 1},
           {"segmentation", {{"size", {5, 5}}, {"counts", {25}}}}},
          {{"id", 26},
           {"image_id", 1},
           {"category_id", 1},
           {"segmentation", {{"size", {10, 20}}, {"counts", {1, 2}}}}},
          {{"id", 27},
           {"image_id", 1},
           {"category_id", 1},
           {"segmentation", {{"size", {10, 20}}, {"counts", "0 "}}}},
          {{"id", 28}, {"image_id", 1}, {"category_id", 1}, {"bbox", {1, 1, 3, 3}}}}}};
    writeBytes(dir / "val.json", root.dump());

    const AnnotatedScan scan = scanCoco(dir / "val.json", std::nullopt);
    EXPECT_EQ(scan.problems.size(), 8u) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "val.json annotations[0] (id 20)", "image id 99"))
        << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "val.json images[1] (id 2, image 'gone.png')",
                              "1 annotation are left out"))
        << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "annotations[2] (id 22, image 'a.png')", "category id 7"))
        << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "(id 23, image 'a.png')", "no area")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "(id 24, image 'a.png')", "4 numbers")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "(id 25, image 'a.png')", "RLE size is 5 x 5"))
        << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "(id 26, image 'a.png')", "sum to 3")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "val.json annotations[7] (id 27, image 'a.png')",
                              "outside COCO's alphabet"))
        << problemsOf(scan);

    ASSERT_EQ(scan.items.size(), 1u);
    const ImportItem& a = scan.items[0];
    EXPECT_EQ(a.split, "val");
    ASSERT_EQ(a.shapes.size(), 1u);
    EXPECT_EQ(a.shapes[0].labelled.shape.box, (Box{1, 1, 3, 3}));
}

TEST(CocoScan, MalformedJsonThrowsNamingTheFileAndLine) {
    TempDir dir;
    writeBytes(dir / "broken.json", "{\n  \"images\": [\n    {\"id\": 1,}\n  ]\n}\n");
    try {
        scanCoco(dir / "broken.json", std::nullopt);
        FAIL() << "no error";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("broken.json"), std::string::npos) << message;
        EXPECT_NE(message.find("line 3"), std::string::npos) << message;
    }
    writeBytes(dir / "other.json", "{\"images\": []}");
    EXPECT_THROW(scanCoco(dir / "other.json", std::nullopt), Error);
}

TEST(CocoScan, FolderTakesEachCocoFileAsTheSplitItsNameSays) {
    TempDir dir;
    writeImage(dir / "images/a.png", 8, 8, 1);
    writeImage(dir / "images/b.png", 8, 8, 2);
    writeImage(dir / "images/c.png", 8, 8, 3);
    writeImage(dir / "images/d.png", 8, 8, 4);
    const auto oneImage = [](const std::string& fileName) {
        return json{{"images", {{{"id", 1}, {"file_name", fileName}}}},
                    {"annotations", json::array()},
                    {"categories", {{{"id", 1}, {"name", "dent"}}}}};
    };
    writeBytes(dir / "instances_train2017.json", oneImage("a.png").dump());
    writeBytes(dir / "instances_val2017.json", oneImage("b.png").dump());
    writeBytes(dir / "test-dev.json", oneImage("c.png").dump());
    writeBytes(dir / "instances.json", oneImage("d.png").dump());
    writeBytes(dir / "meta.json", R"({"description": "not COCO"})");

    const AnnotatedScan scan = scanCoco(dir.path(), std::nullopt);
    EXPECT_TRUE(scan.problems.empty()) << problemsOf(scan);
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"dent"}));
    ASSERT_EQ(scan.items.size(), 4u);
    EXPECT_EQ(itemNamed(scan, "a.png").split, "train");
    EXPECT_EQ(itemNamed(scan, "b.png").split, "val");
    EXPECT_EQ(itemNamed(scan, "c.png").split, "test");
    EXPECT_EQ(itemNamed(scan, "d.png").split, std::nullopt);

    TempDir empty;
    writeBytes(empty / "meta.json", "{}");
    EXPECT_THROW(scanCoco(empty.path(), std::nullopt), Error);
}

TEST(CocoScan, FindsImagesInTheFolderGiven) {
    TempDir dir;
    writeImage(dir / "pictures/a.png", 8, 8, 1);
    const json root = {
        {"images", {{{"id", 1}, {"file_name", "a.png"}}}},
        {"annotations", {{{"id", 5}, {"image_id", 1}, {"category_id", 1}, {"bbox", {0, 0, 2, 2}}}}},
        {"categories", {{{"id", 1}, {"name", "dent"}}}}};
    writeBytes(dir / "labels/coco.json", root.dump());

    const AnnotatedScan lost = scanCoco(dir / "labels/coco.json", std::nullopt);
    EXPECT_TRUE(lost.items.empty());
    EXPECT_TRUE(anyProblemHas(lost, "coco.json images[0] (id 1, image 'a.png')", "images/"))
        << problemsOf(lost);

    const AnnotatedScan found = scanCoco(dir / "labels/coco.json", dir / "pictures");
    EXPECT_TRUE(found.problems.empty()) << problemsOf(found);
    ASSERT_EQ(found.items.size(), 1u);
    EXPECT_EQ(found.items[0].file, dir / "pictures/a.png");
    EXPECT_EQ(found.items[0].shapes.size(), 1u);
}

LabelledShape labelled(Shape shape, const std::string& className) {
    return LabelledShape{std::move(shape), className};
}

TEST(CocoWrite, ScanReadsBackWhatWasWritten) {
    TempDir source;
    TempDir out;
    writeImage(source / "one.png", 20, 10, 1);
    writeImage(source / "two.png", 16, 16, 2);
    writeImage(source / "three.png", 8, 8, 3);

    Shape box;
    box.kind = ShapeKind::Box;
    box.box = {1.25, 2, 5, 3.5};
    Shape polygon;
    polygon.kind = ShapeKind::Polygon;
    polygon.points = {{1, 1}, {12.5, 1}, {12.5, 8.25}, {1, 8}};
    Shape mask;
    mask.kind = ShapeKind::Mask;
    mask.mask = knownMask();
    mask.crowd = true;
    Shape triangle;
    triangle.kind = ShapeKind::Polygon;
    triangle.points = {{0, 0}, {15, 0}, {7.5, 15}};

    ExportDataset dataset;
    dataset.classNames = {"scratch", "dent"};
    ExportSample one{1, source / "one.png", "one.png", 20, 10, "train", "", {}};
    one.shapes = {labelled(box, "scratch"), labelled(polygon, "dent"), labelled(mask, "dent"),
                  labelled(box, "")};
    ExportSample two{2, source / "two.png", "two.png", 16, 16, "val", "", {}};
    two.shapes = {labelled(triangle, "scratch")};
    ExportSample three{3, source / "three.png", "three.png", 8, 8, "", "", {}};
    dataset.samples = {one, two, three};

    const ExportReport report = writeCoco(dataset, out.path());
    EXPECT_EQ(report.images, 3u);
    EXPECT_EQ(report.boxes, 1u);
    EXPECT_EQ(report.polygons, 2u);
    EXPECT_EQ(report.masks, 1u);
    ASSERT_EQ(report.notes.size(), 1u); // the shape without a class
    EXPECT_TRUE(fs::is_regular_file(out / "instances_train.json"));
    EXPECT_TRUE(fs::is_regular_file(out / "instances_val.json"));
    EXPECT_TRUE(fs::is_regular_file(out / "instances.json"));
    EXPECT_EQ(readBytes(out / "images/two.png"), readBytes(source / "two.png"));

    const json train = json::parse(readBytes(out / "instances_train.json"));
    EXPECT_EQ(train["categories"][0]["id"], 1);
    EXPECT_EQ(train["categories"][0]["name"], "scratch");
    EXPECT_EQ(train["categories"][1]["id"], 2);
    ASSERT_EQ(train["annotations"].size(), 3u);
    EXPECT_EQ(train["annotations"][0]["segmentation"], json::array());
    EXPECT_EQ(train["annotations"][0]["category_id"], 1);
    EXPECT_EQ(train["annotations"][1]["bbox"], json({1, 1, 11.5, 7.25}));
    EXPECT_EQ(train["annotations"][2]["segmentation"]["size"], json({10, 20}));
    EXPECT_EQ(train["annotations"][2]["bbox"], json({2, 0, 2, 10}));
    EXPECT_EQ(train["annotations"][2]["area"], 15);
    EXPECT_EQ(train["annotations"][2]["iscrowd"], 1);

    const AnnotatedScan scan = scanCoco(out.path(), std::nullopt);
    EXPECT_TRUE(scan.problems.empty()) << problemsOf(scan);
    EXPECT_EQ(scan.classNames, dataset.classNames);
    ASSERT_EQ(scan.items.size(), 3u);
    const ImportItem& readOne = itemNamed(scan, "one.png");
    EXPECT_EQ(readOne.split, "train");
    EXPECT_EQ(readOne.declaredWidth, 20);
    ASSERT_EQ(readOne.shapes.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        const Shape& written = one.shapes[i].shape;
        const Shape& read = readOne.shapes[i].labelled.shape;
        EXPECT_EQ(readOne.shapes[i].labelled.className, one.shapes[i].className);
        ASSERT_EQ(read.kind, written.kind);
        EXPECT_EQ(read.crowd, written.crowd);
        expectNear(annotations::boundsOf(read), annotations::boundsOf(written));
        ASSERT_EQ(read.points.size(), written.points.size());
        for (std::size_t p = 0; p < read.points.size(); ++p) {
            EXPECT_NEAR(read.points[p].x, written.points[p].x, 0.5);
            EXPECT_NEAR(read.points[p].y, written.points[p].y, 0.5);
        }
    }
    EXPECT_EQ(readOne.shapes[2].labelled.shape.mask, knownMask());
    const ImportItem& readTwo = itemNamed(scan, "two.png");
    EXPECT_EQ(readTwo.split, "val");
    ASSERT_EQ(readTwo.shapes.size(), 1u);
    EXPECT_EQ(readTwo.shapes[0].labelled.shape.points, triangle.points);
    EXPECT_EQ(itemNamed(scan, "three.png").split, std::nullopt);
}

} // namespace
} // namespace kestrel::dataset
