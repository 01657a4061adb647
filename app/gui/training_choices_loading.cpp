// TrainingController::loadChoices: the models, devices and each task's defaults for the
// training forms, read on a task.
#include "common/error.h"
#include "error_message.h"
#include "models/architectures.h"
#include "project/project.h"
#include "project_controller.h"
#include "runs/detection_data.h"
#include "runs/segmentation_data.h"
#include "task_manager.h"
#include "train/available_choices.h"
#include "train/default_settings.h"
#include "train/detection_defaults.h"
#include "train/segmentation_defaults.h"
#include "training_controller.h"
#include "weights/weights_store.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::app {

namespace {

// A region task's defaults (segmentation or detection) for the samples it would train on,
// those with regions it learns from, with `description` saying what was picked or why
// there is nothing to train on yet. Each of `models` gets its own epochs and description,
// which the form takes when that model is picked.
train::TrainOptions regionDefaults(Project& project, TaskKind task, bool allGray,
                                   const std::string& device, QString& description,
                                   std::vector<widgets::ModelChoice>& models) {
    const bool detection = task == TaskKind::Detection;
    const auto data =
        detection ? runs::loadDetectionData(project, 0) : runs::loadSegmentationData(project, 0);
    const auto& train = data.data.train;
    const auto defaultsFor = [&](const std::optional<std::string>& model) {
        train::TrainOptions options =
            detection ? train::defaultDetectionOptions(train, allGray, device, model)
                      : train::defaultSegmentationOptions(train, allGray, device, model);
        options.device = device;
        return options;
    };
    const auto describe = [&](const train::TrainOptions& options) {
        return QString::fromStdString(
            detection ? train::describeDetectionDefaults(options, train.size())
                      : train::describeSegmentationDefaults(options, train.size()));
    };
    const train::TrainOptions defaults = defaultsFor(std::nullopt);
    if (train.empty()) {
        description = detection
                          ? TrainingController::tr(
                                "No training image has a box, polygon or mask of a defect class "
                                "yet: detection learns from the shapes drawn in the Samples tab.")
                          : TrainingController::tr(
                                "No training image has polygons or masks of a defect class yet: "
                                "segmentation learns from the regions drawn in the Samples tab.");
    } else {
        description = describe(defaults);
        for (widgets::ModelChoice& model : models) {
            const train::TrainOptions own = model.name.toStdString() == defaults.model
                                                ? defaults
                                                : defaultsFor(model.name.toStdString());
            model.defaultEpochs = static_cast<int>(own.epochs);
            model.defaultsDescription = describe(own);
        }
    }
    return defaults;
}

// Each architecture's pretrained weights in the store, by name; none when the store cannot be
// read (the form then offers random weights only, and training still works).
std::map<std::string, std::string> storedWeights() {
    std::map<std::string, std::string> files;
    try {
        for (const auto& stored :
             weights::WeightsStore(weights::WeightsStore::defaultFolder()).list()) {
            files.emplace(stored.model, stored.file.string());
        }
    } catch (const Error&) {
    }
    return files;
}

} // namespace

void TrainingController::loadChoices() {
    // A task that learns from the regions drawn on the images: segmentation or detection.
    struct RegionChoices {
        TaskKind task;
        std::vector<widgets::ModelChoice> models;
        train::TrainOptions defaults;
        QString description;
    };
    struct Choices {
        std::vector<widgets::ModelChoice> models;
        std::vector<widgets::DeviceChoice> devices;
        train::TrainOptions defaults;
        QString description;
        std::vector<RegionChoices> regions{{TaskKind::Segmentation, {}, {}, {}},
                                           {TaskKind::Detection, {}, {}, {}}};
    };
    auto choices = std::make_shared<Choices>();
    // A task, not a store job: finding the devices starts CUDA, which takes a while.
    tasks_.start(
        tr("Reading the training choices"), projects_.current(),
        [choices](Task& task) {
            const auto pretrained = storedWeights();
            const auto modelChoices = [&pretrained](TaskKind kind) {
                std::vector<widgets::ModelChoice> list;
                for (const auto& model : train::availableModels(kind)) {
                    // A detector starts from its backbone's classifier weights.
                    const auto weights = pretrained.find(models::pretrainedWeightsName(model.name));
                    list.push_back({QString::fromStdString(model.name),
                                    QString::fromStdString(model.description),
                                    model.defaultImageSize, model.minImageSize,
                                    weights == pretrained.end()
                                        ? QString()
                                        : QString::fromStdString(weights->second),
                                    model.sizeMultiple});
                }
                return list;
            };
            choices->models = modelChoices(TaskKind::Classification);
            for (const auto& device : train::availableDevices()) {
                choices->devices.push_back({QString::fromStdString(device.id),
                                            QString::fromStdString(device.label), device.cuda});
            }
            const std::string device = choices->devices.back().id.toStdString();
            for (auto& region : choices->regions) {
                region.models = modelChoices(region.task);
                region.defaults.task = region.task;
                region.defaults.model = region.models.empty()
                                            ? std::string()
                                            : region.models.front().name.toStdString();
                region.defaults.device = device;
            }
            if (!task.project().isOpen()) {
                return;
            }
            std::optional<Project> project;
            std::optional<train::DatasetShape> shape;
            try {
                project.emplace(Project::open(task.project().folder)); // to read, here
                shape = train::datasetShape(*project);
                choices->defaults = train::defaultOptions(*shape, device);
                choices->defaults.device = device;
                choices->description =
                    QString::fromStdString(train::describeDefaults(choices->defaults, *shape));
            } catch (const std::exception& error) {
                choices->description = errorMessage(error);
            }
            for (auto& region : choices->regions) {
                if (!project || !shape) {
                    region.description = choices->description;
                    continue;
                }
                try {
                    region.defaults = regionDefaults(*project, region.task, shape->allGray, device,
                                                     region.description, region.models);
                } catch (const std::exception& error) {
                    region.description = errorMessage(error);
                }
            }
        },
        this,
        [this, choices](const Task& task) {
            if (task.state() == Task::State::Finished) {
                for (const auto& region : choices->regions) {
                    emit regionChoicesReady(region.task, region.defaults, region.description,
                                            region.models);
                }
                emit choicesReady(choices->defaults, choices->description, choices->models,
                                  choices->devices);
            }
        });
}

} // namespace kestrel::app
