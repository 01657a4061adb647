// The run report of a real (tiny) training run, parsed back as strict XML: every number it
// shows must be the one the store holds, every image must be an embedded PNG, and user text
// must come through escaped.
#include "common/base64.h"
#include "report/report_html.h"
#include "report/run_report.h"
#include "report_xml.h"
#include "runs/training_session.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "training_fixture.h"

#include <algorithm>
#include <cstdio>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

namespace kestrel::report {
namespace {

constexpr const char* kDataPrefix = "data:image/png;base64,";

train::TrainOptions tinyOptions() {
    train::TrainOptions options;
    options.model = "smallcnn";
    options.imageSize = 16;
    options.channels = 1;
    options.epochs = 2;
    options.batchSize = 16;
    options.schedule.baseLr = 0.05;
    options.device = "cpu";
    options.workers = 1;
    options.threads = 1;
    options.seed = 5;
    return options;
}

// Written here independently of report_format, so a formatting slip there shows.
std::string percentText(double fraction) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %%", 100 * fraction);
    return text;
}

class ReportTest : public ::testing::Test {
protected:
    void SetUp() override {
        // Two validation images of "left" labelled "right": the model, taught on correct
        // labels, gets them "wrong", so the mistakes section has something to show.
        project.database().execute(
            "UPDATE labels SET class_id = (SELECT id FROM classes WHERE name = 'right') "
            "WHERE sample_id IN (SELECT s.id FROM samples s JOIN labels l ON l.sample_id = s.id "
            "JOIN classes c ON c.id = l.class_id WHERE s.split = 'val' AND c.name = 'left' "
            "ORDER BY s.id LIMIT 2)");
        auto session = runs::TrainingSession::create(project, tinyOptions());
        train::NullObserver none;
        const auto finished = session->run(none);
        ASSERT_EQ(finished.status, train::TrainingFinished::Status::Completed) << finished.reason;
        run = session->runId();
    }

    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir, 24);
    std::int64_t run = 0;
};

TEST_F(ReportTest, TheHtmlShowsExactlyWhatTheStoreHolds) {
    store::RunRepository runs(project.database());
    runs.setNotes(run, "Checked by Q&A <line 3>\n\"ok\" to ship");
    const RunReport report = buildRunReport(project, run);
    const std::string html = renderReportHtml(report, dataUri);

    ASSERT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    const testing::XmlDocument document(html);
    ASSERT_TRUE(document.parsed()) << document.errors();
    EXPECT_NE(document.text("/h:html/h:head/h:title").find("Run " + std::to_string(run)),
              std::string::npos);
    EXPECT_EQ(document.texts("//h:script").size(), 0u);

    // The confusion matrices, cell by cell, in the stored order (rows = true class).
    for (const std::string split : {"val", "test"}) {
        const auto stored = runs.confusionMatrix(run, split);
        ASSERT_TRUE(stored.has_value()) << split;
        std::vector<std::string> expected;
        for (const auto count : stored->counts) {
            expected.push_back(std::to_string(count));
        }
        EXPECT_EQ(document.texts("//h:table[@id='confusion-" + split + "']//h:td[@class='count']"),
                  expected)
            << split;
    }

    const auto metrics = runs.latestMetrics(run);
    EXPECT_EQ(document.text("//*[@id='val-accuracy']"), percentText(metrics.at("val_accuracy")));
    EXPECT_EQ(document.text("//*[@id='test-accuracy']"), percentText(metrics.at("test_accuracy")));
    for (const std::string split : {"val", "test"}) {
        EXPECT_EQ(document.texts("//h:table[@id='classes-" + split +
                                 "']//h:tr[@class='class-row']/h:td[1]"),
                  (std::vector<std::string>{"left", "right"}))
            << split;
    }

    // The user's text comes back exactly, having been escaped on the way.
    EXPECT_EQ(document.text("//*[@id='notes']"), "Checked by Q&A <line 3>\"ok\" to ship");
    EXPECT_NE(html.find("Q&amp;A &lt;line 3&gt;"), std::string::npos);

    // The most confident wrong validation predictions, most confident first.
    std::vector<double> wrong;
    for (const auto& prediction : runs.predictions(run, "val")) {
        if (prediction.predicted != prediction.truth) {
            wrong.push_back(prediction.confidence);
        }
    }
    std::sort(wrong.rbegin(), wrong.rend());
    ASSERT_FALSE(wrong.empty());
    const auto rows = document.texts("//h:tr[@class='mistake']/h:td[4]");
    ASSERT_EQ(rows.size(), std::min<std::size_t>(wrong.size(), 12));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i], percentText(wrong[i])) << i;
    }

    // Every image is embedded: a data: URI whose bytes are a PNG OpenCV can decode. Two
    // curves, and a thumbnail per mistake (16 px samples enlarged to be seen).
    const auto sources = document.texts("//h:img/@src");
    EXPECT_EQ(sources.size(), 2 + rows.size());
    for (const auto& source : sources) {
        ASSERT_EQ(source.rfind(kDataPrefix, 0), 0u) << source.substr(0, 40);
        const std::string png = base64Decode(source.substr(std::string(kDataPrefix).size()));
        ASSERT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
        const cv::Mat image =
            cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_UNCHANGED);
        EXPECT_GE(std::max(image.cols, image.rows), 96);
    }
}

} // namespace
} // namespace kestrel::report
