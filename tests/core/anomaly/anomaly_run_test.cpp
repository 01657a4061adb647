#include "anomaly/anomaly_model.h"
#include "anomaly/anomaly_session.h"
#include "anomaly_surfaces.h"
#include "common/error.h"
#include "dataset/importer.h"
#include "export/run_export.h"
#include "infer/anomaly_predictor.h"
#include "infer/exported_model.h"
#include "inspection/anomaly_metrics.h"
#include "models/resnet.h"
#include "project/project.h"
#include "report/report_html.h"
#include "report/run_report.h"
#include "review/run_saliency.h"
#include "store/review_repository.h"
#include "store/run_repository.h"
#include "store/sample_repository.h"
#include "temp_dir.h"

#include <map>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

namespace kestrel::anomaly {
namespace {

// How far apart two normalised scores are in raw units, as a share of the raw threshold: the
// scale export verification holds scores to (a narrow validation spread would magnify float32
// rounding in normalised units).
double rawGap(const AnomalyModel& model, double a, double b) {
    const ScoreNormalisation& n = model.normalisation();
    return std::abs(a - b) * (n.imageMax - n.imageMin) / n.threshold;
}

// Generated woven surfaces at 64 px in the MVTec layout, imported: 36 good training images
// (4 held out for validation), 12 good and 3 x 6 defective test images with masks. They lie
// inside the project: the held-out images are chosen by stored path, which for files outside
// it would hold the temporary folder's random name, and so change from run to run.
class AnomalyRunTest : public ::testing::Test {
protected:
    void SetUp() override {
        project_ = std::make_unique<Project>(Project::create(dir_ / "project"));
        testing::writeSurfaceSet(surfaces_, 64, 36, 12, 6, 11);
        dataset::ImportOptions import;
        import.format = dataset::ImportFormat::MvTec;
        dataset::importSource(*project_, surfaces_, import);
    }

    static AnomalyOptions options(AnomalyMethod method) {
        AnomalyOptions options;
        options.method = method;
        options.imageSize = 64;
        options.padimChannels = 40;
        options.device = "cpu";
        options.threads = 1;
        options.workers = 1;
        options.seed = 3;
        return options;
    }

    AnomalyRunSummary fit(AnomalyMethod method) {
        auto session = AnomalySession::create(*project_, options(method));
        notices_ = session->notices();
        return session->run({});
    }

    // The plainest detector: each pixel's distance from the mean good training image, and an
    // image's largest. Returns its (image, pixel) AUROC on the test split.
    std::pair<double, double> meanImageBaseline() const {
        const auto read = [](const std::filesystem::path& file, int flags) {
            cv::Mat image = cv::imread(file.string(), flags);
            image.convertTo(image, CV_32F);
            return image;
        };
        cv::Mat mean = cv::Mat::zeros(64, 64, CV_32F);
        int count = 0;
        for (const auto& entry : std::filesystem::directory_iterator(surfaces_ / "train/good")) {
            mean += read(entry.path(), cv::IMREAD_GRAYSCALE);
            ++count;
        }
        mean /= count;
        std::vector<float> scores;
        std::vector<std::uint8_t> defect;
        std::vector<float> pixels;
        std::vector<std::uint8_t> truth;
        for (const auto& folder : std::filesystem::directory_iterator(surfaces_ / "test")) {
            const std::string kind = folder.path().filename().string();
            for (const auto& entry : std::filesystem::directory_iterator(folder.path())) {
                const cv::Mat difference = cv::abs(read(entry.path(), cv::IMREAD_GRAYSCALE) - mean);
                double largest = 0;
                cv::minMaxLoc(difference, nullptr, &largest);
                scores.push_back(static_cast<float>(largest));
                defect.push_back(kind != "good");
                const cv::Mat mask = kind == "good"
                                         ? cv::Mat::zeros(64, 64, CV_32F)
                                         : read(surfaces_ / "ground_truth" / kind /
                                                    (entry.path().stem().string() + "_mask.png"),
                                                cv::IMREAD_GRAYSCALE);
                pixels.insert(pixels.end(), difference.begin<float>(), difference.end<float>());
                for (auto it = mask.begin<float>(); it != mask.end<float>(); ++it) {
                    truth.push_back(*it > 0);
                }
            }
        }
        return {inspection::areaUnderRoc(scores, defect), inspection::areaUnderRoc(pixels, truth)};
    }

    testing::TempDir dir_;
    std::unique_ptr<Project> project_;
    const std::filesystem::path surfaces_ = dir_ / "project/surfaces";
    std::vector<std::string> notices_;
};

TEST_F(AnomalyRunTest, PatchCoreFindsTheDefectsAndRecordsTheRun) {
    const auto summary = fit(AnomalyMethod::PatchCore);
    ASSERT_EQ(summary.status, "completed") << summary.reason;
    // Random weights: well above chance, below what ImageNet weights give. On twelve
    // generated sets (seeds 1-12) they gave image AUROC 0.74-0.92, pixel AUROC 0.75-0.86 and
    // PRO 0.58-0.66. Comparing each image with the mean good one gave 0.73-0.90: the set is
    // not solved that way (the weave's lighting, phase and rotation vary as much as many
    // defects change it); bench/'s harder set measures.
    EXPECT_GT(summary.metrics.at("test_image_auroc"), 0.7);
    EXPECT_LT(meanImageBaseline().first, 0.95);
    EXPECT_GT(summary.metrics.at("test_pixel_auroc"), 0.7);
    EXPECT_GT(summary.metrics.at("test_pro"), 0.4);
    EXPECT_EQ(summary.trainImages, 32);
    EXPECT_EQ(summary.testImages, 30);
    // 32 images of 8 x 8 patches, a tenth kept.
    EXPECT_EQ(summary.memoryRows, 205);
    EXPECT_EQ(summary.featureDimensions, 192); // layer1 + layer2: no pretrained weights
    ASSERT_EQ(notices_.size(), 3U);
    EXPECT_NE(notices_[1].find("No pretrained weights"), std::string::npos);
    EXPECT_NE(notices_[2].find("no defective image"), std::string::npos);

    store::RunRepository runs(project_->database());
    const auto record = runs.get(summary.runId);
    EXPECT_EQ(record.task, "anomaly");
    EXPECT_EQ(record.status, "completed");
    EXPECT_EQ(runs.params(summary.runId).at("method"), "patchcore");
    EXPECT_EQ(runs.params(summary.runId).at("layers"), "[1,2]");
    EXPECT_NE(notices_[0].find("resnet18's layer1+layer2"), std::string::npos) << notices_[0];
    const auto stored = runs.latestMetrics(summary.runId);
    EXPECT_DOUBLE_EQ(stored.at("test_image_auroc"), summary.metrics.at("test_image_auroc"));
    const auto confusion = runs.confusionMatrix(summary.runId, "test");
    ASSERT_TRUE(confusion);
    EXPECT_EQ(confusion->classes, (std::vector<std::string>{"good", "defect"}));
    std::int64_t total = 0;
    for (const auto count : confusion->counts) {
        total += count;
    }
    EXPECT_EQ(total, 30);
    EXPECT_EQ(runs.predictions(summary.runId, "test").size(), 30U);

    // Measured again from the saved model: the same figures.
    auto fitted = loadAnomalyRun(*project_, summary.runId);
    const auto evaluation = evaluateAnomalyRun(*project_, fitted, "test");
    EXPECT_NEAR(evaluation.metrics.at("image_auroc"), summary.metrics.at("test_image_auroc"), 1e-9);
    EXPECT_NEAR(evaluation.metrics.at("pixel_auroc"), summary.metrics.at("test_pixel_auroc"), 1e-9);
    // By default the random backbone keeps torchvision's initial statistics.
    const auto mean = fitted.model->backbone().named_buffers()["bn1.running_mean"];
    EXPECT_EQ(mean.abs().sum().item<double>(), 0.0);
}

TEST_F(AnomalyRunTest, TheBrowserReviewsValidationAndTestScoresAndTheViewerTheirMaps) {
    const auto summary = fit(AnomalyMethod::PatchCore);
    ASSERT_EQ(summary.status, "completed") << summary.reason;
    store::RunRepository runs(project_->database());
    std::map<std::int64_t, double> recorded;
    for (const std::string split : {"val", "test"}) {
        for (const auto& prediction : runs.predictions(summary.runId, split)) {
            recorded[prediction.sampleId] = prediction.confidence;
        }
    }
    // The same scores as the browser reads them; training images, which built the memory
    // bank, get none.
    const auto reviewed =
        store::ReviewRepository(project_->database()).samplePredictions(summary.runId);
    ASSERT_EQ(reviewed.size(), 34U);
    for (const auto& record : reviewed) {
        EXPECT_NE(record.split, "train");
        ASSERT_EQ(record.probabilities.size(), 2U);
        EXPECT_NEAR(record.confidence, recorded.at(record.sampleId), 1e-6);
        EXPECT_NEAR(record.probabilities[1], record.confidence, 1e-6);
        EXPECT_EQ(record.predicted, record.confidence >= 0.5 ? 1 : 0) << record.confidence;
    }

    // The viewer's map: the stored score for the image, the map at the file's own size, and
    // the run's maps: their pixel AUROC is the run's, up to the ties that the normalisation's
    // clamp at 0 makes among the coldest pixels.
    review::RunSaliency saliency(*project_, summary.runId);
    EXPECT_TRUE(saliency.isAnomaly());
    EXPECT_EQ(saliency.classes(), (std::vector<std::string>{"good", "defect"}));
    std::map<std::int64_t, std::string> masks;
    for (const auto& [sample, path] : store::SampleRepository(project_->database()).maskFiles()) {
        masks[sample] = path;
    }
    const auto fitted = loadAnomalyRun(*project_, summary.runId);
    int defects = 0;
    int hotter = 0;
    std::vector<float> pixels;
    std::vector<std::uint8_t> truths;
    for (const auto& sample : fitted.data.data.test) {
        const auto explained = saliency.explain(sample.path);
        // Batches of one instead of sixteen: other kernels, so the reweighting's near ties can
        // break differently; held to export verification's bound (ARCHITECTURE.md).
        EXPECT_LT(rawGap(*fitted.model, explained.confidence, recorded.at(sample.sampleId)), 1e-2)
            << sample.path;
        EXPECT_EQ(explained.predicted, explained.confidence >= 0.5f ? 1 : 0);
        ASSERT_EQ(explained.heat.size(), cv::Size(64, 64));
        double low = 0;
        double high = 0;
        cv::minMaxLoc(explained.heat, &low, &high);
        EXPECT_GE(low, 0.0);
        EXPECT_LE(high, 1.0);
        const auto mask = masks.find(sample.sampleId);
        cv::Mat truth = cv::Mat::zeros(64, 64, CV_8U);
        if (mask != masks.end()) {
            truth =
                cv::imread(project_->absolutePath(mask->second).string(), cv::IMREAD_GRAYSCALE) > 0;
            ++defects;
            hotter += cv::mean(explained.heat, truth)[0] > cv::mean(explained.heat, ~truth)[0];
        }
        pixels.insert(pixels.end(), explained.heat.begin<float>(), explained.heat.end<float>());
        for (auto it = truth.begin<std::uint8_t>(); it != truth.end<std::uint8_t>(); ++it) {
            truths.push_back(*it != 0);
        }
    }
    EXPECT_EQ(defects, 18);
    EXPECT_GT(hotter, defects / 2);
    EXPECT_NEAR(inspection::areaUnderRoc(pixels, truths), summary.metrics.at("test_pixel_auroc"),
                0.05);

    // A file at another size gets a map at its size.
    const auto& first = fitted.data.data.test.front();
    cv::Mat larger;
    cv::resize(cv::imread(first.path), larger, {96, 80});
    const auto file = dir_ / "larger.png";
    cv::imwrite(file.string(), larger);
    EXPECT_EQ(saliency.explain(file).heat.size(), cv::Size(96, 80));
    EXPECT_THROW(saliency.explain(dir_ / "missing.png"), Error);
}

TEST_F(AnomalyRunTest, TheReportSpeaksOfVerdictsAndAnomalyFigures) {
    const auto summary = fit(AnomalyMethod::PatchCore);
    ASSERT_EQ(summary.status, "completed") << summary.reason;
    const auto report = report::buildRunReport(*project_, summary.runId);
    EXPECT_TRUE(report.anomaly);
    EXPECT_EQ(report.classes, (std::vector<std::string>{"good", "defect"}));
    EXPECT_TRUE(report.epochs.empty());
    EXPECT_TRUE(report.charts.empty());
    const auto auroc = std::find_if(report.anomalyFigures.begin(), report.anomalyFigures.end(),
                                    [](const auto& f) { return f.name == "image AUROC"; });
    ASSERT_NE(auroc, report.anomalyFigures.end());
    ASSERT_TRUE(auroc->test);
    EXPECT_DOUBLE_EQ(*auroc->test, summary.metrics.at("test_image_auroc"));

    // The mistakes are wrong verdicts, the surest (farthest from 0.5) first.
    std::int64_t wrong = 0;
    for (const auto& record :
         store::ReviewRepository(project_->database()).samplePredictions(summary.runId)) {
        wrong += record.predicted != record.truth;
    }
    EXPECT_EQ(static_cast<std::int64_t>(report.mistakes.size()), std::min<std::int64_t>(wrong, 12));
    double previous = 1.0;
    for (const auto& mistake : report.mistakes) {
        EXPECT_NE(mistake.truth, mistake.predicted);
        EXPECT_TRUE(mistake.predicted == "good" || mistake.predicted == "defect");
        EXPECT_EQ(mistake.predicted == "defect", mistake.confidence >= 0.5) << mistake.path;
        EXPECT_LE(std::abs(mistake.confidence - 0.5), previous + 1e-12);
        previous = std::abs(mistake.confidence - 0.5);
    }

    const std::string html = report::renderReportHtml(report, report::dataUri);
    EXPECT_NE(html.find("id=\"anomaly-figures\""), std::string::npos);
    EXPECT_NE(html.find("test image AUROC"), std::string::npos);
    EXPECT_EQ(html.find("Training curves"), std::string::npos);
    EXPECT_EQ(html.find("Per-class metrics"), std::string::npos);
    EXPECT_EQ(html.find("epoch"), std::string::npos) << "a fit has no epochs";
}

TEST_F(AnomalyRunTest, RecomputedBatchNormStatisticsAreKeptWithTheModel) {
    auto recompute = options(AnomalyMethod::PatchCore);
    recompute.recomputeBatchNorm = true;
    auto session = AnomalySession::create(*project_, recompute);
    EXPECT_NE(session->notices()[1].find("recomputed on the good images"), std::string::npos);
    const auto summary = session->run({});
    ASSERT_EQ(summary.status, "completed") << summary.reason;
    const auto fitted = loadAnomalyRun(*project_, summary.runId);
    EXPECT_TRUE(fitted.options.recomputeBatchNorm);
    auto buffers = fitted.model->backbone().named_buffers();
    // The stem's outputs on these images: positive and negative means, variances far from 1.
    EXPECT_GT(buffers["bn1.running_mean"].abs().sum().item<double>(), 0.0);
    EXPECT_GT((buffers["bn1.running_var"] - 1).abs().sum().item<double>(), 0.0);
    EXPECT_GT(buffers["layer2.1.bn2.running_mean"].abs().sum().item<double>(), 0.0);
    // layer3 and layer4 are not compared, so they keep their initial statistics.
    EXPECT_EQ(buffers["layer3.1.bn2.running_mean"].abs().sum().item<double>(), 0.0);
    EXPECT_EQ(buffers["layer4.1.bn2.running_mean"].abs().sum().item<double>(), 0.0);
}

TEST_F(AnomalyRunTest, ExportsAreVerifiedAndPredictWhatTheRunRecorded) {
    const auto summary = fit(AnomalyMethod::PatchCore);
    ASSERT_EQ(summary.status, "completed") << summary.reason;
    exporting::ExportRequest request;
    request.run = summary.runId;
    const auto files = exporting::exportRun(*project_, request);
    ASSERT_EQ(files.size(), 2U);
    store::RunRepository runs(project_->database());
    std::map<std::int64_t, double> recorded;
    for (const auto& prediction : runs.predictions(summary.runId, "test")) {
        recorded[prediction.sampleId] = prediction.confidence;
    }
    const auto fitted = loadAnomalyRun(*project_, summary.runId);
    std::vector<std::filesystem::path> images;
    std::vector<std::int64_t> ids;
    for (const auto& sample : fitted.data.data.test) {
        images.emplace_back(sample.path);
        ids.push_back(sample.sampleId);
    }
    for (const auto& file : files) {
        EXPECT_TRUE(file.verification.passed()) << file.verification.summary();
        EXPECT_EQ(file.verification.samples, 34); // 4 validation and 30 test images
        const auto model = infer::openExportedModel(file.file);
        ASSERT_TRUE(model->metadata().anomaly);
        EXPECT_EQ(model->metadata().anomaly->method, "patchcore");
        const auto predictions = infer::predictAnomalies(*model, images);
        for (std::size_t i = 0; i < predictions.size(); ++i) {
            ASSERT_TRUE(predictions[i].error.empty()) << predictions[i].error;
            EXPECT_LT(rawGap(*fitted.model, predictions[i].score, recorded.at(ids[i])), 1e-2)
                << images[i];
            EXPECT_EQ(predictions[i].map.size(), 64U * 64U);
        }
    }
}

TEST_F(AnomalyRunTest, PadimFitsAndExportsVerifiedToo) {
    const auto summary = fit(AnomalyMethod::Padim);
    ASSERT_EQ(summary.status, "completed") << summary.reason;
    EXPECT_EQ(summary.memoryRows, 16 * 16); // layer1's grid at 64 px
    EXPECT_EQ(summary.featureDimensions, 40);
    EXPECT_GT(summary.metrics.at("test_pixel_auroc"), 0.6);
    exporting::ExportRequest request;
    request.run = summary.runId;
    for (const auto& file : exporting::exportRun(*project_, request)) {
        EXPECT_TRUE(file.verification.passed()) << file.verification.summary();
    }
}

TEST_F(AnomalyRunTest, RefusesAProjectWithoutAGoodClassAndRecordsNothing) {
    auto wrong = options(AnomalyMethod::PatchCore);
    wrong.goodClass = "shiny";
    try {
        AnomalySession::create(*project_, wrong);
        FAIL() << "created a run without a good class";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("shiny"), std::string::npos) << error.what();
    }
    auto noSuchRun = options(AnomalyMethod::PatchCore);
    noSuchRun.weightsFromRun = 99;
    EXPECT_THROW(AnomalySession::create(*project_, noSuchRun), Error);
    EXPECT_EQ(store::RunRepository(project_->database()).count(), 0);
}

TEST_F(AnomalyRunTest, ACancelledFitIsRecordedAsCancelled) {
    auto session = AnomalySession::create(*project_, options(AnomalyMethod::PatchCore));
    session->cancel();
    const auto summary = session->run({});
    EXPECT_EQ(summary.status, "cancelled");
    EXPECT_EQ(store::RunRepository(project_->database()).get(summary.runId).status, "cancelled");
    EXPECT_FALSE(std::filesystem::exists(anomalyModelFile(*project_, summary.runId)));
}

} // namespace
} // namespace kestrel::anomaly
