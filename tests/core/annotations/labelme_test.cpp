#include "annotated_scans.h"
#include "common/error.h"
#include "dataset/annotation_sources.h"
#include "files.h"
#include "images.h"
#include "temp_dir.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel::dataset {
namespace {

using annotations::Box;
using annotations::Point;
using annotations::ShapeKind;
using nlohmann::json;
using testing::anyProblemHas;
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

json shape(const std::string& label, const std::string& type, const json& points) {
    return {{"label", label}, {"shape_type", type}, {"points", points}, {"flags", json::object()}};
}

TEST(LabelmeScan, ReadsRectanglesAndPolygonsWithImagesRelativeToTheJson) {
    TempDir dir;
    writeImage(dir / "pictures/a.png", 40, 30, 1);
    writeImage(dir / "train/b.png", 20, 20, 2);
    const json a = {{"version", "5.2.1"},
                    {"imagePath", "../pictures/a.png"},
                    {"imageWidth", 40},
                    {"imageHeight", 30},
                    {"imageData", nullptr},
                    {"shapes",
                     {shape("scratch", "rectangle", {{12, 9}, {2, 3}}),
                      shape("dent", "polygon", {{1, 1}, {10, 1}, {5.5, 8}})}}};
    writeBytes(dir / "notes/a.json", a.dump(2));
    const json b = {{"imagePath", "b.png"},
                    {"shapes", {shape("hole", "polygon", {{0, 0}, {4, 0}, {4, 4}, {0, 4}})}}};
    writeBytes(dir / "train/b.json", b.dump());
    writeBytes(dir / "settings.json", R"({"theme": "dark"})"); // not labelme: skipped

    const AnnotatedScan scan = scanLabelme(dir.path());
    EXPECT_TRUE(scan.problems.empty()) << problemsOf(scan);
    // Labels in the order first seen, files sorted by path.
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"scratch", "dent", "hole"}));
    ASSERT_EQ(scan.items.size(), 2u);

    const ImportItem& first = scan.items[0];
    EXPECT_EQ(first.file, dir / "pictures/a.png");
    EXPECT_EQ(first.annotationFile, "notes/a.json");
    EXPECT_EQ(first.declaredWidth, 40);
    EXPECT_EQ(first.declaredHeight, 30);
    EXPECT_EQ(first.split, std::nullopt);
    ASSERT_EQ(first.shapes.size(), 2u);
    EXPECT_EQ(first.shapes[0].where, "notes/a.json shapes[0]");
    EXPECT_EQ(first.shapes[0].labelled.className, "scratch");
    EXPECT_EQ(first.shapes[0].labelled.shape.kind, ShapeKind::Box);
    EXPECT_EQ(first.shapes[0].labelled.shape.box, (Box{2, 3, 10, 6})); // corners in any order
    EXPECT_EQ(first.shapes[0].labelled.shape.source, "import");
    EXPECT_EQ(first.shapes[1].labelled.shape.kind, ShapeKind::Polygon);
    EXPECT_EQ(first.shapes[1].labelled.shape.points,
              (std::vector<Point>{{1, 1}, {10, 1}, {5.5, 8}}));

    const ImportItem& second = scan.items[1];
    EXPECT_EQ(second.file, dir / "train/b.png");
    EXPECT_EQ(second.split, "train");
    EXPECT_EQ(second.declaredWidth, 0);
    ASSERT_EQ(second.shapes.size(), 1u);
    EXPECT_EQ(second.shapes[0].labelled.className, "hole");
}

TEST(LabelmeScan, ReportsShapesItCannotHoldNamingFileIndexAndType) {
    TempDir dir;
    writeImage(dir / "a.png", 20, 20, 1);
    const json a = {{"imagePath", "a.png"},
                    {"shapes",
                     {shape("x", "circle", {{5, 5}, {8, 5}}), shape("x", "line", {{0, 0}, {4, 4}}),
                      shape("x", "point", {{1, 1}}), shape("x", "linestrip", {{0, 0}, {1, 1}}),
                      shape("x", "polygon", {{0, 0}, {4, 4}}),
                      shape("x", "rectangle", {{0, 0}, {4, 4}, {2, 2}}),
                      shape("ok", "rectangle", {{0, 0}, {4, 4}})}}};
    writeBytes(dir / "a.json", a.dump());
    writeBytes(dir / "lost.json",
               json{{"imagePath", "lost.png"}, {"shapes", json::array()}}.dump());

    const AnnotatedScan scan = scanLabelme(dir.path());
    EXPECT_EQ(scan.problems.size(), 7u) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "a.json shapes[0]", "circle")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "a.json shapes[1]", "line")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "a.json shapes[2]", "point")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "a.json shapes[3]", "linestrip")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "a.json shapes[4]", "2 points")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "a.json shapes[5]", "3 points")) << problemsOf(scan);
    EXPECT_TRUE(anyProblemHas(scan, "lost.json", "lost.png")) << problemsOf(scan);
    ASSERT_EQ(scan.items.size(), 1u);
    ASSERT_EQ(scan.items[0].shapes.size(), 1u);
    EXPECT_EQ(scan.items[0].shapes[0].labelled.className, "ok");
    EXPECT_EQ(scan.classNames, (std::vector<std::string>{"ok"}));
}

TEST(LabelmeScan, MalformedJsonThrowsNamingTheFileAndLine) {
    TempDir dir;
    writeBytes(dir / "bad.json", "{\n  \"shapes\": [\n  ,\n}\n");
    try {
        scanLabelme(dir.path());
        FAIL() << "no error";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("bad.json"), std::string::npos) << message;
        EXPECT_NE(message.find("line 3"), std::string::npos) << message;
    }
}

} // namespace
} // namespace kestrel::dataset
