#include "training_form.h"

#include "augmentation_box.h"
#include "learning_rate_text.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kestrel::widgets {

using train::OptimizerKind;
using train::Precision;
using train::TrainOptions;
using Schedule = train::LrScheduleOptions::Kind;
using Augmentation = AugmentationBox::Kind;

namespace {

constexpr int kMaxEpochs = 100000;
constexpr int kMaxSupportedImageSize = 2048;
constexpr int kCoreMinImageSize = 8; // core refuses anything smaller, whatever the model
constexpr int kCudaRole = Qt::UserRole + 1;

// One value per channel when the colour choice changed what the base was made for.
std::vector<double> perChannel(const std::vector<double>& values, int channels) {
    const auto count = static_cast<std::size_t>(channels);
    if (values.size() == count || values.empty()) {
        return values.empty() ? std::vector<double>(count, 0.5) : values;
    }
    const double sum = std::accumulate(values.begin(), values.end(), 0.0);
    return std::vector<double>(count, sum / static_cast<double>(values.size()));
}

QLabel* problemLabel(const char* objectName) {
    auto* label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(198, 40, 40));
    label->setPalette(palette);
    label->hide();
    return label;
}

void addRow(QFormLayout* form, const QString& caption, QWidget* field, QLabel* problem = nullptr) {
    auto* label = new QLabel(caption);
    label->setBuddy(field);
    if (!problem) {
        form->addRow(label, field);
        return;
    }
    auto* column = new QVBoxLayout;
    column->setSpacing(2);
    column->addWidget(field);
    column->addWidget(problem);
    form->addRow(label, column);
}

QSpinBox* spinBox(const char* objectName, int maximum, const QString& tip) {
    auto* spin = new QSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(0, maximum); // 0 can be typed so that it can be refused with a reason
    spin->setToolTip(tip);
    return spin;
}

struct Item {
    QString text;
    int data;
    QString tip;
};

QComboBox* comboBox(const char* objectName, const QString& tip, const std::vector<Item>& items) {
    auto* combo = new QComboBox;
    combo->setObjectName(objectName);
    combo->setToolTip(tip);
    for (const Item& item : items) {
        combo->addItem(item.text, item.data);
        combo->setItemData(combo->count() - 1, item.tip, Qt::ToolTipRole);
    }
    return combo;
}

void addItem(QComboBox* combo, const QString& text, const QVariant& data, const QString& tip) {
    combo->addItem(text, data);
    combo->setItemData(combo->count() - 1, tip, Qt::ToolTipRole);
}

void selectData(QComboBox* combo, const QVariant& data) {
    combo->setCurrentIndex(std::max(0, combo->findData(data)));
}

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

    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // the panel is made wide enough
    scroll->setFrameShape(QFrame::NoFrame);
    fields_ = new QWidget;
    scroll->setWidget(fields_);
    column->addWidget(scroll);
    buildFields();
    const QMargins margins = fields_->layout()->contentsMargins(); // align with the fields
    defaultsLabel_->setContentsMargins(margins.left(), margins.top(), margins.right(), 0);
    setOptions(TrainOptions{});
}

void TrainingForm::buildFields() {
    auto* form = new QFormLayout(fields_);

    auto* presetRow = new QHBoxLayout;
    presetButtons_ = new QButtonGroup(this);
    const std::array<std::tuple<Preset, const char*, QString, QString>, 3> presets = {{
        {Preset::Fast, "presetFast", tr("&Fast"),
         tr("Half the epochs and horizontal flips only: a quick first model")},
        {Preset::Balanced, "presetBalanced", tr("Bala&nced"),
         tr("The settings suggested for this data")},
        {Preset::Accurate, "presetAccurate", tr("&Accurate"),
         tr("Twice the epochs, a cosine schedule and more augmentation (crop, flip, colour, "
            "small rotation)")},
    }};
    for (const auto& [preset, name, text, tip] : presets) {
        auto* button = new QPushButton(text);
        button->setObjectName(name);
        button->setToolTip(tip);
        button->setCheckable(true);
        button->setAutoDefault(false); // Enter in a dialog must not reset the settings
        presetButtons_->addButton(button, static_cast<int>(preset));
        presetRow->addWidget(button);
    }
    connect(presetButtons_, &QButtonGroup::idClicked, this,
            [this](int id) { applyPreset(static_cast<Preset>(id)); });
    presetState_ = new QLabel;
    presetState_->setObjectName("presetState");
    presetRow->addWidget(presetState_);
    presetRow->addStretch();
    form->addRow(tr("Preset:"), presetRow);

    model_ = comboBox("model", tr("The network to train"), {});
    addRow(form, tr("&Model:"), model_);
    imageSize_ = spinBox("imageSize", 4096, {});
    imageSize_->setSuffix(tr(" px"));
    imageSizeProblem_ = problemLabel("imageSizeProblem");
    addRow(form, tr("Image si&ze:"), imageSize_, imageSizeProblem_);
    channels_ =
        comboBox("channels", tr("Gray trains on brightness alone; RGB also sees colour"),
                 {{tr("Gray"), 1, tr("One channel")}, {tr("RGB"), 3, tr("Three channels")}});
    addRow(form, tr("C&olours:"), channels_);

    epochs_ = spinBox("epochs", kMaxEpochs, tr("How often training goes through every image"));
    epochsProblem_ = problemLabel("epochsProblem");
    addRow(form, tr("&Epochs:"), epochs_, epochsProblem_);
    batchSize_ = spinBox("batchSize", 65536,
                         tr("Images per training step; larger batches need more memory"));
    batchSizeProblem_ = problemLabel("batchSizeProblem");
    addRow(form, tr("&Batch size:"), batchSize_, batchSizeProblem_);
    optimizer_ = comboBox(
        "optimizer", tr("How the weights follow the gradient"),
        {{tr("SGD"), static_cast<int>(OptimizerKind::Sgd),
          tr("Stochastic gradient descent with momentum: a reliable default")},
         {tr("Adam"), static_cast<int>(OptimizerKind::Adam),
          tr("Adapts the step per weight; often wants a smaller learning rate, such as 1e-3")},
         {tr("AdamW"), static_cast<int>(OptimizerKind::AdamW),
          tr("Adam with weight decay kept apart from the gradient")}});
    addRow(form, tr("O&ptimizer:"), optimizer_);
    learningRate_ = new QLineEdit;
    learningRate_->setObjectName("learningRate");
    learningRate_->setPlaceholderText(tr("such as 0.01 or 3e-4"));
    learningRate_->setToolTip(tr("The learning rate at the top of the schedule"));
    learningRateProblem_ = problemLabel("learningRateProblem");
    addRow(form, tr("&Learning rate:"), learningRate_, learningRateProblem_);
    schedule_ = comboBox(
        "schedule", tr("How the learning rate changes during the run"),
        {{tr("Constant"), static_cast<int>(Schedule::Constant),
          tr("The same learning rate throughout")},
         {tr("Step"), static_cast<int>(Schedule::Step), tr("Cut by a factor every few epochs")},
         {tr("Cosine"), static_cast<int>(Schedule::Cosine),
          tr("A short warm-up, then a smooth decay")},
         {tr("One-cycle"), static_cast<int>(Schedule::OneCycle),
          tr("Rises to the learning rate, then falls to almost zero")}});
    addRow(form, tr("&Schedule:"), schedule_);

    device_ = comboBox("device", tr("Where training runs"), {});
    addRow(form, tr("&Device:"), device_);
    precision_ = comboBox(
        "precision", {},
        {{tr("FP32"), static_cast<int>(Precision::Float32), tr("Full precision: the safe choice")},
         {tr("FP16"), static_cast<int>(Precision::Float16),
          tr("Mixed half precision with loss scaling: faster, less memory")},
         {tr("BF16"), static_cast<int>(Precision::BFloat16),
          tr("Mixed bfloat16: faster, less memory; needs a recent GPU")}});
    addRow(form, tr("Prec&ision:"), precision_);

    for (QComboBox* combo : {model_, channels_, optimizer_, schedule_}) {
        connect(combo, &QComboBox::currentIndexChanged, this, &TrainingForm::edited);
    }
    for (QSpinBox* spin : {imageSize_, epochs_, batchSize_}) {
        connect(spin, &QSpinBox::valueChanged, this, &TrainingForm::edited);
    }
    connect(learningRate_, &QLineEdit::textChanged, this, &TrainingForm::edited);
    connect(device_, &QComboBox::currentIndexChanged, this, [this] {
        updatePrecision();
        edited();
    });
    connect(precision_, &QComboBox::currentIndexChanged, this, [this] {
        if (!filling_ && deviceIsCuda()) {
            cudaPrecision_ = static_cast<Precision>(precision_->currentData().toInt());
        }
        edited();
    });
    augmentation_ = new AugmentationBox;
    connect(augmentation_, &AugmentationBox::edited, this, &TrainingForm::edited);
    form->addRow(augmentation_);
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
}

void TrainingForm::setOptions(const TrainOptions& options) {
    base_ = options;
    cudaPrecision_ = options.precision;
    {
        const QScopedValueRollback<bool> filling(filling_, true);
        rebuildModelItems(QString::fromStdString(options.model));
        imageSize_->setValue(options.imageSize);
        selectData(channels_, options.channels);
        rebuildDeviceItems(QString::fromStdString(options.device));
        augmentation_->setAugmentation(options.augmentation);
        fillRecipe(recipeFor(Preset::Balanced));
        updatePrecision();
    }
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
    options.channels = channels_->currentData().toInt();
    options.mean = perChannel(base_.mean, options.channels);
    options.std = perChannel(base_.std, options.channels);
    options.epochs = epochs_->value() >= 1 ? epochs_->value() : base_.epochs;
    options.batchSize = batchSize_->value() >= 1 ? batchSize_->value() : base_.batchSize;
    options.optimizer = static_cast<OptimizerKind>(optimizer_->currentData().toInt());
    options.schedule.baseLr = learningRate().value_or(base_.schedule.baseLr);
    options.schedule.kind = static_cast<Schedule>(schedule_->currentData().toInt());
    if (device_->currentIndex() >= 0) {
        options.device = device_->currentData().toString().toStdString();
    }
    options.precision = deviceIsCuda() ? cudaPrecision_ : Precision::Float32;
    options.augmentation = augmentation_->augmentation();
    return options;
}

QString TrainingForm::firstProblem() const {
    for (const QLabel* problem :
         {imageSizeProblem_, epochsProblem_, batchSizeProblem_, learningRateProblem_}) {
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
}

void TrainingForm::rebuildDeviceItems(const QString& selected) {
    const QSignalBlocker blocker(device_);
    device_->clear();
    bool anyCuda = false;
    for (const DeviceChoice& choice : devices_) {
        addItem(device_, choice.label.isEmpty() ? choice.id : choice.label, choice.id, choice.id);
        device_->setItemData(device_->count() - 1, choice.cuda, kCudaRole);
        anyCuda = anyCuda || choice.cuda;
    }
    if (!selected.isEmpty() && device_->findData(selected) < 0) {
        const bool automatic = selected == "auto";
        addItem(device_, automatic ? tr("Automatic (a GPU when there is one)") : selected, selected,
                tr("Named by the loaded settings"));
        device_->setItemData(device_->count() - 1,
                             automatic ? anyCuda : selected.startsWith("cuda"), kCudaRole);
    }
    selectData(device_, selected);
}

void TrainingForm::fillRecipe(const Recipe& recipe) {
    const QScopedValueRollback<bool> filling(filling_, true);
    epochs_->setValue(recipe.epochs);
    batchSize_->setValue(recipe.batchSize);
    selectData(optimizer_, recipe.optimizer);
    learningRate_->setText(formatLearningRate(recipe.learningRate));
    selectData(schedule_, recipe.schedule);
    augmentation_->setCheckedKinds(recipe.augmentations);
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
    const QString name = model_->currentData().toString();
    for (const ModelChoice& choice : models_) {
        if (choice.name == name) {
            return std::max(kCoreMinImageSize, choice.minImageSize);
        }
    }
    return kCoreMinImageSize;
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
    show(imageSizeProblem_,
         size > kMaxSupportedImageSize
             ? tr("Image sizes above %1 px are not supported.").arg(kMaxSupportedImageSize)
         : size >= minimum ? QString()
         : model.isEmpty() ? tr("Images must be at least %1 px.").arg(minimum)
                           : tr("%1 needs images of at least %2 px.").arg(model).arg(minimum));
    imageSize_->setToolTip(tr("Images are resized to this many pixels square; larger sizes show "
                              "smaller details but train slower. At least %1 px for this model.")
                               .arg(minimum));
    show(epochsProblem_, epochs_->value() < 1 ? tr("Train for at least one epoch.") : QString());
    show(batchSizeProblem_,
         batchSize_->value() < 1 ? tr("The batch size must be at least 1.") : QString());
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
