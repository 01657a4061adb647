// The report's parts on a run written straight into the store (no training): which mistakes
// are chosen and in what order, escaping of odd class names, a run with nothing recorded,
// and the formatting rules the report promises.
#include "common/error.h"
#include "report/html_text.h"
#include "report/report_charts.h"
#include "report/report_format.h"
#include "report/report_html.h"
#include "report/run_report.h"
#include "report_xml.h"
#include "store/review_repository.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "training_fixture.h"

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::report {
namespace {

constexpr const char* kOddClass = "left & <co>";

class ReportContentTest : public ::testing::Test {
protected:
    void SetUp() override {
        store::RunRepository runs(project.database());
        run = runs.create("classification", "smallcnn", 1, 1);
        runs.setParams(run, {{"classes", std::string(kOddClass) + "\nright"}, {"lr", "0.01"}});
    }

    // The id and stored path of the `index`-th sample of `split`, by id.
    std::pair<std::int64_t, std::string> sample(const std::string& split, int index) {
        store::Statement query(project.database(),
                               "SELECT id, path FROM samples WHERE split = ? ORDER BY id "
                               "LIMIT 1 OFFSET ?");
        query.bind(1, split).bind(2, std::int64_t{index});
        EXPECT_TRUE(query.step());
        return {query.columnInt(0), query.columnText(1)};
    }

    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir, 8);
    std::int64_t run = 0;
};

TEST_F(ReportContentTest, ARunWithNothingRecordedStillReportsWhatItHas) {
    const std::string html = renderReportHtml(buildRunReport(project, run), dataUri);
    const testing::XmlDocument document(html);
    ASSERT_TRUE(document.parsed()) << document.errors();
    EXPECT_NE(document.text("//h:title").find("Run " + std::to_string(run)), std::string::npos);
    EXPECT_EQ(document.texts("//h:img").size(), 0u);
    EXPECT_NE(html.find("No metrics are recorded for this run yet."), std::string::npos);
    EXPECT_NE(html.find("No confusion matrix is stored"), std::string::npos);
    EXPECT_EQ(document.texts("//h:table[@id='parameters-table']//h:th"),
              (std::vector<std::string>{"classes", "lr"}));
    EXPECT_THROW(buildRunReport(project, run + 1), Error);
}

TEST_F(ReportContentTest, MistakesAreHeldOutFirstMostConfidentFirstAndEscaped) {
    store::RunRepository runs(project.database());
    runs.putConfusionMatrix(run, {0, "val", {kOddClass, "right"}, {3, 1, 0, 4}});
    const auto [trainId, trainPath] = sample("train", 0);
    const auto [valA, valPathA] = sample("val", 0);
    const auto [valB, valPathB] = sample("val", 1);
    const auto [testId, testPath] = sample("test", 0);
    const auto [rightId, rightPath] = sample("test", 1);
    // Wrong: train 0.99, test 0.9, val 0.8, val 0.7; right: 0.995. Only three are shown.
    store::ReviewRepository(project.database())
        .putSamplePredictions(
            run, {{trainId, "train", 0, 1, 0.99, 0.01, 0.98, 4.6, {0.01f, 0.99f}},
                  {valA, "val", 0, 1, 0.7, 0.3, 0.4, 1.2, {0.3f, 0.7f}},
                  {valB, "val", 1, 0, 0.8, 0.2, 0.6, 1.6, {0.8f, 0.2f}},
                  {testId, "test", 0, 1, 0.9, 0.1, 0.8, 2.3, {0.1f, 0.9f}},
                  {rightId, "test", 0, 0, 0.995, 0.995, 0.99, 0.01, {0.995f, 0.005f}}});
    // The test sample's file is gone: it is still listed, without a picture.
    ASSERT_TRUE(std::filesystem::remove(project.folder() / testPath)); // absolute or relative

    ReportOptions options;
    options.mistakes = 3;
    const RunReport report = buildRunReport(project, run, options);
    ASSERT_EQ(report.mistakes.size(), 3u);
    EXPECT_EQ(report.mistakes[0].sampleId, testId);
    EXPECT_EQ(report.mistakes[1].sampleId, valB);
    EXPECT_EQ(report.mistakes[2].sampleId, valA);
    EXPECT_FALSE(report.mistakes[0].thumbnail.has_value());
    EXPECT_TRUE(report.mistakes[1].thumbnail.has_value());
    EXPECT_EQ(report.mistakes[1].path, valPathB);

    const std::string html = renderReportHtml(report, dataUri);
    const testing::XmlDocument document(html);
    ASSERT_TRUE(document.parsed()) << document.errors();
    EXPECT_EQ(document.texts("//h:tr[@class='mistake']/h:td[3]"),
              (std::vector<std::string>{std::string(kOddClass) + " \u2192 right",
                                        std::string("right \u2192 ") + kOddClass,
                                        std::string(kOddClass) + " \u2192 right"}));
    EXPECT_EQ(document.texts("//h:tr[@class='mistake']/h:td[4]"),
              (std::vector<std::string>{"90.0 %", "80.0 %", "70.0 %"}));
    EXPECT_EQ(document.text("//h:tr[@class='mistake'][1]/h:td[1]"), "(image unreadable)");
    EXPECT_EQ(document.texts("//h:tr[@class='mistake']//h:img").size(), 2u);
    EXPECT_EQ(html.find("left & <co>"), std::string::npos);

    // Shading is by share of the row, in both forms Qt and browsers read.
    const auto cells =
        document.texts("//h:table[@id='confusion-val']//h:td[@class='count']/@bgcolor");
    const auto styles =
        document.texts("//h:table[@id='confusion-val']//h:td[@class='count']/@style");
    ASSERT_EQ(cells.size(), 4u);
    EXPECT_EQ(cells[1], "#c8d9ea"); // a quarter of the row
    EXPECT_EQ(cells[2], "#ffffff"); // none of it
    for (std::size_t i = 0; i < cells.size(); ++i) {
        EXPECT_NE(styles[i].find("background-color: " + cells[i]), std::string::npos) << i;
    }
}

TEST(ReportFormat, NumbersAreWrittenOneWayEverywhere) {
    EXPECT_EQ(formatPercent(0.938), "93.8 %");
    EXPECT_EQ(formatPercent(1.0), "100.0 %");
    EXPECT_EQ(formatLoss(0.123456), "0.1235");
    EXPECT_EQ(formatLoss(12.3456), "12.35");
    EXPECT_EQ(formatScore(0.8), "0.800");
    EXPECT_EQ(formatCount(1234567), "1,234,567");
    EXPECT_EQ(formatCount(999), "999");
    EXPECT_EQ(formatDuration(42), "42.0 s");
    EXPECT_EQ(formatDuration(187), "3 min 07 s");
    EXPECT_EQ(formatDuration(7500), "2 h 05 min");
    EXPECT_EQ(secondsBetween("2024-05-01T23:59:58.500Z", "2024-05-02T00:00:01.000Z"), 2.5);
    EXPECT_FALSE(secondsBetween("", "2024-05-02T00:00:01.000Z").has_value());
}

TEST(ReportFormat, EscapedTextIsSafeInHtmlAndXml) {
    EXPECT_EQ(escapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    EXPECT_EQ(escapeHtml("tab\tnew\nbell\x07"), "tab\tnew\nbell");
    EXPECT_EQ(escapeHtml("caf\xC3\xA9 \xE2\x86\x92"), "caf\xC3\xA9 \xE2\x86\x92"); // UTF-8 kept
    EXPECT_EQ(escapeHtml("caf\xE9."), "caf\xEF\xBF\xBD.");         // Latin-1 byte replaced
    EXPECT_EQ(escapeHtml("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD"); // overlong '/' refused
    EXPECT_EQ(escapeHtml("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
}

TEST(ReportCharts, DrawsEachSeriesInItsColourAndCopesWithGaps) {
    LineChart chart{"Loss", "epoch", "loss", {}, false, true, std::nullopt, std::nullopt, true};
    chart.series.push_back({"train", {255, 0, 0}, {1, 2, 3}, {0.9, 0.5, 0.3}});
    chart.series.push_back({"val", {0, 0, 255}, {1, 2, 3}, {1.0, std::nan(""), 0.4}});
    const ReportImage image = drawLineChart(chart, "loss.png", 600, 300);
    EXPECT_EQ(image.name, "loss.png");
    const cv::Mat decoded =
        cv::imdecode(std::vector<uchar>(image.png.begin(), image.png.end()), cv::IMREAD_COLOR);
    ASSERT_EQ(decoded.cols, 600);
    ASSERT_EQ(decoded.rows, 300);
    const auto pixels = [&](cv::Vec3b bgr) {
        int count = 0;
        for (auto pixel = decoded.begin<cv::Vec3b>(); pixel != decoded.end<cv::Vec3b>(); ++pixel) {
            count += *pixel == bgr ? 1 : 0;
        }
        return count;
    };
    EXPECT_GT(pixels({0, 0, 255}), 50); // red, in OpenCV's BGR order
    EXPECT_GT(pixels({255, 0, 0}), 50); // blue

    const ReportImage empty = drawLineChart(LineChart{}, "empty.png", 600, 300);
    EXPECT_FALSE(
        cv::imdecode(std::vector<uchar>(empty.png.begin(), empty.png.end()), cv::IMREAD_COLOR)
            .empty());
}

} // namespace
} // namespace kestrel::report
