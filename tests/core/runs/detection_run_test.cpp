// Detection from project to line: which samples a run uses and with what boxes, then one tiny
// real run that records COCO's figures and a matrix with a background row and column, exports
// to both formats (each verified box by box) and whose exports give the same boxes.
#include "dataset/importer.h"
#include "export/run_export.h"
#include "infer/detection_predictor.h"
#include "infer/exported_model.h"
#include "inspection/fcos_decoding.h"
#include "project/project.h"
#include "review/run_saliency.h"
#include "runs/detection_data.h"
#include "runs/training_session.h"
#include "segmentation_scans.h"
#include "store/run_repository.h"
#include "store/sample_repository.h"
#include "temp_dir.h"
#include "train/training_events.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace kestrel::runs {
namespace {

using kestrel::testing::SegmentationScans;
using kestrel::testing::TempDir;

class DetectionRunTest : public ::testing::Test {
protected:
    // The scans lie inside the project: the images held out for validation are chosen by
    // stored path, which outside it would hold the temporary folder's random name.
    void SetUp() override {
        scans = testing::writeSegmentationCoco(dir / "project/scans", 15, 17, 48);
        dataset::importSource(project, scans.folder, {});
    }

    static train::TrainOptions tinyOptions() {
        train::TrainOptions options;
        options.task = TaskKind::Detection;
        options.model = "fcos_small";
        options.imageSize = 64;
        options.channels = 3;
        options.mean = {0.5, 0.5, 0.5};
        options.std = {0.25, 0.25, 0.25};
        options.epochs = 2;
        options.batchSize = 4;
        options.optimizer = train::OptimizerKind::AdamW;
        options.schedule.baseLr = 1e-3;
        options.labelSmoothing = 0;
        options.monitor = "val_map50_95";
        options.device = "cpu";
        options.workers = 1;
        options.threads = 1;
        options.seed = 5;
        options.augmentation.horizontalFlip = 0.5;
        options.augmentation.rotate90 = 0.5;
        return options;
    }

    TempDir dir;
    SegmentationScans scans;
    Project project = Project::create(dir / "project");
};

TEST_F(DetectionRunTest, BoxesEveryDefectShapeAndKeepsCleanParts) {
    const ProjectTrainingData data = loadDetectionData(project, 0);
    EXPECT_EQ(data.data.classes, (std::vector<std::string>{"scratch", "spot", "crack"}));
    EXPECT_EQ(data.data.train.size() + data.data.validation.size() + data.data.test.size(), 15u);
    EXPECT_EQ(data.skipped, 0);
    for (const auto* split : {&data.data.train, &data.data.validation, &data.data.test}) {
        for (const auto& sample : *split) {
            const std::string name = std::filesystem::path(sample.path).filename().string();
            const auto& defects = scans.defects.at(name);
            EXPECT_EQ(sample.label, defects.empty() ? 0 : 1) << name;
            ASSERT_EQ(sample.boxes.size(), defects.size()) << name;
            for (std::size_t i = 0; i < defects.size(); ++i) {
                // The box around the mask's pixels, in corner coordinates: a pixel is 1 wide.
                std::vector<cv::Point> set;
                cv::findNonZero(defects[i].mask, set);
                const cv::Rect bounds = cv::boundingRect(set);
                const auto& box = sample.boxes[i];
                EXPECT_EQ(box.category, defects[i].classIndex - 1) << name;
                EXPECT_DOUBLE_EQ(box.box.x, bounds.x) << name;
                EXPECT_DOUBLE_EQ(box.box.y, bounds.y) << name;
                EXPECT_DOUBLE_EQ(box.box.width, bounds.width) << name;
                EXPECT_DOUBLE_EQ(box.box.height, bounds.height) << name;
            }
        }
    }

    // A clean image labelled as a defect: where the defect lies is unknown, so it is left out.
    store::SampleRepository samples(project.database());
    for (const auto& row : samples.samples()) {
        if (scans.defects.at(std::filesystem::path(row.path).filename().string()).empty()) {
            samples.setUserLabel(row.id, samples.classIdsByName().at("crack"));
            break;
        }
    }
    const ProjectTrainingData relabelled = loadDetectionData(project, 0);
    EXPECT_EQ(relabelled.skipped, 1);
    EXPECT_NE(relabelled.fingerprint, data.fingerprint);
}

TEST_F(DetectionRunTest, ATinyRunRecordsCocoFiguresAndExportsVerifiedBoxes) {
    auto session = TrainingSession::create(project, tinyOptions());
    train::NullObserver none;
    const train::TrainingFinished finished = session->run(none);
    ASSERT_EQ(finished.status, train::TrainingFinished::Status::Completed) << finished.reason;
    for (const char* name : {"test_map50_95", "test_map50", "test_map75", "test_loss",
                             "test_accuracy", "test_escape_rate", "test_false_reject_rate"}) {
        ASSERT_TRUE(finished.finalMetrics.count(name)) << name;
        EXPECT_GE(finished.finalMetrics.at(name), 0.0) << name;
    }
    EXPECT_LE(finished.finalMetrics.at("test_map50"), 1.0);
    EXPECT_GE(finished.finalMetrics.at("test_map50"), finished.finalMetrics.at("test_map50_95"));
    // The test images' verdicts add up to the test split.
    const double images =
        finished.finalMetrics.at("test_ok_as_ok") + finished.finalMetrics.at("test_ok_as_ng") +
        finished.finalMetrics.at("test_ng_as_ok") + finished.finalMetrics.at("test_ng_as_ng");
    EXPECT_EQ(static_cast<std::size_t>(images), session->data().data.test.size());
    store::RunRepository runs(project.database());
    EXPECT_EQ(runs.get(session->runId()).task, "detection");
    EXPECT_EQ(runs.metrics(session->runId(), "val_map50_95").size(), 2u);

    // The matrix has the classes and the background; each validation image keeps its own
    // share, and together they are the run's.
    const auto matrix = runs.confusionMatrix(session->runId(), "val");
    ASSERT_TRUE(matrix);
    EXPECT_EQ(matrix->classes,
              (std::vector<std::string>{"scratch", "spot", "crack", "background"}));
    ASSERT_EQ(matrix->counts.size(), 16u);
    const auto validation = runs.predictions(session->runId(), "val");
    ASSERT_EQ(validation.size(), session->data().data.validation.size());
    std::vector<std::int64_t> summed(16, 0);
    std::int64_t drawn = 0;
    for (const auto& prediction : validation) {
        ASSERT_EQ(prediction.pixels.size(), 16u);
        for (std::size_t cell = 0; cell < 16; ++cell) {
            summed[cell] += prediction.pixels[cell];
        }
    }
    for (const auto& sample : session->data().data.validation) {
        drawn += static_cast<std::int64_t>(sample.boxes.size());
    }
    EXPECT_EQ(summed, matrix->counts);
    // Every drawn box is in one of the class rows, found or missed.
    std::int64_t inRows = 0;
    for (std::size_t cell = 0; cell < 12; ++cell) {
        inRows += matrix->counts[cell];
    }
    EXPECT_EQ(inRows, drawn);

    // Each class with validation boxes has its precision-recall curve for the last epoch,
    // interpolated as COCO does: precision never rises with recall.
    const auto curves = runs.precisionCurves(session->runId(), "val");
    std::set<std::string> classesWithBoxes;
    for (const auto& sample : session->data().data.validation) {
        for (const auto& box : sample.boxes) {
            classesWithBoxes.insert(matrix->classes.at(static_cast<std::size_t>(box.category)));
        }
    }
    ASSERT_EQ(curves.size(), classesWithBoxes.size());
    for (const auto& curve : curves) {
        EXPECT_EQ(curve.epoch, 1);
        EXPECT_TRUE(classesWithBoxes.count(curve.className)) << curve.className;
        ASSERT_EQ(curve.precision.size(), 101u);
        for (std::size_t r = 1; r < curve.precision.size(); ++r) {
            EXPECT_LE(curve.precision[r], curve.precision[r - 1]) << curve.className << " " << r;
        }
    }
    EXPECT_FALSE(runs.precisionCurves(session->runId(), "test").empty());

    exporting::ExportRequest request;
    request.run = session->runId();
    const auto files = exporting::exportRun(project, request);
    ASSERT_EQ(files.size(), 2u);
    for (const auto& file : files) {
        EXPECT_TRUE(file.verification.passed()) << file.verification.summary();
        EXPECT_TRUE(file.verification.boxes);
        const auto model = infer::openExportedModel(file.file, {"cpu", true});
        ASSERT_TRUE(model->metadata().detection);
        EXPECT_EQ(model->metadata().resize, "letterbox");
        EXPECT_EQ(model->metadata().detection->strides, (std::vector<int>{4, 8, 16, 32}));
        EXPECT_EQ(model->metadata().classes.size(), 3u);
    }

    // The window's boxes come from the eager model: the same boxes as the exported file's,
    // in the file's pixels, for images of their own size.
    const auto exported = infer::openExportedModel(files.front().file, {"cpu", true});
    review::RunSaliency eager(project, session->runId());
    ASSERT_TRUE(eager.isDetection());
    std::vector<std::filesystem::path> validationFiles;
    for (const auto& sample : session->data().data.validation) {
        validationFiles.push_back(sample.path);
    }
    const auto fromFile = infer::predictDetections(*exported, validationFiles, 4, 0.05);
    std::size_t compared = 0;
    for (std::size_t i = 0; i < validationFiles.size(); ++i) {
        const infer::DetectionPrediction eagerBoxes = eager.detect(validationFiles[i], 0.05);
        ASSERT_EQ(eagerBoxes.width, fromFile[i].width);
        ASSERT_EQ(eagerBoxes.height, fromFile[i].height);
        EXPECT_EQ(eagerBoxes.verdict, fromFile[i].verdict);
        ASSERT_EQ(eagerBoxes.boxes.size(), fromFile[i].boxes.size()) << validationFiles[i];
        // Matched, not compared in order: boxes whose scores differ by float rounding may
        // come in either order (LibTorch 2.x swapped two of an untrained detector's).
        std::vector<bool> matched(fromFile[i].boxes.size(), false);
        for (const auto& box : eagerBoxes.boxes) {
            std::size_t best = matched.size();
            double bestIou = 0;
            for (std::size_t b = 0; b < fromFile[i].boxes.size(); ++b) {
                const auto& other = fromFile[i].boxes[b];
                const double iou = inspection::boxIou(box, other);
                if (!matched[b] && other.category == box.category && iou > bestIou &&
                    std::abs(other.score - box.score) <= 1e-4) {
                    best = b;
                    bestIou = iou;
                }
            }
            ASSERT_LT(best, matched.size())
                << "no box of the file matches the eager model's box of class " << box.category
                << ", score " << box.score << ", in " << validationFiles[i];
            EXPECT_GE(bestIou, 0.99);
            matched[best] = true;
            ++compared;
        }
    }
    EXPECT_GT(compared, 0u); // an untrained detector's boxes score about 0.05-0.2
}

} // namespace
} // namespace kestrel::runs
