#include "training_form.h"

#include "augmentation_box.h"
#include "common/error.h"
#include "form_fields.h"
#include "inspection/area_verdict.h"
#include "learning_rate_text.h"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include <QAbstractButton>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QThread>
#include <QVBoxLayout>

namespace kestrel::widgets {

using train::OptimizerKind;
using train::Precision;
using train::TrainOptions;
using Schedule = train::LrScheduleOptions::Kind;
using Augmentation = AugmentationBox::Kind;

namespace {

constexpr int kMaxSupportedImageSize = 2048;
constexpr int kCoreMinImageSize = 8; // core refuses anything smaller, whatever the model
using form::kCudaRole;

// One value per channel when the colour choice changed what the base was made for.
std::vector<double> perChannel(const std::vector<double>& values, int channels) {
    const auto count = static_cast<std::size_t>(channels);
    if (values.size() == count || values.empty()) {
        return values.empty() ? std::vector<double>(count, 0.5) : values;
    }
    const double sum = std::accumulate(values.begin(), values.end(), 0.0);
    return std::vector<double>(count, sum / static_cast<double>(values.size()));
}

using form::addItem;
using form::selectData;

} // namespace

bool TrainingForm::Recipe::operator==(const Recipe& other) const {
    return epochs == other.epochs && batchSize == other.batchSize && optimizer == other.optimizer &&
           learningRate == other.learningRate && schedule == other.schedule &&
           augmentations == other.augmentations;
}

TrainingForm::TrainingForm(QWidget* parent) : QWidget(parent) {
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    defaultsLabel_ = new QLabel;
    defaultsLabel_->setObjectName("defaultsDescription");
    defaultsLabel_->setWordWrap(true);
    defaultsLabel_->setForegroundRole(QPalette::PlaceholderText);
    defaultsLabel_->hide();
    column->addWidget(defaultsLabel_);

    scroll_ = new QScrollArea;
    scroll_->setWidgetResizable(true);
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // made wide enough instead
    scroll_->setFrameShape(QFrame::NoFrame);
    fields_ = new QWidget;
    scroll_->setWidget(fields_);
    column->addWidget(scroll_);
    buildFields();
    fields_->installEventFilter(this);
    const QMargins margins = fields_->layout()->contentsMargins(); // align with the fields
    defaultsLabel_->setContentsMargins(margins.left(), margins.top(), margins.right(), 0);
    setOptions(TrainOptions{});
}

bool TrainingForm::eventFilter(QObject* watched, QEvent* event) {
    if (watched == fields_ && event->type() == QEvent::LayoutRequest) {
        // Without this the scroll bar, when a short window shows it, covers the fields' right
        // edge (the presets' state, the combo boxes' arrows).
        scroll_->setMinimumWidth(fields_->minimumSizeHint().width() +
                                 scroll_->verticalScrollBar()->sizeHint().width());
    }
    return QWidget::eventFilter(watched, event);
}

void TrainingForm::setModels(std::vector<ModelChoice> models) {
    models_ = std::move(models);
    const QScopedValueRollback<bool> filling(filling_, true);
    rebuildModelItems(model_->currentData().toString());
    revalidate();
}

void TrainingForm::setDevices(std::vector<DeviceChoice> devices) {
    devices_ = std::move(devices);
    const QScopedValueRollback<bool> filling(filling_, true);
    rebuildDeviceItems(device_->currentData().toString());
    updatePrecision();
    updateProcesses();
    revalidate();
}

void TrainingForm::setClasses(const QStringList& classes) {
    classes_ = classes;
    const QScopedValueRollback<bool> filling(filling_, true);
    rebuildGoodClassItems(goodClass_->currentData().toString());
}

void TrainingForm::rebuildGoodClassItems(const QString& selected) {
    form::fillGoodClassItems(goodClass_, classes_, selected);
}

void TrainingForm::setOptions(const TrainOptions& options) {
    base_ = options;
    cudaPrecision_ = options.precision;
    {
        const QScopedValueRollback<bool> filling(filling_, true);
        rebuildModelItems(QString::fromStdString(options.model));
        rebuildGoodClassItems(QString::fromStdString(options.goodClass));
        imageSize_->setValue(options.imageSize);
        selectData(channels_, options.channels);
        rebuildDeviceItems(QString::fromStdString(options.device));
        augmentation_->setAugmentation(options.augmentation);
        fillRecipe(recipeFor(Preset::Balanced));
        updatePrecision();
        updateProcesses();
        processes_->setValue(options.worldSize);
        minimumAreas_->setText(QString::fromStdString(inspection::toString(options.minimumAreas)));
        pixelSize_->setValue(options.pixelSizeMm);
    }
    wantMirrors_ = options.averageMirrors;
    updateMirrors();
    showAreaRows(options.task == TaskKind::Segmentation);
    lastPreset_ = Preset::Balanced;
    revalidate();
    showPreset();
}

TrainOptions TrainingForm::options() const {
    TrainOptions options = base_;
    if (model_->currentIndex() >= 0) {
        options.model = model_->currentData().toString().toStdString();
    }
    if (imageSizeProblem_->text().isEmpty()) {
        options.imageSize = imageSize_->value();
    }
    train::dropCropThatFillsTheImage(options);
    options.channels = channels_->currentData().toInt();
    options.mean = perChannel(base_.mean, options.channels);
    options.std = perChannel(base_.std, options.channels);
    options.epochs = epochs_->value() >= 1 ? epochs_->value() : base_.epochs;
    train::keepWholeImageShare(options, base_.epochs);
    options.batchSize = batchSize_->value() >= 1 ? batchSize_->value() : base_.batchSize;
    options.optimizer = static_cast<OptimizerKind>(optimizer_->currentData().toInt());
    options.schedule.baseLr = learningRate().value_or(base_.schedule.baseLr);
    options.schedule.kind = static_cast<Schedule>(schedule_->currentData().toInt());
    if (device_->currentIndex() >= 0) {
        options.device = device_->currentData().toString().toStdString();
    }
    options.precision = deviceIsCuda() ? cudaPrecision_ : Precision::Float32;
    options.worldSize = processes_->value();
    if (options.worldSize > 1 && deviceIsCuda()) {
        options.device = "cuda"; // each process on its own GPU, from cuda:0 up
    }
    const ModelChoice* model = currentModel();
    const bool pretrained = model != nullptr && !model->pretrainedWeights.isEmpty() &&
                            startFrom_->currentData().toInt() == kStartFromImageNet;
    options.initWeights = pretrained ? std::filesystem::path(model->pretrainedWeights.toStdString())
                                     : std::filesystem::path();
    options.augmentation = augmentation_->augmentation();
    options.goodClass = goodClass_->currentData().toString().toStdString();
    if (options.task == TaskKind::Segmentation && minimumAreasProblem_->text().isEmpty()) {
        options.minimumAreas = inspection::parseMinimumAreas(minimumAreas_->text().toStdString());
        options.pixelSizeMm = pixelSize_->value();
    }
    if (options.task == TaskKind::Segmentation) {
        options.averageMirrors = mirrors_->isChecked(); // what the run will do, as shown
    }
    return options;
}

void TrainingForm::showAreaRows(bool shown) {
    auto* form = static_cast<QFormLayout*>(fields_->layout());
    for (QLabel* caption : {minimumAreasCaption_, pixelSizeCaption_, mirrorsCaption_}) {
        int row = -1;
        QFormLayout::ItemRole role{};
        form->getWidgetPosition(caption, &row, &role);
        form->setRowVisible(row, shown);
    }
}

void TrainingForm::updateMirrors() {
    const bool possible = train::mirrorsBothWays(augmentation_->augmentation());
    const QScopedValueRollback<bool> filling(filling_, true);
    mirrors_->setEnabled(possible);
    mirrors_->setChecked(possible && wantMirrors_);
    mirrors_->setToolTip(
        possible ? tr("Judge the model, and export it, as the mean of its answers over the image "
                      "and its left-right, top-bottom and both-ways mirror images: fewer false "
                      "alarms for four passes per image on the line")
                 : tr("Needs horizontal flips, and vertical flips or quarter turns, among the "
                      "augmentations: a model never shown a mirrored part is judged on the part "
                      "alone"));
}

QString TrainingForm::minimumAreasProblem() const {
    if (base_.task != TaskKind::Segmentation) {
        return {};
    }
    try {
        const auto areas = inspection::parseMinimumAreas(minimumAreas_->text().toStdString());
        // The rule training builds, so the field refuses what Start would: a class the project
        // lacks, mm² without a pixel size. Before the project's classes arrive, any name goes.
        std::vector<std::string> classes = {"background"};
        for (const QString& name : classes_) {
            classes.push_back(name.toStdString());
        }
        if (classes_.isEmpty()) {
            for (const auto& area : areas) {
                classes.push_back(area.className);
            }
        }
        inspection::areaRule(classes, areas, pixelSize_->value());
    } catch (const Error& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

QString TrainingForm::firstProblem() const {
    for (const QLabel* problem : {minimumAreasProblem_, imageSizeProblem_, epochsProblem_,
                                  batchSizeProblem_, learningRateProblem_, processesProblem_}) {
        if (!problem->text().isEmpty()) {
            return problem->text();
        }
    }
    return {};
}

std::optional<TrainingForm::Preset> TrainingForm::activePreset() const {
    const Recipe current = currentRecipe();
    // The preset picked last wins when two presets happen to hold the same settings.
    if (lastPreset_ && recipeFor(*lastPreset_) == current) {
        return lastPreset_;
    }
    for (Preset preset : {Preset::Balanced, Preset::Fast, Preset::Accurate}) {
        if (recipeFor(preset) == current) {
            return preset;
        }
    }
    return std::nullopt;
}

void TrainingForm::setDefaultsDescription(const QString& text) {
    defaultsLabel_->setText(text);
    defaultsLabel_->setVisible(!text.isEmpty());
}

void TrainingForm::applyPreset(Preset preset) {
    fillRecipe(recipeFor(preset));
    lastPreset_ = preset;
    revalidate();
    showPreset();
    emit optionsEdited();
}

void TrainingForm::setEditable(bool editable) {
    fields_->setEnabled(editable); // precision keeps its own "CPU: disabled" on top of this
}

void TrainingForm::rebuildModelItems(const QString& selected) {
    const QSignalBlocker blocker(model_);
    model_->clear();
    for (const ModelChoice& choice : models_) {
        addItem(model_, choice.name, choice.name,
                tr("%1\nUsually trained at %2 px; needs at least %3 px.")
                    .arg(choice.description)
                    .arg(choice.defaultImageSize)
                    .arg(choice.minImageSize));
    }
    if (!selected.isEmpty() && model_->findData(selected) < 0) {
        addItem(model_, selected, selected, tr("Named by the loaded settings"));
    }
    selectData(model_, selected);
    updateStartFrom();
}

void TrainingForm::rebuildDeviceItems(const QString& selected) {
    form::fillDeviceItems(device_, devices_, selected);
}

void TrainingForm::fillRecipe(const Recipe& recipe) {
    const QScopedValueRollback<bool> filling(filling_, true);
    epochs_->setValue(recipe.epochs);
    batchSize_->setValue(recipe.batchSize);
    selectData(optimizer_, recipe.optimizer);
    learningRate_->setText(formatLearningRate(recipe.learningRate));
    selectData(schedule_, recipe.schedule);
    augmentation_->setCheckedKinds(recipe.augmentations);
    updateMirrors();
}

TrainingForm::Recipe TrainingForm::recipeFor(Preset preset) const {
    const auto baseEpochs = static_cast<int>(std::clamp<std::int64_t>(base_.epochs, 0, kMaxEpochs));
    Recipe recipe{baseEpochs,
                  base_.batchSize,
                  static_cast<int>(base_.optimizer),
                  base_.schedule.baseLr,
                  static_cast<int>(base_.schedule.kind),
                  AugmentationBox::enabledIn(base_.augmentation)};
    if (preset == Preset::Fast) {
        recipe.epochs = std::max(1, baseEpochs / 2);
        recipe.augmentations = AugmentationBox::kinds({Augmentation::FlipHorizontal});
    } else if (preset == Preset::Accurate) {
        recipe.epochs = std::clamp(baseEpochs * 2, 1, kMaxEpochs);
        recipe.augmentations =
            AugmentationBox::kinds({Augmentation::ResizedCrop, Augmentation::FlipHorizontal,
                                    Augmentation::ColorJitter, Augmentation::Rotation});
        recipe.schedule = static_cast<int>(Schedule::Cosine);
    }
    return recipe;
}

TrainingForm::Recipe TrainingForm::currentRecipe() const {
    Recipe recipe{epochs_->value(),
                  batchSize_->value(),
                  optimizer_->currentData().toInt(),
                  learningRate().value_or(-1), // a refused rate matches no preset
                  schedule_->currentData().toInt(),
                  augmentation_->checkedKinds()};
    return recipe;
}

std::optional<double> TrainingForm::learningRate() const {
    return parseLearningRate(learningRate_->text());
}

bool TrainingForm::deviceIsCuda() const {
    return device_->currentIndex() >= 0 && device_->currentData(kCudaRole).toBool();
}

int TrainingForm::minimumImageSize() const {
    const ModelChoice* model = currentModel();
    return model == nullptr ? kCoreMinImageSize : std::max(kCoreMinImageSize, model->minImageSize);
}

const ModelChoice* TrainingForm::currentModel() const {
    const QString name = model_->currentData().toString();
    const auto found =
        std::find_if(models_.begin(), models_.end(),
                     [&name](const ModelChoice& choice) { return choice.name == name; });
    return found == models_.end() ? nullptr : &*found;
}

void TrainingForm::takeModelDefaults() {
    const ModelChoice* model = currentModel();
    if (model == nullptr || model->defaultEpochs <= 0) {
        return;
    }
    const std::optional<Preset> preset = activePreset(); // against the old base
    base_.epochs = model->defaultEpochs;
    if (!model->defaultsDescription.isEmpty()) {
        setDefaultsDescription(model->defaultsDescription);
    }
    if (preset) {
        fillRecipe(recipeFor(*preset));
        lastPreset_ = preset;
    }
}

void TrainingForm::updateStartFrom() {
    const ModelChoice* model = currentModel();
    const bool available = model != nullptr && !model->pretrainedWeights.isEmpty();
    auto* items = qobject_cast<QStandardItemModel*>(startFrom_->model());
    QStandardItem* imagenet = items->item(startFrom_->findData(kStartFromImageNet));
    imagenet->setEnabled(available);
    const QString name = model == nullptr ? tr("this model") : model->name;
    imagenet->setToolTip(
        available ? tr("Pretrained on ImageNet (%1): learns from tens of images what takes "
                       "thousands from scratch")
                        .arg(model->pretrainedWeights)
                  : tr("No ImageNet weights for %1 on this machine: \"kestrel-cli weights fetch "
                       "%1\" downloads them, \"kestrel-cli weights import FILE --model %1\" "
                       "keeps a file you have.")
                        .arg(name));
    selectData(startFrom_, available && preferPretrained_ ? kStartFromImageNet : kStartFromScratch);
}

void TrainingForm::updatePrecision() {
    const bool cuda = deviceIsCuda();
    {
        const QSignalBlocker blocker(precision_);
        selectData(precision_, static_cast<int>(cuda ? cudaPrecision_ : Precision::Float32));
    }
    precision_->setEnabled(cuda);
    precision_->setToolTip(
        cuda ? tr("FP16 and BF16 train faster and use less memory on recent NVIDIA GPUs")
             : tr("Mixed precision needs a CUDA GPU, so training on %1 uses FP32.")
                   .arg(device_->currentText().isEmpty() ? tr("this device")
                                                         : device_->currentText()));
}

int TrainingForm::cudaDeviceCount() const {
    return static_cast<int>(std::count_if(devices_.begin(), devices_.end(),
                                          [](const DeviceChoice& device) { return device.cuda; }));
}

void TrainingForm::updateProcesses() {
    const bool cuda = deviceIsCuda();
    const int top =
        cuda ? std::max(1, cudaDeviceCount()) : std::clamp(QThread::idealThreadCount(), 1, 8);
    {
        const QSignalBlocker blocker(processes_);
        processes_->setMaximum(top);
    }
    processesCaption_->setText(cuda ? tr("GP&Us:") : tr("P&rocesses:"));
    processes_->setToolTip(
        cuda ? tr("Train on this many of the machine's GPUs at once, one process each from "
                  "cuda:0 up; the batch is split between them")
             : tr("Train in this many processes at once, the cores shared between them: a "
                  "data-parallel run without GPUs, to try one out; one process is as fast"));
}

// Any change by the user; changes made by the form itself are filled under `filling_`.
void TrainingForm::edited() {
    if (filling_) {
        return;
    }
    revalidate();
    showPreset();
    emit optionsEdited();
}

void TrainingForm::revalidate() {
    const auto show = [](QLabel* label, const QString& problem) {
        label->setText(problem);
        label->setVisible(!problem.isEmpty());
    };
    const int size = imageSize_->value();
    const int minimum = minimumImageSize();
    const QString model = model_->currentText();
    const ModelChoice* chosen = currentModel();
    const int multiple = chosen == nullptr ? 1 : std::max(1, chosen->sizeMultiple);
    show(imageSizeProblem_,
         size > kMaxSupportedImageSize
             ? tr("Image sizes above %1 px are not supported.").arg(kMaxSupportedImageSize)
         : size < minimum
             ? (model.isEmpty() ? tr("Images must be at least %1 px.").arg(minimum)
                                : tr("%1 needs images of at least %2 px.").arg(model).arg(minimum))
         : size % multiple != 0
             ? tr("%1 needs a multiple of %2 px, such as %3 px.")
                   .arg(model)
                   .arg(multiple)
                   .arg(std::max(minimum, (size + multiple / 2) / multiple * multiple))
             : QString());
    imageSize_->setSingleStep(multiple);
    imageSize_->setToolTip(tr("Images are resized to this many pixels square; larger sizes show "
                              "smaller details but train slower. At least %1 px for this model.")
                               .arg(minimum));
    show(minimumAreasProblem_, minimumAreasProblem());
    show(epochsProblem_, epochs_->value() < 1 ? tr("Train for at least one epoch.") : QString());
    show(batchSizeProblem_,
         batchSize_->value() < 1 ? tr("The batch size must be at least 1.") : QString());
    const int processes = processes_->value();
    show(processesProblem_,
         processes > 1 && batchSize_->value() % processes != 0
             ? (deviceIsCuda() ? tr("A batch of %1 does not split over %2 GPUs; use a multiple "
                                    "of %2.")
                               : tr("A batch of %1 does not split over %2 processes; use a "
                                    "multiple of %2."))
                   .arg(batchSize_->value())
                   .arg(processes)
             : QString());
    show(learningRateProblem_,
         learningRate()
             ? QString()
             : tr("Enter a learning rate between 0 and %1, such as 0.01.").arg(kMaxLearningRate));
    const bool valid = firstProblem().isEmpty();
    if (valid != valid_) {
        valid_ = valid;
        emit validityChanged(valid);
    }
}

void TrainingForm::showPreset() {
    const std::optional<Preset> active = activePreset();
    presetButtons_->setExclusive(false); // an exclusive group cannot show "none checked"
    for (QAbstractButton* button : presetButtons_->buttons()) {
        button->setChecked(active && presetButtons_->id(button) == static_cast<int>(*active));
    }
    presetButtons_->setExclusive(true);
    const QString name = !active                       ? tr("Custom")
                         : *active == Preset::Fast     ? tr("Fast")
                         : *active == Preset::Balanced ? tr("Balanced")
                                                       : tr("Accurate");
    presetState_->setText(name);
    presetState_->setToolTip(active ? tr("These are the %1 preset's settings").arg(name)
                                    : tr("Edited away from the presets"));
}

} // namespace kestrel::widgets
