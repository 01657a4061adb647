#include "runs/run_params.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

namespace kestrel::runs {

namespace {

// The shortest text that reads back as the same double: "0.1", not "0.10000000000000001",
// which the Runs tab's parameter table showed.
std::string text(double value) {
    std::array<char, 32> buffer{};
    const auto written = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), written.ptr);
}

std::string text(const std::vector<double>& values) {
    return nlohmann::json(values).dump();
}

class ParamReader {
public:
    explicit ParamReader(const std::map<std::string, std::string>& params) : params_(params) {}

    const std::string& get(const std::string& name) const {
        const auto found = params_.find(name);
        if (found == params_.end()) {
            throw Error(ErrorKind::Corrupt, "The run has no \"" + name + "\" parameter.");
        }
        return found->second;
    }
    std::string text(const std::string& name, const std::string& fallback) const {
        const auto found = params_.find(name);
        return found == params_.end() ? fallback : found->second;
    }
    double number(const std::string& name) const {
        try {
            std::size_t used = 0;
            const double value = std::stod(get(name), &used);
            if (used == get(name).size()) {
                return value;
            }
        } catch (const std::logic_error&) {
        }
        throw Error(ErrorKind::Corrupt,
                    "The run's \"" + name + "\" parameter is not a number: " + get(name) + ".");
    }
    // Parameters added after the first release default for older runs.
    double number(const std::string& name, double fallback) const {
        return params_.count(name) ? number(name) : fallback;
    }
    std::int64_t integer(const std::string& name) const {
        return static_cast<std::int64_t>(number(name));
    }
    bool flag(const std::string& name) const { return get(name) == "true"; }
    std::vector<double> numbers(const std::string& name) const {
        try {
            return nlohmann::json::parse(get(name)).get<std::vector<double>>();
        } catch (const nlohmann::json::exception&) {
            throw Error(ErrorKind::Corrupt,
                        "The run's \"" + name +
                            "\" parameter is not a list of numbers: " + get(name) + ".");
        }
    }

private:
    const std::map<std::string, std::string>& params_;
};

const char* flag(bool value) {
    return value ? "true" : "false";
}

} // namespace

std::map<std::string, std::string> toParams(const train::TrainOptions& options) {
    const auto& augment = options.augmentation;
    return {
        {"task", toString(options.task)},
        {"model", options.model},
        {"epochs", std::to_string(options.epochs)},
        {"batch_size", std::to_string(options.batchSize)},
        {"world_size", std::to_string(options.worldSize)},
        {"rank_batch_size", std::to_string(options.batchSize / std::max(1, options.worldSize))},
        {"sync_batch_norm", flag(options.syncBatchNorm)},
        {"image_size", std::to_string(options.imageSize)},
        {"channels", std::to_string(options.channels)},
        {"mean", text(options.mean)},
        {"std", text(options.std)},
        {"optimizer", train::toString(options.optimizer)},
        {"momentum", text(options.momentum)},
        {"nesterov", flag(options.nesterov)},
        {"weight_decay", text(options.weightDecay)},
        {"lr", text(options.schedule.baseLr)},
        {"schedule", train::toString(options.schedule.kind)},
        {"warmup_epochs", text(options.schedule.warmupEpochs)},
        {"final_lr_fraction", text(options.schedule.finalFraction)},
        {"step_epochs", std::to_string(options.schedule.stepEpochs)},
        {"step_gamma", text(options.schedule.gamma)},
        {"onecycle_rise", text(options.schedule.warmupFraction)},
        {"label_smoothing", text(options.labelSmoothing)},
        {"class_weights", flag(options.classWeights)},
        {"clip_grad_norm", text(options.gradientClipNorm)},
        {"ema_horizon", std::to_string(options.emaHorizon)},
        {"average_mirrors", options.averageMirrors ? "1" : "0"},
        {"device", options.device},
        {"precision", train::toString(options.precision)},
        {"channels_last", flag(options.channelsLast)},
        {"threads", std::to_string(options.threads)},
        {"patience", std::to_string(options.patience)},
        {"validate_every", std::to_string(options.validateEvery)},
        {"monitor", options.monitor},
        {"seed", std::to_string(options.seed)},
        {"workers", std::to_string(options.workers)},
        {"init_weights", options.initWeights.string()},
        {"init_checkpoint", options.initCheckpoint.string()},
        {"init_checkpoint_head", options.initCheckpointHead ? "1" : "0"},
        {"good_class", options.goodClass},
        {"target_defect_recall", text(options.targetDefectRecall)},
        {"minimum_areas", inspection::toString(options.minimumAreas)},
        {"pixel_size_mm", text(options.pixelSizeMm)},
        {"crop_size", std::to_string(options.cropSize)},
        {"defect_crop_share", text(options.defectCropShare)},
        {"whole_image_epochs", std::to_string(options.wholeImageEpochs)},
        {"keep_image_scale", flag(options.keepImageScale)},
        {"augment.resized_crop", text(augment.resizedCrop.probability)},
        {"augment.resized_crop_min_scale", text(augment.resizedCrop.minScale)},
        {"augment.shift", text(augment.shift.probability)},
        {"augment.shift_max_fraction", text(augment.shift.maxFraction)},
        {"augment.horizontal_flip", text(augment.horizontalFlip)},
        {"augment.vertical_flip", text(augment.verticalFlip)},
        {"augment.rotate90", text(augment.rotate90)},
        {"augment.rotation", text(augment.rotation.probability)},
        {"augment.rotation_degrees", text(augment.rotation.maxDegrees)},
        {"augment.color_jitter", text(augment.colorJitter.probability)},
        {"augment.color_jitter_brightness", text(augment.colorJitter.brightness)},
        {"augment.color_jitter_contrast", text(augment.colorJitter.contrast)},
        {"augment.blur", text(augment.blur.probability)},
        {"augment.blur_min_sigma", text(augment.blur.minSigma)},
        {"augment.blur_max_sigma", text(augment.blur.maxSigma)},
        {"augment.noise", text(augment.noise.probability)},
        {"augment.noise_sigma", text(augment.noise.sigma)},
    };
}

train::TrainOptions optionsFromParams(const std::map<std::string, std::string>& params) {
    const ParamReader read(params);
    train::TrainOptions options;
    // Runs from before tasks existed were all classification.
    options.task =
        parseTaskKind(read.text("task", "classification"), "The run's \"task\" parameter");
    options.model = read.get("model");
    options.epochs = read.integer("epochs");
    options.batchSize = static_cast<int>(read.integer("batch_size"));
    options.worldSize = static_cast<int>(read.number("world_size", 1));
    // Runs from before synchronised batch norm kept each rank's statistics.
    options.syncBatchNorm = read.text("sync_batch_norm", "false") == "true";
    options.imageSize = static_cast<int>(read.integer("image_size"));
    options.channels = static_cast<int>(read.integer("channels"));
    options.mean = read.numbers("mean");
    options.std = read.numbers("std");
    options.optimizer = train::parseOptimizerKind(read.get("optimizer"));
    options.momentum = read.number("momentum");
    options.nesterov = read.flag("nesterov");
    options.weightDecay = read.number("weight_decay");
    options.schedule.baseLr = read.number("lr");
    options.schedule.kind = train::parseLrScheduleKind(read.get("schedule"));
    options.schedule.warmupEpochs = read.number("warmup_epochs");
    options.schedule.finalFraction = read.number("final_lr_fraction");
    options.schedule.stepEpochs = static_cast<int>(read.integer("step_epochs"));
    options.schedule.gamma = read.number("step_gamma");
    options.schedule.warmupFraction = read.number("onecycle_rise");
    options.labelSmoothing = read.number("label_smoothing");
    options.classWeights = read.flag("class_weights");
    options.gradientClipNorm = read.number("clip_grad_norm");
    // Runs from before weight averaging kept the last step's weights.
    options.emaHorizon = static_cast<int>(read.number("ema_horizon", 0));
    // Runs from before test-time mirroring evaluated the image alone.
    options.averageMirrors = read.number("average_mirrors", 0) != 0;
    options.device = read.get("device");
    options.precision = train::parsePrecision(read.get("precision"));
    options.channelsLast = read.flag("channels_last");
    options.threads = static_cast<int>(read.integer("threads"));
    options.patience = static_cast<int>(read.integer("patience"));
    // Runs from before validated after every epoch.
    options.validateEvery = static_cast<int>(read.number("validate_every", 1));
    options.monitor = read.get("monitor");
    options.seed = static_cast<std::uint64_t>(read.integer("seed"));
    options.workers = static_cast<int>(read.integer("workers"));
    options.initWeights = read.text("init_weights", "");
    options.initCheckpoint = read.text("init_checkpoint", "");
    options.initCheckpointHead = read.text("init_checkpoint_head", "1") != "0";
    options.goodClass = read.text("good_class", "");
    options.targetDefectRecall = read.number("target_defect_recall", 0.995);
    options.minimumAreas = inspection::parseMinimumAreas(read.text("minimum_areas", ""));
    options.pixelSizeMm = read.number("pixel_size_mm", 0);
    // Runs from before training crops trained on whole images.
    options.cropSize = static_cast<int>(read.number("crop_size", 0));
    options.defectCropShare = read.number("defect_crop_share", 0.67);
    // Runs from before whole-image epochs trained on crops to the end.
    options.wholeImageEpochs = static_cast<std::int64_t>(read.number("whole_image_epochs", 0));
    // Runs from before it stretched their images.
    options.keepImageScale = read.text("keep_image_scale", "false") == "true";
    auto& augment = options.augmentation;
    augment.resizedCrop.probability = read.number("augment.resized_crop", 0);
    augment.resizedCrop.minScale = read.number("augment.resized_crop_min_scale", 0.08);
    augment.shift.probability = read.number("augment.shift", 0);
    augment.shift.maxFraction = read.number("augment.shift_max_fraction", 0.1);
    augment.horizontalFlip = read.number("augment.horizontal_flip", 0);
    augment.verticalFlip = read.number("augment.vertical_flip", 0);
    augment.rotate90 = read.number("augment.rotate90", 0);
    augment.rotation.probability = read.number("augment.rotation", 0);
    augment.rotation.maxDegrees = read.number("augment.rotation_degrees", 10);
    // Strengths without a row were recorded before they could be set: the defaults then.
    const imaging::AugmentOptions defaults;
    augment.colorJitter.probability = read.number("augment.color_jitter", 0);
    augment.colorJitter.brightness =
        read.number("augment.color_jitter_brightness", defaults.colorJitter.brightness);
    augment.colorJitter.contrast =
        read.number("augment.color_jitter_contrast", defaults.colorJitter.contrast);
    augment.blur.probability = read.number("augment.blur", 0);
    augment.blur.minSigma = read.number("augment.blur_min_sigma", defaults.blur.minSigma);
    augment.blur.maxSigma = read.number("augment.blur_max_sigma", defaults.blur.maxSigma);
    augment.noise.probability = read.number("augment.noise", 0);
    augment.noise.sigma = read.number("augment.noise_sigma", defaults.noise.sigma);
    return options;
}

} // namespace kestrel::runs
