#include "command.h"
#include "infer/exported_model.h"
#include "infer/predictor.h"
#include "json_output.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace kestrel::cli {

namespace {

struct PredictOptions {
    std::string model;
    std::vector<std::string> images;
    std::string device = "cpu";
    int batchSize = 16;
    bool json = false;
};

int runPredict(const PredictOptions& options) {
    const auto model = infer::openExportedModel(options.model, {options.device, true});
    const infer::ModelMetadata& metadata = model->metadata();
    const auto& classes = metadata.classes;
    const std::vector<std::filesystem::path> images(options.images.begin(), options.images.end());
    const auto predictions = infer::predictImages(*model, images, options.batchSize);

    bool failed = false;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& prediction : predictions) {
        if (!prediction.error.empty()) {
            failed = true;
            std::cerr << prediction.error << "\n";
            list.push_back({{"image", prediction.image.string()}, {"error", prediction.error}});
            continue;
        }
        const std::string& name = classes[static_cast<std::size_t>(prediction.predicted)];
        // With an operating point the line's answer comes first: OK or NG.
        const std::string verdict = infer::lineVerdict(metadata, prediction.scores);
        if (options.json) {
            nlohmann::json scores = nlohmann::json::object();
            for (std::size_t c = 0; c < classes.size(); ++c) {
                scores[classes[c]] = prediction.scores[c];
            }
            nlohmann::json entry = {
                {"image", prediction.image.string()},
                {"class", name},
                {"score", prediction.scores[static_cast<std::size_t>(prediction.predicted)]},
                {"scores", scores}};
            if (!verdict.empty()) {
                entry["verdict"] = verdict;
            }
            list.push_back(entry);
            continue;
        }
        std::cout << prediction.image.string() << ": " << (verdict.empty() ? "" : verdict + " ")
                  << name << " " << std::fixed << std::setprecision(4)
                  << prediction.scores[static_cast<std::size_t>(prediction.predicted)] << "  (";
        for (std::size_t c = 0; c < classes.size(); ++c) {
            std::cout << (c ? ", " : "") << classes[c] << " " << prediction.scores[c];
        }
        std::cout << ")\n";
    }
    if (options.json) {
        nlohmann::json result = {{"model", options.model},
                                 {"format", infer::toString(model->format())},
                                 {"runtime", model->runtime()},
                                 {"classes", classes},
                                 {"predictions", list}};
        if (metadata.ngThreshold) {
            result["operating_point"] = {{"good_class", metadata.goodClass},
                                         {"threshold", *metadata.ngThreshold}};
        }
        printJson(result);
    }
    return failed ? kFailure : kSuccess;
}

} // namespace

Command addPredictCommand(CLI::App& root) {
    auto options = std::make_shared<PredictOptions>();
    CLI::App* parser = root.add_subcommand(
        "predict", "Classify images with an exported model (.pt TorchScript or .onnx); with an "
                   "operating point, each line starts with OK or NG");
    parser->add_option("model", options->model, "Exported model file")->required();
    parser->add_option("images", options->images, "Image files")->required();
    parser->add_option("--device", options->device, "TorchScript: cpu, cuda, cuda:N or auto")
        ->default_str("cpu");
    parser->add_option("--batch-size", options->batchSize, "Images per forward pass")
        ->check(CLI::Range(1, 4096))
        ->default_str("16");
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    return {parser, [options] {
                return runPredict(*options);
            }};
}

} // namespace kestrel::cli
