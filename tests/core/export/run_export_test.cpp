// Exporting a real trained run: both files verified and recorded with their model cards, the
// two formats answering alike through `predict`'s code path, and a file that does not verify
// never left under its final name.
#include "common/error.h"
#include "export/run_export.h"
#include "export/torchscript_writer.h"
#include "infer/predictor.h"
#include "infer/torchscript_model.h"
#include "models/layer_graph.h"
#include "models/model_registry.h"
#include "runs/training_session.h"
#include "store/run_repository.h"
#include "training_fixture.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

namespace kestrel::exporting {
namespace {

class RunExportTest : public ::testing::Test {
protected:
    void SetUp() override {
        train::TrainOptions options;
        options.model = "smallcnn";
        options.imageSize = 16;
        options.channels = 1;
        options.epochs = 3;
        options.batchSize = 16;
        options.device = "cpu";
        options.workers = 1;
        options.threads = 1;
        options.seed = 2;
        auto session = runs::TrainingSession::create(project, options);
        train::NullObserver none;
        ASSERT_EQ(session->run(none).status, train::TrainingFinished::Status::Completed);
        run = session->runId();
    }

    std::vector<std::filesystem::path> testImages() const {
        std::vector<std::filesystem::path> images;
        for (const auto& entry :
             std::filesystem::recursive_directory_iterator(dir / "source" / "test")) {
            if (entry.is_regular_file()) {
                images.push_back(entry.path());
            }
        }
        std::sort(images.begin(), images.end());
        return images;
    }

    std::vector<std::string> exportFiles() const {
        std::vector<std::string> names;
        if (std::filesystem::exists(project.exportsFolder())) {
            for (const auto& entry : std::filesystem::directory_iterator(project.exportsFolder())) {
                names.push_back(entry.path().filename().string());
            }
        }
        return names;
    }

    testing::TempDir dir;
    Project project = testing::makeLeftRightProject(dir);
    std::int64_t run = 0;
};

TEST_F(RunExportTest, BothFormatsAreVerifiedRecordedAndAnswerAlike) {
    std::vector<std::string> stages;
    ExportRequest request;
    request.run = run;
    request.progress = [&](const std::string& line) {
        stages.push_back(line);
    };
    const auto files = exportRun(project, request);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_FALSE(stages.empty());

    store::RunRepository runs(project.database());
    const auto artifacts = runs.artifacts(run);
    std::vector<store::ArtifactRecord> exports;
    std::copy_if(artifacts.begin(), artifacts.end(), std::back_inserter(exports),
                 [](const auto& artifact) { return artifact.kind != "checkpoint"; });
    ASSERT_EQ(exports.size(), 2u);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const ExportedFile& file = files[i];
        EXPECT_TRUE(std::filesystem::exists(file.file));
        EXPECT_FALSE(std::filesystem::exists(file.file.string() + ".partial"));
        EXPECT_TRUE(file.verification.passed()) << file.verification.summary();
        EXPECT_EQ(file.verification.samples, 24); // the whole val split: 12 per class
        EXPECT_EQ(exports[i].kind, infer::toString(file.format));
        EXPECT_EQ(exports[i].path, "exports/" + file.file.filename().string());
        EXPECT_FALSE(exports[i].contentHash.empty());
        EXPECT_EQ(exports[i].sizeBytes,
                  static_cast<std::int64_t>(std::filesystem::file_size(file.file)));

        std::ifstream in(file.card);
        const auto card = nlohmann::json::parse(in);
        EXPECT_EQ(card.at("verification").at("passed"), true);
        EXPECT_EQ(card.at("verification").at("samples"), 24);
        EXPECT_EQ(card.at("classes"), (std::vector<std::string>{"left", "right"}));
        EXPECT_EQ(card.at("task"), "classification");
        EXPECT_EQ(card.at("metadata").at("task"), "classification");
        EXPECT_EQ(card.at("metadata").at("output"), "probabilities");
        EXPECT_EQ(card.at("run").at("id"), run);
        EXPECT_EQ(card.at("run").at("parameters").at("model"), "smallcnn");
        EXPECT_TRUE(card.at("metrics").contains("val_accuracy"));
        EXPECT_EQ(card.at("metadata").at("input").at("width"), 16);
        EXPECT_EQ(nlohmann::json::parse(exports[i].metadata), card);
    }

    const auto images = testImages();
    ASSERT_EQ(images.size(), 24u);
    auto torchscript = infer::openExportedModel(files[0].file);
    auto onnx = infer::openExportedModel(files[1].file);
    EXPECT_EQ(torchscript->format(), infer::ModelFormat::TorchScript);
    EXPECT_EQ(onnx->format(), infer::ModelFormat::Onnx);
    // Each runtime reads back which task the model is for from the file itself.
    EXPECT_EQ(torchscript->metadata().task, TaskKind::Classification);
    EXPECT_EQ(onnx->metadata().task, TaskKind::Classification);
    const auto fromTorchScript = infer::predictImages(*torchscript, images, 5);
    const auto fromOnnx = infer::predictImages(*onnx, images, 7);
    int correct = 0;
    for (std::size_t i = 0; i < images.size(); ++i) {
        ASSERT_TRUE(fromTorchScript[i].error.empty()) << fromTorchScript[i].error;
        EXPECT_EQ(fromTorchScript[i].predicted, fromOnnx[i].predicted) << images[i];
        for (std::size_t c = 0; c < 2; ++c) {
            EXPECT_NEAR(fromTorchScript[i].scores[c], fromOnnx[i].scores[c], 1e-4);
        }
        const bool left = images[i].parent_path().filename() == "left";
        correct += fromTorchScript[i].predicted == (left ? 0 : 1) ? 1 : 0;
    }
    EXPECT_GE(correct, 20) << "the trained model should know left from right";
}

TEST_F(RunExportTest, AFileThatCannotBeLoadedIsNotKept) {
    ExportRequest request;
    request.run = run;
    request.formats = {infer::ModelFormat::Onnx};
    request.afterWrite = [](const std::filesystem::path& file) {
        std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
    };
    EXPECT_THROW(exportRun(project, request), Error);
    EXPECT_TRUE(exportFiles().empty());
    for (const auto& artifact : store::RunRepository(project.database()).artifacts(run)) {
        EXPECT_EQ(artifact.kind, "checkpoint");
    }
}

TEST_F(RunExportTest, AFileThatAnswersDifferentlyFailsWithTheFigures) {
    ExportRequest request;
    request.run = run;
    request.formats = {infer::ModelFormat::TorchScript};
    request.output = dir / "out" / "model.pt";
    // Swap in a model with other weights but the same contract, as a broken exporter would.
    request.afterWrite = [](const std::filesystem::path& file) {
        const infer::ModelMetadata metadata =
            infer::TorchScriptModel(file, {"cpu", false}).metadata();
        torch::manual_seed(99);
        auto other = models::createClassifier({"smallcnn", 2, 1});
        other->named_parameters()["fc.weight"].data().mul_(50.0);
        other->eval();
        models::LayerGraph graph(*other, {1, 16, 16});
        other->appendLayers(graph);
        writeTorchScript(graph, metadata, file);
    };
    try {
        exportRun(project, request);
        FAIL() << "a wrong model passed verification";
    } catch (const Error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("failed verification (top-1 agreed on"), std::string::npos)
            << message;
        EXPECT_NE(message.find("largest probability difference"), std::string::npos) << message;
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "model.pt"));
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "model.pt.partial"));
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "model.pt.card.json"));
}

TEST_F(RunExportTest, AnUnknownRunIsNamed) {
    ExportRequest request;
    request.run = run + 40;
    try {
        exportRun(project, request);
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("no run " + std::to_string(run + 40)),
                  std::string::npos)
            << error.what();
    }
}

} // namespace
} // namespace kestrel::exporting
