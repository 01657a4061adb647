#include "command.h"
#include "common/error.h"
#include "infer/anomaly_predictor.h"
#include "infer/detection_predictor.h"
#include "infer/exported_model.h"
#include "infer/predictor.h"
#include "infer/segmentation_predictor.h"
#include "json_output.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
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
    std::string maps;     // anomaly detectors: a folder for heat maps
    std::string masks;    // segmentation models: a folder for class-index PNGs
    double minScore = -1; // detectors: boxes kept from this score (below 0: the line's)
};

// An image that could not be read: its sentence on stderr and an error entry in `list`.
// False when `error` is empty.
bool reportedUnreadable(const std::filesystem::path& image, const std::string& error,
                        nlohmann::json& list) {
    if (error.empty()) {
        return false;
    }
    std::cerr << error << "\n";
    list.push_back({{"image", image.string()}, {"error", error}});
    return true;
}

// A unique file name in `folder` for `image`: <stem><suffix>, prefixed with its folder's name
// when an image of the same stem came first.
std::filesystem::path outputFileFor(const std::filesystem::path& image, const std::string& folder,
                                    const std::string& suffix, std::set<std::string>& written) {
    std::string name = image.stem().string();
    if (!written.insert(name).second) {
        name = image.parent_path().filename().string() + "_" + name;
        written.insert(name);
    }
    return std::filesystem::path(folder) / (name + suffix);
}

// A segmentation model's answer per image: each class's area in the image's pixels and the
// verdict, and class-index PNGs on request.
int runSegmentationPredict(infer::ExportedModel& model, const PredictOptions& options) {
    const infer::ModelMetadata& metadata = model.metadata();
    const std::vector<std::filesystem::path> images(options.images.begin(), options.images.end());
    const auto predictions = infer::predictSegmentation(model, images, options.batchSize);
    if (!options.masks.empty()) {
        std::filesystem::create_directories(options.masks);
    }
    bool failed = false;
    std::set<std::string> written;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& prediction : predictions) {
        if (reportedUnreadable(prediction.image, prediction.error, list)) {
            failed = true;
            continue;
        }
        nlohmann::json areas = nlohmann::json::object();
        std::string text;
        for (std::size_t c = 1; c < metadata.classes.size(); ++c) {
            areas[metadata.classes[c]] = prediction.areas[c];
            if (prediction.areas[c] > 0) {
                text += (text.empty() ? "" : ", ") + metadata.classes[c] + " " +
                        std::to_string(static_cast<std::int64_t>(prediction.areas[c])) + " px";
            }
        }
        nlohmann::json entry = {{"image", prediction.image.string()},
                                {"width", prediction.width},
                                {"height", prediction.height},
                                {"verdict", prediction.verdict},
                                {"areas", areas}};
        if (!options.masks.empty()) {
            const auto file = outputFileFor(prediction.image, options.masks, ".png", written);
            infer::writeClassMask(prediction, file);
            entry["mask"] = file.string();
        }
        if (options.json) {
            list.push_back(entry);
        } else {
            std::cout << prediction.image.string() << ": " << prediction.verdict << "  ("
                      << (text.empty() ? "no defect pixels" : text) << ")"
                      << (entry.contains("mask") ? "  mask " + entry["mask"].get<std::string>()
                                                 : std::string())
                      << "\n";
        }
    }
    if (options.json) {
        printJson({{"model", options.model},
                   {"format", infer::toString(model.format())},
                   {"runtime", model.runtime()},
                   {"task", "segmentation"},
                   {"classes", metadata.classes},
                   {"predictions", list}});
    }
    return failed ? kFailure : kSuccess;
}

// A detector's answer per image: its boxes in the image's pixels, best first, and the verdict.
int runDetectionPredict(infer::ExportedModel& model, const PredictOptions& options) {
    const infer::ModelMetadata& metadata = model.metadata();
    const std::vector<std::filesystem::path> images(options.images.begin(), options.images.end());
    const auto predictions =
        infer::predictDetections(model, images, options.batchSize, options.minScore);
    const double minScore = options.minScore < 0 ? metadata.detection->lineScore : options.minScore;
    bool failed = false;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& prediction : predictions) {
        if (reportedUnreadable(prediction.image, prediction.error, list)) {
            failed = true;
            continue;
        }
        nlohmann::json boxes = nlohmann::json::array();
        std::ostringstream text;
        text << std::fixed;
        for (const inspection::Detection& box : prediction.boxes) {
            const std::string& name = metadata.classes.at(static_cast<std::size_t>(box.category));
            boxes.push_back({{"class", name},
                             {"score", box.score},
                             {"x0", box.x0},
                             {"y0", box.y0},
                             {"x1", box.x1},
                             {"y1", box.y1}});
            text << (text.tellp() > 0 ? ", " : "") << name << " " << std::setprecision(2)
                 << box.score << " at (" << std::setprecision(0) << box.x0 << ", " << box.y0
                 << ")-(" << box.x1 << ", " << box.y1 << ")";
        }
        if (options.json) {
            list.push_back({{"image", prediction.image.string()},
                            {"width", prediction.width},
                            {"height", prediction.height},
                            {"verdict", prediction.verdict},
                            {"boxes", boxes}});
            continue;
        }
        std::cout << prediction.image.string() << ": " << prediction.verdict << "  ("
                  << (prediction.boxes.empty() ? "no boxes" : text.str()) << ")\n";
    }
    if (options.json) {
        printJson({{"model", options.model},
                   {"format", infer::toString(model.format())},
                   {"runtime", model.runtime()},
                   {"task", "detection"},
                   {"classes", metadata.classes},
                   {"min_score", minScore},
                   {"line_score", metadata.detection->lineScore},
                   {"predictions", list}});
    }
    return failed ? kFailure : kSuccess;
}

// An anomaly detector's answer per image: score (0-1) and verdict, and heat maps on request.
int runAnomalyPredict(infer::ExportedModel& model, const PredictOptions& options) {
    const infer::ModelMetadata& metadata = model.metadata();
    const std::vector<std::filesystem::path> images(options.images.begin(), options.images.end());
    const auto predictions = infer::predictAnomalies(model, images, options.batchSize);
    if (!options.maps.empty()) {
        std::filesystem::create_directories(options.maps);
    }
    bool failed = false;
    std::set<std::string> written;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& prediction : predictions) {
        if (reportedUnreadable(prediction.image, prediction.error, list)) {
            failed = true;
            continue;
        }
        nlohmann::json entry = {{"image", prediction.image.string()},
                                {"score", prediction.score},
                                {"verdict", prediction.verdict}};
        if (!options.maps.empty()) {
            const auto file = outputFileFor(prediction.image, options.maps, "_map.png", written);
            infer::writeHeatMap(prediction, metadata.width, metadata.height, file);
            entry["map"] = file.string();
        }
        if (options.json) {
            list.push_back(entry);
        } else {
            std::cout << prediction.image.string() << ": " << prediction.verdict << " "
                      << std::fixed << std::setprecision(4) << prediction.score
                      << (entry.contains("map") ? "  (map " + entry["map"].get<std::string>() + ")"
                                                : std::string())
                      << "\n";
        }
    }
    if (options.json) {
        printJson({{"model", options.model},
                   {"format", infer::toString(model.format())},
                   {"runtime", model.runtime()},
                   {"task", "anomaly"},
                   {"threshold", 0.5},
                   {"predictions", list}});
    }
    return failed ? kFailure : kSuccess;
}

int runPredict(const PredictOptions& options) {
    const auto model = infer::openExportedModel(options.model, {options.device, true});
    if (model->metadata().anomaly) {
        return runAnomalyPredict(*model, options);
    }
    if (model->metadata().detection) {
        if (!options.maps.empty() || !options.masks.empty()) {
            throw Error(ErrorKind::InvalidArgument,
                        "--maps and --masks are for anomaly and segmentation models; " +
                            options.model + " is a detector.");
        }
        return runDetectionPredict(*model, options);
    }
    if (options.minScore >= 0) {
        throw Error(ErrorKind::InvalidArgument, "--min-score is for detectors; " + options.model +
                                                    " is a " + toString(model->metadata().task) +
                                                    " model.");
    }
    if (model->metadata().segmentation) {
        if (!options.maps.empty()) {
            throw Error(ErrorKind::InvalidArgument,
                        "--maps is for anomaly detectors; for a segmentation model use --masks.");
        }
        return runSegmentationPredict(*model, options);
    }
    if (!options.masks.empty()) {
        throw Error(ErrorKind::InvalidArgument, "--masks is for segmentation models; " +
                                                    options.model + " is a " +
                                                    toString(model->metadata().task) + " model.");
    }
    if (!options.maps.empty()) {
        throw Error(ErrorKind::InvalidArgument, "--maps is for anomaly detectors; " +
                                                    options.model + " is a " +
                                                    toString(model->metadata().task) + " model.");
    }
    const infer::ModelMetadata& metadata = model->metadata();
    const auto& classes = metadata.classes;
    const std::vector<std::filesystem::path> images(options.images.begin(), options.images.end());
    const auto predictions = infer::predictImages(*model, images, options.batchSize);

    bool failed = false;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& prediction : predictions) {
        if (reportedUnreadable(prediction.image, prediction.error, list)) {
            failed = true;
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
                   "operating point, each line starts with OK or NG; an anomaly detector gives "
                   "each image a score (0-1) and a verdict, good or defect; a detector gives "
                   "each defect's box and class in the image's pixels");
    parser->add_option("model", options->model, "Exported model file")->required();
    parser->add_option("images", options->images, "Image files")->required();
    parser->add_option("--device", options->device, "TorchScript: cpu, cuda, cuda:N or auto")
        ->default_str("cpu");
    parser->add_option("--batch-size", options->batchSize, "Images per forward pass")
        ->check(CLI::Range(1, 4096))
        ->default_str("16");
    parser->add_flag("--json", options->json, "Print one JSON object to stdout");
    parser->add_option("--maps", options->maps,
                       "Anomaly detectors: write each image's heat map as DIR/<name>_map.png");
    parser->add_option("--masks", options->masks,
                       "Segmentation models: write each image's classes as DIR/<name>.png "
                       "(pixel values: 0 background, then the model's classes in order)");
    parser
        ->add_option("--min-score", options->minScore,
                     "Detectors: list boxes scored at least this (default: the model's line "
                     "score, 0.25; its lowest kept box scores 0.05)")
        ->check(CLI::Range(0.0, 1.0));
    return {parser, [options] {
                return runPredict(*options);
            }};
}

} // namespace kestrel::cli
