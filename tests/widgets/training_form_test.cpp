// The training settings form driven headless, by typing and clicking where a user would.
#include "form_typing.h"
#include "inspection/area_verdict.h"
#include "training_form.h"

#include <memory>
#include <vector>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTest>

using kestrel::train::OptimizerKind;
using kestrel::train::Precision;
using kestrel::train::TrainOptions;
using kestrel::widgets::DeviceChoice;
using kestrel::widgets::ModelChoice;
using kestrel::widgets::TrainingForm;
using Schedule = kestrel::train::LrScheduleOptions::Kind;

namespace {

// Core's enums and strings have no QTest::toString (ADL would find core's toString instead),
// so they are compared as what a failure message can print.
template <typename Enum>
int code(Enum value) {
    return static_cast<int>(value);
}

QString text(const std::string& value) {
    return QString::fromStdString(value);
}

std::vector<ModelChoice> sampleModels() {
    return {
        {"smallcnn", "A small network for small images", 28, 8, {}},
        {"resnet18", "ResNet-18", 224, 32, "/weights/resnet18/resnet18-f37072fd.pth"},
        {"widenet", "Needs large inputs", 256, 64, {}},
    };
}

std::vector<DeviceChoice> sampleDevices() {
    return {{"cpu", "CPU (16 cores)", false}, {"cuda:0", "NVIDIA H100 (80 GB)", true}};
}

// Gray 28 px images on smallcnn, like the defaults for a small gray data set.
TrainOptions smallGray() {
    TrainOptions options;
    options.model = "smallcnn";
    options.imageSize = 28;
    options.epochs = 10;
    options.batchSize = 64;
    options.device = "cpu";
    return options;
}

} // namespace

class TrainingFormTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TrainingForm> form_;

    template <typename T>
    T* field(const char* name) const {
        return kestrel::testing::namedField<T>(form_.get(), name);
    }
    QLabel* problem(const char* name) const { return field<QLabel>(name); }
    template <typename Field>
    void type(Field* input, const QString& text) {
        kestrel::testing::typeInto(input, text);
    }
    void pick(const char* comboName, const QString& text) {
        auto* combo = field<QComboBox>(comboName);
        const int index = combo->findText(text);
        QVERIFY2(index >= 0, qPrintable(text));
        combo->setCurrentIndex(index);
    }
    bool checked(const char* name) const { return field<QCheckBox>(name)->isChecked(); }

private slots:
    void init() {
        form_ = std::make_unique<TrainingForm>();
        form_->setModels(sampleModels());
        form_->setDevices(sampleDevices());
        form_->setOptions(smallGray());
        form_->show();
        QVERIFY(QTest::qWaitForWindowExposed(form_.get()));
    }

    void cleanup() { form_.reset(); }

    void aModelWithStoredWeightsStartsFromThemUnlessTheUserSaysScratch() {
        auto* startFrom = field<QComboBox>("startFrom");
        auto* items = qobject_cast<QStandardItemModel*>(startFrom->model());
        QCOMPARE(form_->options().model, std::string("smallcnn"));
        QCOMPARE(startFrom->currentText(), QString("Random weights"));
        QVERIFY(!items->item(startFrom->findText("ImageNet weights"))->isEnabled());
        QVERIFY(form_->options().initWeights.empty());

        pick("model", "resnet18");
        QCOMPARE(startFrom->currentText(), QString("ImageNet weights"));
        QVERIFY(items->item(startFrom->findText("ImageNet weights"))->isEnabled());
        QCOMPARE(text(form_->options().initWeights.string()),
                 QString("/weights/resnet18/resnet18-f37072fd.pth"));

        pick("startFrom", "Random weights");
        QVERIFY(form_->options().initWeights.empty());
        pick("model", "smallcnn");
        pick("model", "resnet18"); // the user's "scratch" outlives a trip through other models
        QCOMPARE(startFrom->currentText(), QString("Random weights"));
        QVERIFY(form_->options().initWeights.empty());

        pick("startFrom", "ImageNet weights");
        pick("model", "widenet"); // has none: random, however much ImageNet was wanted
        QCOMPARE(startFrom->currentText(), QString("Random weights"));
        QVERIFY(form_->options().initWeights.empty());
        pick("model", "resnet18");
        QCOMPARE(startFrom->currentText(), QString("ImageNet weights"));
        QVERIFY(!form_->options().initWeights.empty());
    }

    void setOptionsThenOptionsRoundTripsEveryField() {
        TrainOptions in;
        in.model = "resnet18";
        in.imageSize = 96;
        in.channels = 3;
        in.mean = {0.485, 0.456, 0.406};
        in.std = {0.229, 0.224, 0.225};
        in.epochs = 37;
        in.batchSize = 48;
        in.optimizer = OptimizerKind::AdamW;
        in.schedule.kind = Schedule::Step;
        in.schedule.baseLr = 3e-4;
        in.schedule.stepEpochs = 7;
        in.device = "cuda:0";
        in.precision = Precision::BFloat16;
        in.augmentation.horizontalFlip = 0.3;
        in.augmentation.rotation.probability = 0.5;
        in.augmentation.rotation.maxDegrees = 7;
        in.augmentation.noise.probability = 0.2;
        in.seed = 42;
        in.workers = 5;
        in.momentum = 0.8;
        in.labelSmoothing = 0.05;
        in.monitor = "val_loss";
        form_->setOptions(in);

        QCOMPARE(field<QComboBox>("model")->currentText(), QString("resnet18"));
        QCOMPARE(field<QSpinBox>("imageSize")->value(), 96);
        QCOMPARE(field<QComboBox>("channels")->currentText(), QString("RGB"));
        QCOMPARE(field<QSpinBox>("epochs")->value(), 37);
        QCOMPARE(field<QComboBox>("optimizer")->currentText(), QString("AdamW"));
        QCOMPARE(field<QLineEdit>("learningRate")->text(), QString("0.0003"));
        QCOMPARE(field<QComboBox>("schedule")->currentText(), QString("Step"));
        QCOMPARE(field<QComboBox>("device")->currentText(), QString("NVIDIA H100 (80 GB)"));
        QCOMPARE(field<QComboBox>("precision")->currentText(), QString("BF16"));
        QVERIFY(checked("augFlipHorizontal") && checked("augRotation") && checked("augNoise"));
        QVERIFY(!checked("augFlipVertical") && !checked("augResizedCrop") && !checked("augBlur"));
        QVERIFY(form_->isValid());

        const TrainOptions out = form_->options();
        QCOMPARE(text(out.model), text(in.model));
        QCOMPARE(out.imageSize, in.imageSize);
        QCOMPARE(out.channels, in.channels);
        QCOMPARE(out.mean, in.mean);
        QCOMPARE(out.std, in.std);
        QCOMPARE(out.epochs, in.epochs);
        QCOMPARE(out.batchSize, in.batchSize);
        QCOMPARE(code(out.optimizer), code(in.optimizer));
        QCOMPARE(code(out.schedule.kind), code(in.schedule.kind));
        QCOMPARE(out.schedule.baseLr, in.schedule.baseLr);
        QCOMPARE(out.schedule.stepEpochs, 7);
        QCOMPARE(text(out.device), text(in.device));
        QCOMPARE(code(out.precision), code(in.precision));
        QCOMPARE(out.augmentation.horizontalFlip, 0.3); // its own probability, not 0.5
        QCOMPARE(out.augmentation.rotation.probability, 0.5);
        QCOMPARE(out.augmentation.rotation.maxDegrees, 7.0);
        QCOMPARE(out.augmentation.noise.probability, 0.2);
        QCOMPARE(out.augmentation.verticalFlip, 0.0);
        QCOMPARE(out.seed, std::uint64_t(42));
        QCOMPARE(out.workers, 5);
        QCOMPARE(out.momentum, 0.8);
        QCOMPARE(out.labelSmoothing, 0.05);
        QCOMPARE(text(out.monitor), QString("val_loss"));
    }

    void settingsOutsideTheChoicesAreKept() {
        TrainOptions in = smallGray();
        in.model = "mobilenet_v9";
        in.device = "auto";
        form_->setOptions(in);
        QCOMPARE(text(form_->options().model), QString("mobilenet_v9"));
        QCOMPARE(text(form_->options().device), QString("auto"));
        // "auto" may pick the offered GPU, so mixed precision stays available.
        QVERIFY(field<QComboBox>("precision")->isEnabled());
    }

    void batchSizeZeroIsRefusedInlineUntilFixed() {
        QSignalSpy validity(form_.get(), &TrainingForm::validityChanged);
        QSignalSpy edited(form_.get(), &TrainingForm::optionsEdited);
        QLabel* message = problem("batchSizeProblem");
        QVERIFY(!message->isVisible());

        type(field<QSpinBox>("batchSize"), "0");
        QVERIFY(message->isVisible());
        QCOMPARE(message->text(), QString("The batch size must be at least 1."));
        QVERIFY(!form_->isValid());
        QCOMPARE(form_->firstProblem(), message->text());
        QCOMPARE(validity.count(), 1);
        QCOMPARE(validity.at(0).at(0).toBool(), false);
        QCOMPARE(form_->options().batchSize, 64); // a refused value keeps the base's
        QVERIFY(edited.count() >= 1);

        type(field<QSpinBox>("batchSize"), "32");
        QVERIFY(!message->isVisible());
        QVERIFY(message->text().isEmpty());
        QVERIFY(form_->isValid());
        QVERIFY(form_->firstProblem().isEmpty());
        QCOMPARE(validity.count(), 2);
        QCOMPARE(validity.at(1).at(0).toBool(), true);
        QCOMPARE(form_->options().batchSize, 32);
    }

    void zeroEpochsAreRefused() {
        type(field<QSpinBox>("epochs"), "0");
        QVERIFY(problem("epochsProblem")->isVisible());
        QCOMPARE(problem("epochsProblem")->text(), QString("Train for at least one epoch."));
        QVERIFY(!form_->isValid());
        type(field<QSpinBox>("epochs"), "3");
        QVERIFY(form_->isValid());
        QCOMPARE(form_->options().epochs, std::int64_t(3));
    }

    void changingTheModelRechecksTheImageSize() {
        QSignalSpy validity(form_.get(), &TrainingForm::validityChanged);
        QVERIFY(form_->isValid()); // 28 px suits smallcnn
        pick("model", "widenet");
        QLabel* message = problem("imageSizeProblem");
        QVERIFY(message->isVisible());
        QCOMPARE(message->text(), QString("widenet needs images of at least 64 px."));
        QVERIFY(!form_->isValid());
        QCOMPARE(validity.count(), 1);
        QCOMPARE(form_->options().imageSize, 28); // unchanged: the model does not resize

        type(field<QSpinBox>("imageSize"), "64");
        QVERIFY(!message->isVisible());
        QVERIFY(form_->isValid());
        QCOMPARE(form_->options().imageSize, 64);
        QCOMPARE(text(form_->options().model), QString("widenet"));

        type(field<QSpinBox>("imageSize"), "3000");
        QCOMPARE(message->text(), QString("Image sizes above 2048 px are not supported."));
        QVERIFY(!form_->isValid());
    }

    void learningRateAcceptsDecimalAndExponentOnly() {
        auto* rate = field<QLineEdit>("learningRate");
        QLabel* message = problem("learningRateProblem");
        for (const char* bad : {"abc", "0", "-0.1", "11", ""}) {
            type(rate, bad);
            QVERIFY2(message->isVisible(), bad);
            QCOMPARE(message->text(),
                     QString("Enter a learning rate between 0 and 10, such as 0.01."));
            QVERIFY2(!form_->isValid(), bad);
        }
        type(rate, "3e-4");
        QVERIFY(!message->isVisible());
        QVERIFY(form_->isValid());
        QCOMPARE(form_->options().schedule.baseLr, 3e-4);
        type(rate, "0.001");
        QCOMPARE(form_->options().schedule.baseLr, 0.001);

        TrainOptions tiny = smallGray();
        tiny.schedule.baseLr = 5e-6;
        form_->setOptions(tiny);
        QCOMPARE(rate->text(), QString("5e-6"));
        QCOMPARE(form_->options().schedule.baseLr, 5e-6);
    }

    void precisionNeedsACudaDevice() {
        auto* precision = field<QComboBox>("precision");
        QVERIFY(!precision->isEnabled()); // smallGray() trains on the CPU
        QCOMPARE(precision->currentText(), QString("FP32"));
        QVERIFY2(precision->toolTip().contains("CUDA"), qPrintable(precision->toolTip()));

        TrainOptions onGpu = smallGray();
        onGpu.device = "cuda:0";
        onGpu.precision = Precision::Float16;
        form_->setOptions(onGpu);
        QVERIFY(precision->isEnabled());
        QCOMPARE(precision->currentText(), QString("FP16"));
        QCOMPARE(code(form_->options().precision), code(Precision::Float16));

        pick("device", "CPU (16 cores)");
        QVERIFY(!precision->isEnabled());
        QCOMPARE(precision->currentText(), QString("FP32"));
        QCOMPARE(code(form_->options().precision), code(Precision::Float32));
        QCOMPARE(text(form_->options().device), QString("cpu"));

        pick("device", "NVIDIA H100 (80 GB)"); // the GPU choice comes back with the GPU
        QVERIFY(precision->isEnabled());
        QCOMPARE(code(form_->options().precision), code(Precision::Float16));
        pick("precision", "BF16");
        QCOMPARE(code(form_->options().precision), code(Precision::BFloat16));
    }

    void presetsChangeTheRecipeOnly() {
        TrainOptions base = smallGray();
        base.model = "resnet18";
        base.imageSize = 96;
        base.schedule.kind = Schedule::OneCycle;
        base.augmentation.resizedCrop.probability = 0.4;
        base.augmentation.shift.probability = 0.5;
        form_->setOptions(base);
        QVERIFY(form_->activePreset() == TrainingForm::Preset::Balanced);
        QVERIFY(field<QPushButton>("presetBalanced")->isChecked());
        type(field<QSpinBox>("imageSize"), "128"); // not part of any preset

        field<QPushButton>("presetFast")->click();
        TrainOptions fast = form_->options();
        QCOMPARE(fast.epochs, std::int64_t(5));
        QCOMPARE(fast.batchSize, 64);
        QCOMPARE(code(fast.schedule.kind), code(Schedule::OneCycle));
        QCOMPARE(fast.augmentation.horizontalFlip, 0.5);
        QCOMPARE(fast.augmentation.resizedCrop.probability, 0.0);
        QCOMPARE(fast.augmentation.shift.probability, 0.0);
        QCOMPARE(text(fast.model), QString("resnet18"));
        QCOMPARE(fast.imageSize, 128);
        QVERIFY(form_->activePreset() == TrainingForm::Preset::Fast);
        QCOMPARE(field<QLabel>("presetState")->text(), QString("Fast"));

        field<QPushButton>("presetAccurate")->click();
        TrainOptions accurate = form_->options();
        QCOMPARE(accurate.epochs, std::int64_t(20));
        QCOMPARE(code(accurate.schedule.kind), code(Schedule::Cosine));
        QCOMPARE(accurate.augmentation.resizedCrop.probability, 0.4);
        QCOMPARE(accurate.augmentation.horizontalFlip, 0.5);
        QCOMPARE(accurate.augmentation.colorJitter.probability, 0.5);
        QCOMPARE(accurate.augmentation.rotation.probability, 0.5);
        QCOMPARE(accurate.augmentation.shift.probability, 0.0);
        QCOMPARE(accurate.imageSize, 128);
        QVERIFY(field<QPushButton>("presetAccurate")->isChecked());
        QVERIFY(!field<QPushButton>("presetFast")->isChecked());

        form_->applyPreset(TrainingForm::Preset::Balanced);
        const TrainOptions balanced = form_->options();
        QCOMPARE(balanced.epochs, std::int64_t(10));
        QCOMPARE(code(balanced.schedule.kind), code(Schedule::OneCycle));
        QCOMPARE(balanced.augmentation.shift.probability, 0.5);
        QCOMPARE(balanced.augmentation.horizontalFlip, 0.0);

        QSignalSpy edited(form_.get(), &TrainingForm::optionsEdited);
        type(field<QSpinBox>("epochs"), "11");
        QVERIFY(!form_->activePreset());
        QCOMPARE(field<QLabel>("presetState")->text(), QString("Custom"));
        for (const char* name : {"presetFast", "presetBalanced", "presetAccurate"}) {
            QVERIFY2(!field<QPushButton>(name)->isChecked(), name);
        }
        QVERIFY(edited.count() >= 1);
    }

    // A detector's epochs follow its speed on this project: picking fcos_resnet18 after
    // fcos_small must not keep fcos_small's 146 epochs, unless the user typed them.
    void pickingAModelTakesItsOwnEpochsUnlessTheUserEditedThem() {
        std::vector<ModelChoice> detectors = {
            {"fcos_small", "Small", 160, 64, {}, 32, 146, "fcos_small: 146 epochs"},
            {"fcos_resnet18", "ResNet-18", 160, 64, {}, 32, 73, "fcos_resnet18: 73 epochs"},
            {"fcos_other", "No defaults of its own", 160, 64, {}, 32},
        };
        form_->setModels(detectors);
        TrainOptions base = smallGray();
        base.model = "fcos_small";
        base.imageSize = 160;
        base.epochs = 146;
        form_->setOptions(base);
        form_->setDefaultsDescription("fcos_small: 146 epochs");
        auto* epochs = field<QSpinBox>("epochs");
        auto* description = field<QLabel>("defaultsDescription");

        pick("model", "fcos_resnet18");
        QCOMPARE(epochs->value(), 73);
        QCOMPARE(form_->options().epochs, std::int64_t(73));
        QCOMPARE(description->text(), QString("fcos_resnet18: 73 epochs"));
        QVERIFY(form_->activePreset() == TrainingForm::Preset::Balanced);

        field<QPushButton>("presetFast")->click(); // half of the picked model's epochs
        QCOMPARE(epochs->value(), 36);
        pick("model", "fcos_small");
        QCOMPARE(epochs->value(), 73);
        QVERIFY(form_->activePreset() == TrainingForm::Preset::Fast);

        pick("model", "fcos_other"); // none of its own: the fields stay
        QCOMPARE(epochs->value(), 73);

        type(epochs, "40"); // the user's own number outlives a change of model
        pick("model", "fcos_resnet18");
        QCOMPARE(epochs->value(), 40);
        QVERIFY(!form_->activePreset());
        QCOMPARE(description->text(), QString("fcos_resnet18: 73 epochs"));
        field<QPushButton>("presetBalanced")->click(); // the presets start from its defaults
        QCOMPARE(epochs->value(), 73);

        form_->setOptions(base); // loaded settings keep their own epochs
        QCOMPARE(epochs->value(), 146);
        QCOMPARE(text(form_->options().model), QString("fcos_small"));
    }

    void fastKeepsAtLeastOneEpoch() {
        TrainOptions base = smallGray();
        base.epochs = 1;
        form_->setOptions(base);
        form_->applyPreset(TrainingForm::Preset::Fast);
        QCOMPARE(form_->options().epochs, std::int64_t(1));
    }

    void augmentationCheckBoxesMapToProbabilities() {
        TrainOptions base = smallGray();
        base.augmentation.blur.minSigma = 0.3;
        base.augmentation.horizontalFlip = 0.3;
        form_->setOptions(base);
        QVERIFY(checked("augFlipHorizontal"));
        QVERIFY(!checked("augBlur"));

        field<QCheckBox>("augBlur")->click();
        field<QCheckBox>("augFlipHorizontal")->click();
        const TrainOptions out = form_->options();
        QCOMPARE(out.augmentation.blur.probability, 0.5);
        QCOMPARE(out.augmentation.blur.minSigma, 0.3); // the base's other settings stay
        QCOMPARE(out.augmentation.horizontalFlip, 0.0);
        const char* others[] = {"augFlipVertical", "augRotate90",    "augResizedCrop", "augShift",
                                "augRotation",     "augColorJitter", "augNoise"};
        for (const char* name : others) {
            field<QCheckBox>(name)->click();
        }
        const TrainOptions all = form_->options();
        for (double probability :
             {all.augmentation.verticalFlip, all.augmentation.rotate90,
              all.augmentation.resizedCrop.probability, all.augmentation.shift.probability,
              all.augmentation.rotation.probability, all.augmentation.colorJitter.probability,
              all.augmentation.noise.probability}) {
            QCOMPARE(probability, 0.5);
        }
    }

    void switchingColoursAdaptsTheNormalisation() {
        TrainOptions base = smallGray();
        base.mean = {0.4};
        base.std = {0.2};
        form_->setOptions(base);
        pick("channels", "RGB");
        const TrainOptions rgb = form_->options();
        QCOMPARE(rgb.channels, 3);
        QCOMPARE(rgb.mean, std::vector<double>({0.4, 0.4, 0.4}));
        QCOMPARE(rgb.std, std::vector<double>({0.2, 0.2, 0.2}));
    }

    void setOptionsIsNotAnEdit() {
        QSignalSpy edited(form_.get(), &TrainingForm::optionsEdited);
        QSignalSpy validity(form_.get(), &TrainingForm::validityChanged);
        TrainOptions other = smallGray();
        other.epochs = 99;
        form_->setOptions(other);
        form_->setModels(sampleModels());
        form_->setDevices(sampleDevices());
        QCOMPARE(edited.count(), 0);
        QCOMPARE(validity.count(), 0);
        QCOMPARE(form_->options().epochs, std::int64_t(99));
    }

    void notEditableWhileARunStarts() {
        form_->setEditable(false);
        for (const char* name : {"model", "device", "optimizer"}) {
            QVERIFY2(!field<QComboBox>(name)->isEnabled(), name);
        }
        QVERIFY(!field<QSpinBox>("epochs")->isEnabled());
        QVERIFY(!field<QPushButton>("presetFast")->isEnabled());
        QVERIFY(!field<QCheckBox>("augBlur")->isEnabled());
        form_->setEditable(true);
        QVERIFY(field<QSpinBox>("epochs")->isEnabled());
        QVERIFY(!field<QComboBox>("precision")->isEnabled()); // still on the CPU
    }

    void goodPartsOfferTheProjectsClassesAndKeepAChoiceThatIsStillOne() {
        auto* good = field<QComboBox>("goodClass");
        form_->setClasses({"dent", "good", "scratch"});
        QCOMPARE(good->count(), 4); // found by name, then each class
        QCOMPARE(form_->options().goodClass, std::string());
        good->setCurrentIndex(good->findText("scratch"));
        QCOMPARE(form_->options().goodClass, std::string("scratch"));
        form_->setClasses({"scratch", "ok"}); // a class added and others deleted
        QCOMPARE(good->currentText(), QString("scratch"));
        // Options that name a class the project no longer has keep it, not swap it.
        kestrel::train::TrainOptions options = form_->options();
        options.goodClass = "pass";
        form_->setOptions(options);
        QCOMPARE(form_->options().goodClass, std::string("pass"));
    }

    // Segmentation's verdict: a part is NG when a class covers more than its area, as the
    // command line's --min-area and --pixel-size; other tasks neither show nor set it.
    void segmentationTakesTheVerdictsAreasAndPixelSize() {
        auto* areas = field<QLineEdit>("minimumAreas");
        auto* pixelSize = field<QDoubleSpinBox>("pixelSize");
        QVERIFY(!areas->isVisible());
        QVERIFY(!pixelSize->isVisible());
        type(areas, "scratch=0.5mm2"); // hidden: not the classifier's business
        QVERIFY(form_->isValid());
        QVERIFY(form_->options().minimumAreas.empty());

        TrainOptions segmentation = smallGray();
        segmentation.task = kestrel::TaskKind::Segmentation;
        segmentation.minimumAreas = {{"", 12, false}};
        form_->setClasses({"scratch", "spot"});
        form_->setOptions(segmentation);
        QVERIFY(areas->isVisible());
        QVERIFY(pixelSize->isVisible());
        QCOMPARE(areas->text(), QString("12"));
        QCOMPARE(pixelSize->text(), QString("Not set (areas in pixels)"));

        QLabel* message = problem("minimumAreasProblem");
        type(areas, "20, scratch=0.5mm2");
        QVERIFY(!form_->isValid());
        QCOMPARE(message->text(),
                 QString("Minimum area \"scratch=0.5mm2\" is in mm², which needs the pixel size "
                         "in mm (--pixel-size, or the window's Pixel size)."));
        QCOMPARE(form_->options().minimumAreas.size(), std::size_t{1}); // the base's, kept
        type(pixelSize, "0.02");
        QVERIFY(form_->isValid());
        TrainOptions taken = form_->options();
        QCOMPARE(taken.pixelSizeMm, 0.02);
        QCOMPARE(text(kestrel::inspection::toString(taken.minimumAreas)),
                 QString("20, scratch=0.5mm2"));

        type(areas, "dent=4");
        QCOMPARE(message->text(),
                 QString("Minimum area \"dent=4\" names a class the model does not segment; its "
                         "classes are: scratch, spot."));
        QVERIFY(!form_->isValid());
        type(areas, "spot=lots");
        QVERIFY2(message->text().contains("\"spot=lots\""), qPrintable(message->text()));
        QCOMPARE(form_->firstProblem(), message->text());
        areas->clear();
        QVERIFY(form_->isValid());
        QVERIFY(form_->options().minimumAreas.empty()); // the default, 10 pixels

        form_->setOptions(smallGray());
        QVERIFY(!areas->isVisible());
        QVERIFY(form_->isValid());
    }

    // The mirror check box follows the flips: it cannot promise what the run would not do.
    void segmentationJudgesOverMirrorsOnlyWhenTheFlipsGoBothWays() {
        auto* mirrors = field<QCheckBox>("averageMirrors");
        QVERIFY(!mirrors->isVisible()); // a classifier is judged on the image alone

        TrainOptions segmentation = smallGray();
        segmentation.task = kestrel::TaskKind::Segmentation;
        segmentation.averageMirrors = true;
        segmentation.augmentation.horizontalFlip = 0.5;
        segmentation.augmentation.verticalFlip = 0.5;
        form_->setOptions(segmentation);
        QVERIFY(mirrors->isVisible());
        QVERIFY(mirrors->isEnabled());
        QVERIFY(mirrors->isChecked());
        QVERIFY(form_->options().averageMirrors);

        QTest::mouseClick(field<QCheckBox>("augFlipVertical"), Qt::LeftButton);
        QVERIFY(!mirrors->isEnabled());
        QVERIFY(!mirrors->isChecked());
        QVERIFY(!form_->options().averageMirrors);
        QVERIFY(!mirrors->toolTip().isEmpty());
        QTest::mouseClick(field<QCheckBox>("augRotate90"), Qt::LeftButton);
        QVERIFY(mirrors->isChecked()); // quarter turns mirror too; the choice came back
        QVERIFY(form_->options().averageMirrors);

        QTest::mouseClick(mirrors, Qt::LeftButton);
        QVERIFY(!form_->options().averageMirrors);
        QTest::mouseClick(field<QCheckBox>("augRotate90"), Qt::LeftButton);
        QTest::mouseClick(field<QCheckBox>("augRotate90"), Qt::LeftButton);
        QVERIFY(!mirrors->isChecked()); // the user's "off" outlives the flips' trip
        QVERIFY(!form_->options().averageMirrors);
    }

    void labelsHaveMnemonicsForTheirFields() {
        int withBuddy = 0;
        for (const QLabel* label : form_->findChildren<QLabel*>()) {
            if (label->buddy()) {
                QVERIFY2(label->text().contains('&'), qPrintable(label->text()));
                ++withBuddy;
            }
        }
        QCOMPARE(withBuddy, 15);
        QVERIFY(!field<QComboBox>("model")->itemData(1, Qt::ToolTipRole).toString().isEmpty());
    }

    void defaultsDescriptionShowsWhenGiven() {
        QLabel* line = field<QLabel>("defaultsDescription");
        QVERIFY(!line->isVisible());
        form_->setDefaultsDescription("smallcnn at 28 px for 60,000 gray images");
        QVERIFY(line->isVisible());
        QCOMPARE(line->text(), QString("smallcnn at 28 px for 60,000 gray images"));
        form_->setDefaultsDescription({});
        QVERIFY(!line->isVisible());
    }
};

QTEST_MAIN(TrainingFormTest)
#include "training_form_test.moc"
