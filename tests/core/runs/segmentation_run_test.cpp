// Segmentation from project to line: which samples a run uses and with what targets, then one
// tiny real run that records its per-pixel figures, exports to both formats (each verified
// pixel by pixel) and predicts masks at the files' sizes.
#include "common/error.h"
#include "dataset/importer.h"
#include "export/run_export.h"
#include "imaging/decode.h"
#include "infer/batched_inference.h"
#include "infer/eager_forward.h"
#include "infer/exported_model.h"
#include "infer/segmentation_predictor.h"
#include "project/project.h"
#include "review/confusion_cell.h"
#include "review/run_saliency.h"
#include "runs/segmentation_data.h"
#include "runs/trained_run.h"
#include "runs/training_session.h"
#include "segmentation_scans.h"
#include "store/run_repository.h"
#include "store/sample_repository.h"
#include "temp_dir.h"
#include "train/training_events.h"
#include "training_fixture.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

namespace kestrel::runs {
namespace {

using kestrel::testing::SegmentationScans;
using kestrel::testing::TempDir;

class SegmentationRunTest : public ::testing::Test {
protected:
    // The scans lie inside the project: the images held out for validation are chosen by
    // stored path, which outside it would hold the temporary folder's random name.
    void SetUp() override {
        scans = testing::writeSegmentationCoco(dir / "project/scans", 15, 11, 32);
        dataset::importSource(project, scans.folder, {});
    }

    train::TrainOptions tinyOptions() const {
        train::TrainOptions options;
        options.task = TaskKind::Segmentation;
        options.model = "unet";
        options.imageSize = 32;
        options.channels = 3;
        options.mean = {0.5, 0.5, 0.5};
        options.std = {0.25, 0.25, 0.25};
        options.epochs = 2;
        options.batchSize = 4;
        options.optimizer = train::OptimizerKind::AdamW;
        options.schedule.baseLr = 2e-3;
        options.labelSmoothing = 0;
        options.monitor = "val_miou";
        options.device = "cpu";
        options.workers = 1;
        options.threads = 1;
        options.seed = 3;
        options.augmentation.horizontalFlip = 0.5;
        options.augmentation.rotate90 = 0.5;
        return options;
    }

    TempDir dir;
    SegmentationScans scans;
    Project project = Project::create(dir / "project");
};

TEST_F(SegmentationRunTest, UsesPaintedAndCleanSamplesWithBackgroundFirst) {
    const ProjectTrainingData data = loadSegmentationData(project, 0);
    EXPECT_EQ(data.data.classes,
              (std::vector<std::string>{"background", "scratch", "spot", "crack"}));
    const std::size_t used =
        data.data.train.size() + data.data.validation.size() + data.data.test.size();
    EXPECT_EQ(used, 15u);
    EXPECT_EQ(data.skipped, 0);
    for (const auto* split : {&data.data.train, &data.data.validation, &data.data.test}) {
        for (const auto& sample : *split) {
            const std::string name = std::filesystem::path(sample.path).filename().string();
            const bool clean = scans.defects.at(name).empty();
            EXPECT_EQ(sample.label, clean ? 0 : 1) << name;
            EXPECT_EQ(sample.regions.size(), scans.defects.at(name).size()) << name;
            EXPECT_GT(sample.imageWidth, 0);
        }
    }

    // A clean image labelled as a defect has no known pixels: left out, and counted.
    store::SampleRepository samples(project.database());
    const auto classes = samples.classIdsByName();
    std::int64_t cleanSample = 0;
    for (const auto& row : samples.samples()) {
        if (scans.defects.at(std::filesystem::path(row.path).filename().string()).empty()) {
            cleanSample = row.id;
            break;
        }
    }
    ASSERT_GT(cleanSample, 0);
    samples.setUserLabel(cleanSample, classes.at("spot"));
    const ProjectTrainingData relabelled = loadSegmentationData(project, 0);
    EXPECT_EQ(relabelled.skipped, 1);
    EXPECT_NE(relabelled.fingerprint, data.fingerprint);
}

TEST_F(SegmentationRunTest, ATinyRunRecordsExportsVerifiedAndPredictsMasks) {
    auto session = TrainingSession::create(project, tinyOptions());
    train::NullObserver none;
    const train::TrainingFinished finished = session->run(none);
    ASSERT_EQ(finished.status, train::TrainingFinished::Status::Completed) << finished.reason;
    for (const char* name : {"test_miou", "test_accuracy", "test_escape_rate",
                             "test_false_reject_rate", "test_ok_as_ok", "test_ng_as_ng"}) {
        ASSERT_TRUE(finished.finalMetrics.count(name)) << name;
        EXPECT_GE(finished.finalMetrics.at(name), 0.0) << name;
    }
    EXPECT_LE(finished.finalMetrics.at("test_miou"), 1.0);
    store::RunRepository runs(project.database());
    EXPECT_EQ(runs.get(session->runId()).task, "segmentation");
    EXPECT_EQ(runs.metrics(session->runId(), "val_miou").size(), 2u);

    // Each validation image keeps its own pixel matrix, and together they are the run's: what
    // a click on a cell of the window's matrix lists images by.
    const auto validation = runs.predictions(session->runId(), "val");
    ASSERT_EQ(validation.size(), session->data().data.validation.size());
    const auto matrix = runs.confusionMatrix(session->runId(), "val");
    ASSERT_TRUE(matrix);
    ASSERT_EQ(matrix->counts.size(), 16u);
    std::vector<std::int64_t> summed(16, 0);
    for (const auto& prediction : validation) {
        ASSERT_EQ(prediction.pixels.size(), 16u);
        std::int64_t pixels = 0;
        for (std::size_t cell = 0; cell < 16; ++cell) {
            summed[cell] += prediction.pixels[cell];
            pixels += prediction.pixels[cell];
        }
        EXPECT_EQ(pixels, 32 * 32) << "sample " << prediction.sampleId;
    }
    EXPECT_EQ(summed, matrix->counts);
    const review::CellSamples background = review::cellSamples(validation, 0, 0);
    EXPECT_TRUE(background.pixelCounts);
    EXPECT_EQ(background.samples.size(), validation.size()); // every image has background
    // The test images' verdicts add up to the test split.
    const double images =
        finished.finalMetrics.at("test_ok_as_ok") + finished.finalMetrics.at("test_ok_as_ng") +
        finished.finalMetrics.at("test_ng_as_ok") + finished.finalMetrics.at("test_ng_as_ng");
    EXPECT_EQ(static_cast<std::size_t>(images), session->data().data.test.size());

    exporting::ExportRequest request;
    request.run = session->runId();
    const auto files = exporting::exportRun(project, request);
    ASSERT_EQ(files.size(), 2u);
    const std::filesystem::path image =
        project.absolutePath(store::SampleRepository(project.database()).samples().front().path);
    const cv::Mat original = cv::imread(image.string(), cv::IMREAD_UNCHANGED);
    std::vector<std::vector<std::uint8_t>> masks;
    for (const auto& file : files) {
        const auto model = infer::openExportedModel(file.file, {"cpu", true});
        ASSERT_TRUE(model->metadata().segmentation);
        EXPECT_EQ(model->metadata().segmentation->passes, 1); // averageMirrors is off
        EXPECT_EQ(model->metadata().classes.front(), "background");
        const auto predictions = infer::predictSegmentation(*model, {image, dir / "missing.png"});
        ASSERT_EQ(predictions.size(), 2u);
        const auto& prediction = predictions[0];
        ASSERT_TRUE(prediction.error.empty()) << prediction.error;
        EXPECT_EQ(prediction.width, original.cols);
        EXPECT_EQ(prediction.height, original.rows);
        double total = 0;
        for (const double area : prediction.areas) {
            total += area;
        }
        EXPECT_DOUBLE_EQ(total, static_cast<double>(original.total()));
        EXPECT_TRUE(prediction.verdict == "OK" || prediction.verdict == "NG");
        EXPECT_LE(*std::max_element(prediction.classes.begin(), prediction.classes.end()), 3);
        EXPECT_NE(predictions[1].error.find("missing.png"), std::string::npos);
        masks.push_back(prediction.classes);
    }
    // The two runtimes agree on (nearly) every pixel of the file-sized mask.
    std::size_t differing = 0;
    for (std::size_t i = 0; i < masks[0].size(); ++i) {
        differing += masks[0][i] != masks[1][i] ? 1 : 0;
    }
    EXPECT_LE(differing, masks[0].size() / 100);
}

// With keepImageScale the scans (about 32 px) sit at their own scale in a 48 px input: the run says
// so, its export pads the same way, and the predicted masks come back in the file's pixels.
TEST_F(SegmentationRunTest, APaddedRunKeepsEachPartsPixelsThroughExport) {
    train::TrainOptions options = tinyOptions();
    options.imageSize = 48;
    options.keepImageScale = true;
    options.epochs = 1;
    auto session = TrainingSession::create(project, options);
    train::NullObserver none;
    const train::TrainingFinished finished = session->run(none);
    ASSERT_EQ(finished.status, train::TrainingFinished::Status::Completed) << finished.reason;
    store::RunRepository runs(project.database());
    EXPECT_EQ(runs.params(session->runId()).at("keep_image_scale"), "true");
    // A validation image's pixel matrix covers the whole input, its border as background.
    const auto validation = runs.predictions(session->runId(), "val");
    ASSERT_FALSE(validation.empty());
    std::int64_t pixels = 0;
    for (const std::int64_t count : validation.front().pixels) {
        pixels += count;
    }
    EXPECT_EQ(pixels, 48 * 48);

    exporting::ExportRequest request;
    request.run = session->runId();
    request.formats = {infer::ModelFormat::TorchScript};
    const auto files = exporting::exportRun(project, request);
    ASSERT_EQ(files.size(), 1u);
    const auto model = infer::openExportedModel(files.front().file, {"cpu", true});
    EXPECT_EQ(model->metadata().resize, "pad");
    EXPECT_EQ(model->metadata().width, 48);
    const std::filesystem::path image =
        project.absolutePath(store::SampleRepository(project.database()).samples().front().path);
    const cv::Mat original = cv::imread(image.string(), cv::IMREAD_UNCHANGED);
    ASSERT_LE(std::max(original.cols, original.rows), 48); // it fits: no resampling
    const auto prediction = infer::predictSegmentation(*model, {image}).front();
    ASSERT_TRUE(prediction.error.empty()) << prediction.error;
    EXPECT_EQ(prediction.width, original.cols);
    EXPECT_EQ(prediction.height, original.rows);
    EXPECT_EQ(prediction.classes.size(), original.total());

    // The window's overlay (review::RunSaliency) places the image as training did: its heat,
    // 1 - P(background) at the file's size, is the trained model's on the padded input with
    // the padding cut off; stretched, an untrained model's probabilities already differ.
    review::RunSaliency overlay(project, session->runId());
    ASSERT_TRUE(overlay.isSegmentation());
    const infer::Saliency explained = overlay.explain(image);
    ASSERT_EQ(explained.heat.size(), original.size());
    runs::TrainedRun trained = runs::loadTrainedRun(project, session->runId());
    const infer::ModelMetadata metadata = runs::modelMetadata(trained);
    const imaging::ImageSpec padded = infer::inputSpec(metadata);
    ASSERT_EQ(padded.resize, imaging::ImageSpec::Resize::Pad);
    const infer::EagerOutput eager = infer::runEagerOnFile(*trained.model, metadata, padded, image);
    const torch::Tensor background = torch::softmax(eager.output, 1)[0][0].contiguous();
    const cv::Mat inputPlane(padded.height, padded.width, CV_32F, background.data_ptr<float>());
    cv::Mat atFileSize;
    cv::resize(inputPlane(imaging::conformedArea(original.size(), padded)), atFileSize,
               original.size(), 0, 0, cv::INTER_LINEAR);
    const cv::Mat expected = 1.0 - atFileSize;
    EXPECT_LT(cv::norm(explained.heat, expected, cv::NORM_INF), 1e-5);
}

std::vector<double> series(Project& project, std::int64_t run, const std::string& name) {
    std::vector<double> values;
    for (const auto& point : store::RunRepository(project.database()).metrics(run, name)) {
        values.push_back(point.value);
    }
    return values;
}

// After the crops, the last epochs train on whole images on a schedule of their own: a run
// cancelled just before them and resumed builds its loader and optimizer as the straight run
// switched them, and ends with the same weights.
TEST_F(SegmentationRunTest, WholeImageEpochsRestartTheScheduleAndAResumeBeforeThemEndsTheSame) {
    train::TrainOptions options = tinyOptions();
    options.cropSize = 16;
    options.defectCropShare = 0.9;
    options.epochs = 3;
    options.wholeImageEpochs = 1;
    options.emaHorizon = 5;
    options.schedule.kind = train::LrScheduleOptions::Kind::OneCycle;
    store::RunRepository runs(project.database());
    train::NullObserver none;
    auto straight = TrainingSession::create(project, options);
    const train::TrainingFinished done = straight->run(none);
    ASSERT_EQ(done.status, train::TrainingFinished::Status::Completed) << done.reason;
    EXPECT_EQ(runs.params(straight->runId()).at("whole_image_epochs"), "1");
    // Each epoch records its last step's rate: the crops' one-cycle ends at its floor, and
    // the whole images' starts over, at most a tenth of the run's rate.
    const auto rates = series(project, straight->runId(), "lr");
    ASSERT_EQ(rates.size(), 3u);
    EXPECT_NEAR(rates[1], 2e-3 / 25 / 1e4, 1e-12);
    EXPECT_GT(rates[2], 100 * rates[1]);
    EXPECT_LE(rates[2], 0.1 * 2e-3 + 1e-12);

    auto interrupted = TrainingSession::create(project, options);
    testing::CancelAtEpoch cancel(*interrupted, 2);
    ASSERT_EQ(interrupted->run(cancel).status, train::TrainingFinished::Status::Cancelled);
    auto resumed = TrainingSession::resume(project, interrupted->runId());
    const train::TrainingFinished second = resumed->run(none);
    ASSERT_EQ(second.status, train::TrainingFinished::Status::Completed) << second.reason;

    const auto straightLosses = series(project, straight->runId(), "val_loss");
    const auto resumedLosses = series(project, interrupted->runId(), "val_loss");
    ASSERT_EQ(straightLosses.size(), resumedLosses.size());
    for (std::size_t i = 0; i < straightLosses.size(); ++i) {
        EXPECT_NEAR(straightLosses[i], resumedLosses[i], 1e-6) << "epoch " << i + 1;
    }
    const TrainedRun a = loadTrainedRun(project, straight->runId());
    const TrainedRun b = loadTrainedRun(project, interrupted->runId());
    const auto expected = a.model->named_parameters();
    for (const auto& item : b.model->named_parameters()) {
        EXPECT_TRUE(torch::allclose(item.value(), expected[item.key()], 1e-6, 1e-7)) << item.key();
    }

    // Without crops there is nothing to follow: refused with the value at fault.
    options.cropSize = 0;
    try {
        TrainingSession::create(project, options);
        FAIL() << "whole-image epochs without crops were accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("not 1."), std::string::npos) << error.what();
    }
}

TEST_F(SegmentationRunTest, RefusesAMinimumAreaForAClassItDoesNotSegment) {
    train::TrainOptions options = tinyOptions();
    options.minimumAreas = {inspection::parseMinimumArea("dent=20")};
    try {
        TrainingSession::create(project, options);
        FAIL() << "a run with an unknown class's minimum area started";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("dent=20"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(store::RunRepository(project.database()).list().empty()); // nothing recorded
}

} // namespace
} // namespace kestrel::runs
