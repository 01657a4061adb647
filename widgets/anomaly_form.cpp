#include "anomaly_form.h"

#include "form_fields.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace kestrel::widgets {

using anomaly::AnomalyMethod;
using anomaly::AnomalyOptions;

namespace {

using form::addItem;
using form::addRow;
using form::comboBox;
using form::problemLabel;
using form::selectData;
using Item = form::ComboItem;

constexpr int kMinImageSize = 64;   // below it layer3's feature grid is too coarse for a map
constexpr int kMaxImageSize = 1024; // core refuses larger
constexpr int kImageSizeStep = 32;  // sizes the backbones' strides divide evenly
constexpr int kMaxPadimChannels = 2000;
constexpr double kDefaultRecallPercent = 99.5; // as the classification threshold catches

// The channels PaDiM can keep (layer1 to layer3 together), as core counts them to refuse
// more (core/anomaly/anomaly_options.cpp); 0 for a backbone core does not know.
int featureChannels(const QString& backbone) {
    if (backbone == "resnet18") {
        return 448;
    }
    if (backbone == "wide_resnet50_2") {
        return 1792;
    }
    return 0;
}

// A percentage field as a share. While the field still shows the base's share rounded, the
// base's own value is kept: an unedited coreset of 0.025 stays 0.025, not the 3 % shown.
double share(double shown, double base, double halfStep) {
    const bool showsBase = base > 0 && base <= 1 && std::abs(base * 100 - shown) <= halfStep;
    return showsBase ? base : shown / 100;
}

QSpinBox* spinBox(const char* objectName, int minimum, int maximum, const QString& tip) {
    auto* spin = new QSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(minimum, maximum);
    spin->setToolTip(tip);
    return spin;
}

} // namespace

AnomalyForm::AnomalyForm(QWidget* parent) : QWidget(parent) {
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // the panel is made wide enough
    scroll->setFrameShape(QFrame::NoFrame);
    fields_ = new QWidget;
    scroll->setWidget(fields_);
    column->addWidget(scroll);
    buildFields();
    setOptions(AnomalyOptions{});
}

void AnomalyForm::buildFields() {
    auto* form = new QFormLayout(fields_);
    auto* about = new QLabel(tr("Learns what good parts look like from good images only and "
                                "flags whatever differs, so no defect needs a label to train. "
                                "Fits in one pass over the images: there are no epochs."));
    about->setObjectName("anomalyDescription");
    about->setWordWrap(true);
    form->addRow(about);

    method_ =
        comboBox("anomalyMethod", tr("How the good parts are remembered"),
                 {{tr("PatchCore"), static_cast<int>(AnomalyMethod::PatchCore),
                   tr("A memory bank of good patch features; a patch scores by its distance to the "
                      "nearest. The best maps.")},
                  {tr("PaDiM"), static_cast<int>(AnomalyMethod::Padim),
                   tr("A Gaussian per position of the feature map; fast to fit.")}});
    addRow(form, tr("&Method:"), method_);
    backbone_ =
        comboBox("anomalyBackbone",
                 tr("The network whose features describe the parts; it is not trained"), {});
    backboneProblem_ = problemLabel("anomalyBackboneProblem");
    addRow(form, tr("&Backbone:"), backbone_, backboneProblem_);
    startFrom_ = comboBox(
        "anomalyWeights",
        tr("The backbone's weights. Nothing is trained, so they decide what the features see."),
        {{tr("ImageNet weights"), kStartFromImageNet, {}},
         {tr("Random weights"), kStartFromScratch,
          tr("Untrained features: much weaker maps and scores")}});
    addRow(form, tr("Start f&rom:"), startFrom_);
    weightsWarning_ = new QLabel;
    weightsWarning_->setObjectName("anomalyWeightsWarning");
    weightsWarning_->setTextFormat(Qt::PlainText);
    weightsWarning_->setWordWrap(true);
    weightsWarning_->setTextInteractionFlags(Qt::TextSelectableByMouse); // to copy the command
    {
        // Dark amber reads badly on a dark theme, so the shade follows the window colour.
        QPalette palette = weightsWarning_->palette();
        const bool dark = palette.color(QPalette::Window).lightness() < 128;
        palette.setColor(QPalette::WindowText,
                         dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0x9a, 0x52, 0x00));
        weightsWarning_->setPalette(palette);
    }
    weightsWarning_->hide();
    form->addRow(weightsWarning_);
    goodClass_ = comboBox("anomalyGoodClass",
                          tr("The class of parts that pass. Only its training images are "
                             "learned; the other classes are the defects that validation and "
                             "test should flag."),
                          {});
    addRow(form, tr("&Good parts:"), goodClass_);
    imageSize_ = spinBox("anomalyImageSize", kMinImageSize, kMaxImageSize,
                         tr("Images are resized to this many pixels square; larger sizes find "
                            "smaller defects but fit and score slower"));
    imageSize_->setSingleStep(kImageSizeStep);
    imageSize_->setSuffix(tr(" px"));
    addRow(form, tr("Image si&ze:"), imageSize_);

    coreset_ = spinBox("anomalyCoreset", 1, 100,
                       tr("PatchCore: the share of the training patches kept in the memory "
                          "bank. More is slower to fit and to score, and seldom better."));
    coreset_->setSuffix(tr(" %"));
    coresetLabel_ = addRow(form, tr("Memor&y bank:"), coreset_);
    neighbours_ = spinBox("anomalyNeighbours", 1, 64,
                          tr("PatchCore: how many neighbours in the memory bank weigh an "
                             "image's score; 1 scores by the nearest patch alone"));
    neighboursLabel_ = addRow(form, tr("&Neighbours:"), neighbours_);
    padimChannels_ = spinBox("anomalyPadimChannels", 0, kMaxPadimChannels, {});
    padimChannels_->setSpecialValueText(tr("Default"));
    padimChannelsProblem_ = problemLabel("anomalyPadimChannelsProblem");
    padimChannelsLabel_ = addRow(form, tr("&Channels:"), padimChannels_, padimChannelsProblem_);
    recomputeBatchNorm_ = new QCheckBox(tr("Re-estimate batch n&orms on the good images"));
    recomputeBatchNorm_->setObjectName("anomalyRecomputeBn");
    recomputeBatchNorm_->setToolTip(
        tr("Measured to lower AUROC with random weights. May help with ImageNet weights when "
           "the images look far from ImageNet's photographs."));
    form->addRow(recomputeBatchNorm_);

    threshold_ = comboBox(
        "anomalyThreshold",
        tr("Where a score turns from good to defect; chosen on the validation images"),
        {{tr("Best F1 on validation"), kThresholdBestF1,
          tr("Balances escaped defects against rejected good parts")},
         {tr("Catch a share of the defects"), kThresholdTargetRecall,
          tr("Catches at least this share of the validation defects, rejecting as few good "
             "parts as that allows")}});
    addRow(form, tr("T&hreshold:"), threshold_);
    targetRecall_ = new QDoubleSpinBox;
    targetRecall_->setObjectName("anomalyTargetRecall");
    targetRecall_->setRange(50.0, 100.0);
    targetRecall_->setDecimals(1);
    targetRecall_->setSingleStep(0.5);
    targetRecall_->setSuffix(tr(" %"));
    targetRecall_->setToolTip(tr("The share of the validation defects the threshold catches"));
    targetRecallLabel_ = addRow(form, tr("Defects c&aught:"), targetRecall_);
    device_ = comboBox("anomalyDevice", tr("Where features are computed and scored"), {});
    addRow(form, tr("&Device:"), device_);

    // Filled from code, the form revalidates once at the end, so that no half-filled state
    // flickers through validityChanged.
    connect(method_, &QComboBox::currentIndexChanged, this, [this] {
        updateMethodRows();
        if (!filling_) {
            revalidate();
        }
    });
    connect(backbone_, &QComboBox::currentIndexChanged, this, [this] {
        updateStartFrom();
        if (!filling_) {
            revalidate();
        }
    });
    connect(startFrom_, &QComboBox::currentIndexChanged, this, [this] {
        if (!filling_) {
            preferPretrained_ = startFrom_->currentData().toInt() == kStartFromImageNet;
        }
        updateWeightsWarning();
    });
    connect(threshold_, &QComboBox::currentIndexChanged, this, &AnomalyForm::updateThresholdRow);
    connect(padimChannels_, &QSpinBox::valueChanged, this, [this] {
        if (!filling_) {
            revalidate();
        }
    });
}

void AnomalyForm::setBackbones(std::vector<ModelChoice> backbones) {
    backbones_ = std::move(backbones);
    const QScopedValueRollback<bool> filling(filling_, true);
    rebuildBackboneItems(backbone_->currentData().toString());
    revalidate();
}

void AnomalyForm::setDevices(std::vector<DeviceChoice> devices) {
    devices_ = std::move(devices);
    const QScopedValueRollback<bool> filling(filling_, true);
    rebuildDeviceItems(device_->currentData().toString());
}

void AnomalyForm::setClasses(const QStringList& classes) {
    classes_ = classes;
    const QScopedValueRollback<bool> filling(filling_, true);
    rebuildGoodClassItems(goodClass_->currentData().toString());
}

void AnomalyForm::setOptions(const AnomalyOptions& options) {
    base_ = options;
    if (!options.weights.empty()) {
        preferPretrained_ = true;
    }
    {
        const QScopedValueRollback<bool> filling(filling_, true);
        selectData(method_, static_cast<int>(options.method));
        rebuildBackboneItems(QString::fromStdString(options.backbone));
        rebuildGoodClassItems(QString::fromStdString(options.goodClass));
        imageSize_->setValue(options.imageSize);
        coreset_->setValue(
            static_cast<int>(std::lround(std::clamp(options.coresetRatio * 100, 1.0, 100.0))));
        neighbours_->setValue(options.neighbours);
        padimChannels_->setValue(options.padimChannels);
        recomputeBatchNorm_->setChecked(options.recomputeBatchNorm);
        const bool targetRecall = options.targetDefectRecall > 0;
        selectData(threshold_, targetRecall ? kThresholdTargetRecall : kThresholdBestF1);
        targetRecall_->setValue(targetRecall ? options.targetDefectRecall * 100
                                             : kDefaultRecallPercent);
        rebuildDeviceItems(QString::fromStdString(options.device));
        updateMethodRows();
        updateThresholdRow();
    }
    revalidate();
}

AnomalyOptions AnomalyForm::options() const {
    AnomalyOptions options = base_;
    options.method = static_cast<AnomalyMethod>(method_->currentData().toInt());
    if (backbone_->currentIndex() >= 0) {
        options.backbone = backbone_->currentData().toString().toStdString();
    }
    options.weights =
        usesImageNet() ? std::filesystem::path(currentBackbone()->pretrainedWeights.toStdString())
                       : std::filesystem::path();
    options.goodClass = goodClass_->currentData().toString().toStdString();
    options.imageSize = imageSize_->value();
    options.coresetRatio = share(coreset_->value(), base_.coresetRatio, 0.5);
    options.neighbours = neighbours_->value();
    // Over the backbone's channels it is refused (PaDiM) or unused (PatchCore; core checks it
    // all the same): the backbone's default then.
    const int limit = padimChannelsLimit();
    options.padimChannels =
        limit > 0 && padimChannels_->value() > limit ? 0 : padimChannels_->value();
    options.recomputeBatchNorm = recomputeBatchNorm_->isChecked();
    options.targetDefectRecall =
        threshold_->currentData().toInt() == kThresholdBestF1
            ? 0
            : share(targetRecall_->value(), base_.targetDefectRecall, 0.05);
    if (device_->currentIndex() >= 0) {
        options.device = device_->currentData().toString().toStdString();
    }
    return options;
}

QString AnomalyForm::firstProblem() const {
    for (const QLabel* problem : {backboneProblem_, padimChannelsProblem_}) {
        if (!problem->text().isEmpty()) {
            return problem->text();
        }
    }
    return {};
}

void AnomalyForm::setEditable(bool editable) {
    fields_->setEnabled(editable); // the method's and threshold's rows keep their own on top
}

void AnomalyForm::rebuildBackboneItems(const QString& selected) {
    {
        const QSignalBlocker blocker(backbone_);
        backbone_->clear();
        for (const ModelChoice& choice : backbones_) {
            addItem(backbone_, choice.name, choice.name,
                    choice.pretrainedWeights.isEmpty()
                        ? tr("%1\nNo ImageNet weights stored for it").arg(choice.description)
                        : tr("%1\nImageNet weights: %2")
                              .arg(choice.description, choice.pretrainedWeights));
        }
        if (!selected.isEmpty() && backbone_->findData(selected) < 0) {
            addItem(backbone_, selected, selected, tr("Named by the loaded settings"));
        }
        selectData(backbone_, selected);
    }
    updateStartFrom();
}

void AnomalyForm::rebuildDeviceItems(const QString& selected) {
    form::fillDeviceItems(device_, devices_, selected);
}

void AnomalyForm::rebuildGoodClassItems(const QString& selected) {
    form::fillGoodClassItems(goodClass_, classes_, selected);
}

const ModelChoice* AnomalyForm::currentBackbone() const {
    const QString name = backbone_->currentData().toString();
    const auto found =
        std::find_if(backbones_.begin(), backbones_.end(),
                     [&name](const ModelChoice& choice) { return choice.name == name; });
    return found == backbones_.end() ? nullptr : &*found;
}

// Before the app offers any, a named backbone is taken on trust; after, only those offered.
bool AnomalyForm::backboneOffered() const {
    return backbone_->currentIndex() >= 0 && (backbones_.empty() || currentBackbone());
}

bool AnomalyForm::usesImageNet() const {
    const ModelChoice* backbone = currentBackbone();
    return backbone && !backbone->pretrainedWeights.isEmpty() &&
           startFrom_->currentData().toInt() == kStartFromImageNet;
}

void AnomalyForm::updateStartFrom() {
    const QScopedValueRollback<bool> filling(filling_, true); // not the user's choice
    const ModelChoice* backbone = currentBackbone();
    const bool available = backbone && !backbone->pretrainedWeights.isEmpty();
    auto* items = qobject_cast<QStandardItemModel*>(startFrom_->model());
    QStandardItem* imagenet = items->item(startFrom_->findData(kStartFromImageNet));
    imagenet->setEnabled(available);
    const QString name =
        backbone_->currentText().isEmpty() ? tr("this backbone") : backbone_->currentText();
    imagenet->setToolTip(
        available ? tr("Pretrained on ImageNet (%1): features that tell a part's details apart")
                        .arg(backbone->pretrainedWeights)
                  : tr("No ImageNet weights for %1 on this machine: \"kestrel-cli weights fetch "
                       "%1\" downloads them.")
                        .arg(name));
    selectData(startFrom_, available && preferPretrained_ ? kStartFromImageNet : kStartFromScratch);
    updateWeightsWarning();
}

// Said before training, in the form, because nothing after it would tell: a run on random
// weights completes normally, only with much weaker maps.
void AnomalyForm::updateWeightsWarning() {
    const ModelChoice* backbone = currentBackbone();
    const bool stored = backbone && !backbone->pretrainedWeights.isEmpty();
    const QString name =
        backbone_->currentText().isEmpty() ? tr("this backbone") : backbone_->currentText();
    weightsWarning_->setText(
        stored ? tr("Random weights find defects much less reliably than ImageNet weights, "
                    "which are stored for %1: choose them above unless you mean to compare.")
                     .arg(name)
               : tr("No ImageNet weights are stored for %1, so this run would use random "
                    "weights and find defects much less reliably. Run \"kestrel-cli weights "
                    "fetch %1\" to put them in the weights store.")
                     .arg(name));
    weightsWarning_->setVisible(!usesImageNet());
}

void AnomalyForm::updateMethodRows() {
    const bool patchCore =
        static_cast<AnomalyMethod>(method_->currentData().toInt()) == AnomalyMethod::PatchCore;
    for (QWidget* row :
         {static_cast<QWidget*>(coresetLabel_), static_cast<QWidget*>(coreset_),
          static_cast<QWidget*>(neighboursLabel_), static_cast<QWidget*>(neighbours_)}) {
        row->setEnabled(patchCore);
    }
    padimChannelsLabel_->setEnabled(!patchCore);
    padimChannels_->setEnabled(!patchCore);
}

void AnomalyForm::updateThresholdRow() {
    const bool targetRecall = threshold_->currentData().toInt() == kThresholdTargetRecall;
    targetRecallLabel_->setEnabled(targetRecall);
    targetRecall_->setEnabled(targetRecall);
}

int AnomalyForm::padimChannelsLimit() const {
    return featureChannels(backbone_->currentData().toString());
}

void AnomalyForm::revalidate() {
    const auto show = [](QLabel* label, const QString& problem) {
        label->setText(problem);
        label->setVisible(!problem.isEmpty());
    };
    const QString name = backbone_->currentText();
    show(backboneProblem_,
         backbone_->currentIndex() < 0 ? tr("Choose a backbone.")
         : !backboneOffered()
             ? tr("Anomaly detection cannot use %1; choose one of the backbones offered.").arg(name)
             : QString());
    const int limit = padimChannelsLimit();
    const bool padim =
        static_cast<AnomalyMethod>(method_->currentData().toInt()) == AnomalyMethod::Padim;
    show(padimChannelsProblem_,
         padim && limit > 0 && padimChannels_->value() > limit
             ? tr("PaDiM keeps at most %1 channels of %2.").arg(limit).arg(name)
             : QString());
    padimChannels_->setToolTip(
        limit > 0 ? tr("PaDiM: the feature channels kept, picked at random; Default keeps 100 of "
                       "resnet18's or 550 of wide_resnet50_2's. At most %1 for %2.")
                        .arg(limit)
                        .arg(name)
                  : tr("PaDiM: the feature channels kept, picked at random; Default keeps 100 of "
                       "resnet18's or 550 of wide_resnet50_2's."));
    const bool valid = firstProblem().isEmpty();
    if (valid != valid_) {
        valid_ = valid;
        emit validityChanged(valid);
    }
}

} // namespace kestrel::widgets
