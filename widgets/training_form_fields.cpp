// The form's fields, their captions, tips and connections, apart from the behaviour in
// training_form.cpp.
#include "augmentation_box.h"
#include "form_fields.h"
#include "training_form.h"

#include <array>
#include <tuple>

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSpinBox>
#include <QVBoxLayout>

namespace kestrel::widgets {

using train::OptimizerKind;
using train::Precision;
using Schedule = train::LrScheduleOptions::Kind;

namespace {

using form::addRow;
using form::comboBox;
using form::problemLabel;
using Item = form::ComboItem;

QSpinBox* spinBox(const char* objectName, int maximum, const QString& tip) {
    auto* spin = new QSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(0, maximum); // 0 can be typed so that it can be refused with a reason
    spin->setToolTip(tip);
    return spin;
}

} // namespace

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
    startFrom_ = comboBox(
        "startFrom", tr("Where the model's weights begin"),
        {{tr("ImageNet weights"), kStartFromImageNet,
          tr("Pretrained on ImageNet: learns from tens of images what takes thousands from "
             "scratch")},
         {tr("Random weights"), kStartFromScratch, tr("Train from scratch")}});
    addRow(form, tr("Start &with:"), startFrom_);
    goodClass_ = comboBox(
        "goodClass",
        tr("The class of parts that pass. After training, the NG threshold is chosen to catch "
           "99.5% of the validation defects, and the rates of escaped defects and rejected good "
           "parts are reported beside the confusion matrix."),
        {});
    addRow(form, tr("&Good parts:"), goodClass_);
    minimumAreas_ = new QLineEdit;
    minimumAreas_->setObjectName("minimumAreas");
    minimumAreas_->setPlaceholderText(tr("10 px; or scratch=20, spot=0.5mm2"));
    minimumAreas_->setToolTip(
        tr("A part is NG when a defect class covers more than this: pixels (20), or square "
           "millimetres (0.5mm2) with the pixel size; one area for every class, or CLASS=AREA "
           "for one, separated by commas. Empty: 10 pixels."));
    minimumAreasProblem_ = problemLabel("minimumAreasProblem");
    minimumAreasCaption_ =
        addRow(form, tr("NG b&y area over:"), minimumAreas_, minimumAreasProblem_);
    pixelSize_ = new QDoubleSpinBox;
    pixelSize_->setObjectName("pixelSize");
    pixelSize_->setRange(0, 100);
    pixelSize_->setDecimals(4);
    pixelSize_->setSingleStep(0.001);
    pixelSize_->setSuffix(tr(" mm"));
    pixelSize_->setSpecialValueText(tr("Not set (areas in pixels)"));
    pixelSize_->setToolTip(tr("Millimetres per pixel side, so that areas can be given and "
                              "reported in mm²"));
    pixelSizeCaption_ = addRow(form, tr("Pi&xel size:"), pixelSize_);
    mirrors_ = new QCheckBox(tr("Judge over mirror images (&4 passes per image)"));
    mirrors_->setObjectName("averageMirrors");
    mirrorsCaption_ = new QLabel(tr("Mirrors:"));
    form->addRow(mirrorsCaption_, mirrors_);
    connect(mirrors_, &QCheckBox::toggled, this, [this](bool on) {
        if (!filling_) {
            wantMirrors_ = on;
        }
        edited();
    });
    connect(minimumAreas_, &QLineEdit::textChanged, this, &TrainingForm::edited);
    connect(pixelSize_, &QDoubleSpinBox::valueChanged, this, &TrainingForm::edited);
    connect(goodClass_, &QComboBox::currentIndexChanged, this, &TrainingForm::edited);
    connect(startFrom_, &QComboBox::currentIndexChanged, this, [this] {
        if (!filling_) {
            preferPretrained_ = startFrom_->currentData().toInt() == kStartFromImageNet;
        }
        edited();
    });
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
    processes_ = new QSpinBox;
    processes_->setObjectName("processes");
    processes_->setRange(1, 1); // updateProcesses() sets the top from the devices
    processesProblem_ = problemLabel("processesProblem");
    processesCaption_ = addRow(form, tr("P&rocesses:"), processes_, processesProblem_);

    connect(model_, &QComboBox::currentIndexChanged, this, [this] {
        const bool picked = !filling_; // by the user, not by setOptions or setModels
        const QScopedValueRollback<bool> filling(filling_, true);
        updateStartFrom();
        if (picked) {
            takeModelDefaults();
        }
    });
    for (QComboBox* combo : {model_, channels_, optimizer_, schedule_}) {
        connect(combo, &QComboBox::currentIndexChanged, this, &TrainingForm::edited);
    }
    for (QSpinBox* spin : {imageSize_, epochs_, batchSize_}) {
        connect(spin, &QSpinBox::valueChanged, this, &TrainingForm::edited);
    }
    connect(learningRate_, &QLineEdit::textChanged, this, &TrainingForm::edited);
    connect(device_, &QComboBox::currentIndexChanged, this, [this] {
        updatePrecision();
        updateProcesses();
        edited();
    });
    connect(processes_, &QSpinBox::valueChanged, this, &TrainingForm::edited);
    connect(precision_, &QComboBox::currentIndexChanged, this, [this] {
        if (!filling_ && deviceIsCuda()) {
            cudaPrecision_ = static_cast<Precision>(precision_->currentData().toInt());
        }
        edited();
    });
    augmentation_ = new AugmentationBox;
    connect(augmentation_, &AugmentationBox::edited, this, [this] {
        updateMirrors();
        edited();
    });
    form->addRow(augmentation_);
}

} // namespace kestrel::widgets
