// The anomaly-detection form, and the training panel's task choice that shows it, driven
// headless by typing and clicking where a user would (segmentation_form_test.cpp: the
// segmentation form).
#include "anomaly_form.h"
#include "form_typing.h"
#include "training_form.h"
#include "training_panel.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTest>

using kestrel::anomaly::AnomalyMethod;
using kestrel::anomaly::AnomalyOptions;
using kestrel::widgets::AnomalyForm;
using kestrel::widgets::DeviceChoice;
using kestrel::widgets::ModelChoice;
using kestrel::widgets::TaskChoice;
using kestrel::widgets::TrainingPanel;

namespace {

const QString kResnetWeights = "/weights/resnet18/resnet18-f37072fd.pth";
const QString kWideWeights = "/weights/wide_resnet50_2/wide_resnet50_2-32ee1156.pth";

// Core's enums and strings have no QTest::toString, so they are compared as what a failure
// message can print.
template <typename Enum>
int code(Enum value) {
    return static_cast<int>(value);
}

QString text(const std::string& value) {
    return QString::fromStdString(value);
}

// resnet18 with ImageNet weights in the store, wide_resnet50_2 without.
std::vector<ModelChoice> sampleBackbones(bool wideStored = false) {
    return {
        {"resnet18", "ResNet-18", 224, 32, kResnetWeights},
        {"wide_resnet50_2", "Wide ResNet-50-2", 224, 32, wideStored ? kWideWeights : QString()},
    };
}

std::vector<DeviceChoice> sampleDevices() {
    return {{"cpu", "CPU (16 cores)", false}, {"cuda:0", "NVIDIA H100 (80 GB)", true}};
}

AnomalyOptions onCpu() {
    AnomalyOptions options;
    options.device = "cpu";
    return options;
}

kestrel::train::TrainOptions classifierOnCpu() {
    kestrel::train::TrainOptions options;
    options.model = "resnet18";
    options.imageSize = 224;
    options.device = "cpu";
    return options;
}

} // namespace

class AnomalyFormTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TrainingPanel> panel_;

    AnomalyForm* form() const { return panel_->anomalyForm(); }
    template <typename T>
    T* field(const char* name) const {
        return kestrel::testing::namedField<T>(panel_.get(), name);
    }
    QPushButton* button(const char* name) const { return field<QPushButton>(name); }
    template <typename Field>
    void type(Field* input, const QString& text) {
        kestrel::testing::typeInto(input, text);
    }
    void pick(const char* comboName, const QString& item) {
        auto* combo = field<QComboBox>(comboName);
        const int index = combo->findText(item);
        QVERIFY2(index >= 0, qPrintable(item));
        combo->setCurrentIndex(index);
    }
    // The caption of a field, greyed out with it when its row does not apply.
    QLabel* caption(const QWidget* field) const {
        for (QLabel* label : form()->findChildren<QLabel*>()) {
            if (label->buddy() == field) {
                return label;
            }
        }
        qFatal("no caption for %s", qPrintable(field->objectName()));
        return nullptr;
    }
    bool rowEnabled(const char* name) const {
        auto* widget = field<QWidget>(name);
        const bool enabled = widget->isEnabled();
        if (caption(widget)->isEnabled() != enabled) {
            qFatal("%s and its caption disagree", name);
        }
        return enabled;
    }
    QLabel* warning() const { return field<QLabel>("anomalyWeightsWarning"); }

private slots:
    void init() {
        panel_ = std::make_unique<TrainingPanel>();
        panel_->form()->setModels({{"resnet18", "ResNet-18", 224, 32, kResnetWeights}});
        panel_->form()->setDevices(sampleDevices());
        panel_->form()->setOptions(classifierOnCpu());
        form()->setBackbones(sampleBackbones());
        form()->setDevices(sampleDevices());
        form()->setOptions(onCpu());
        panel_->setTask(TaskChoice::Anomaly);
        panel_->resize(520, 900);
        panel_->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
    }

    void cleanup() { panel_.reset(); }

    void defaultsAreCoresAndPreferTheStoredImageNetWeights() {
        AnomalyForm fresh; // as built; the panel's form holds the same defaults, on the CPU
        fresh.setBackbones(sampleBackbones());
        const AnomalyOptions out = fresh.options();
        const AnomalyOptions core;
        QCOMPARE(code(out.method), code(AnomalyMethod::PatchCore));
        QCOMPARE(text(out.backbone), QString("resnet18"));
        QCOMPARE(text(out.weights.string()), kResnetWeights); // core's default has none
        QCOMPARE(out.imageSize, core.imageSize);
        QCOMPARE(out.coresetRatio, core.coresetRatio);
        QCOMPARE(out.neighbours, core.neighbours);
        QCOMPARE(out.padimChannels, 0);
        QCOMPARE(out.recomputeBatchNorm, false);
        QCOMPARE(out.targetDefectRecall, 0.0);
        QCOMPARE(text(out.goodClass), QString());
        QCOMPARE(text(out.device), QString("auto"));
        QVERIFY(fresh.isValid());

        QCOMPARE(field<QComboBox>("anomalyMethod")->currentText(), QString("PatchCore"));
        QCOMPARE(field<QSpinBox>("anomalyImageSize")->value(), 224);
        QCOMPARE(field<QSpinBox>("anomalyCoreset")->value(), 10);
        QCOMPARE(field<QSpinBox>("anomalyNeighbours")->value(), 9);
        QCOMPARE(field<QSpinBox>("anomalyPadimChannels")->text(), QString("Default"));
        QCOMPARE(field<QComboBox>("anomalyThreshold")->currentText(),
                 QString("Best F1 on validation"));
        QCOMPARE(field<QDoubleSpinBox>("anomalyTargetRecall")->value(), 99.5);
        QVERIFY(!field<QCheckBox>("anomalyRecomputeBn")->isChecked());
    }

    void everyFieldReachesTheOptions() {
        pick("anomalyMethod", "PaDiM");
        QCOMPARE(code(form()->options().method), code(AnomalyMethod::Padim));
        type(field<QSpinBox>("anomalyPadimChannels"), "200");
        QCOMPARE(form()->options().padimChannels, 200);
        pick("anomalyMethod", "PatchCore");
        QCOMPARE(code(form()->options().method), code(AnomalyMethod::PatchCore));
        type(field<QSpinBox>("anomalyCoreset"), "25");
        QCOMPARE(form()->options().coresetRatio, 0.25);
        type(field<QSpinBox>("anomalyNeighbours"), "3");
        QCOMPARE(form()->options().neighbours, 3);
        type(field<QSpinBox>("anomalyImageSize"), "320");
        QCOMPARE(form()->options().imageSize, 320);
        field<QCheckBox>("anomalyRecomputeBn")->click();
        QCOMPARE(form()->options().recomputeBatchNorm, true);

        pick("anomalyThreshold", "Catch a share of the defects");
        QCOMPARE(form()->options().targetDefectRecall, 0.995);
        type(field<QDoubleSpinBox>("anomalyTargetRecall"), "98.0");
        QCOMPARE(form()->options().targetDefectRecall, 0.98);
        pick("anomalyThreshold", "Best F1 on validation");
        QCOMPARE(form()->options().targetDefectRecall, 0.0);

        pick("anomalyDevice", "NVIDIA H100 (80 GB)");
        QCOMPARE(text(form()->options().device), QString("cuda:0"));
        form()->setClasses({"dent", "good", "scratch"});
        QCOMPARE(field<QComboBox>("anomalyGoodClass")->count(), 4); // by name, then each class
        pick("anomalyGoodClass", "scratch");
        QCOMPARE(text(form()->options().goodClass), QString("scratch"));
        pick("anomalyBackbone", "wide_resnet50_2");
        QCOMPARE(text(form()->options().backbone), QString("wide_resnet50_2"));
        QVERIFY(form()->isValid());
    }

    void imageNetWeightsWhenStoredAndAPlainWarningWithout() {
        auto* weights = field<QComboBox>("anomalyWeights");
        auto* items = qobject_cast<QStandardItemModel*>(weights->model());
        QCOMPARE(weights->currentText(), QString("ImageNet weights"));
        QCOMPARE(text(form()->options().weights.string()), kResnetWeights);
        QVERIFY(!warning()->isVisible());

        pick("anomalyWeights", "Random weights");
        QVERIFY(form()->options().weights.empty());
        QVERIFY(warning()->isVisible());
        QVERIFY2(warning()->text().contains("much less reliably"), qPrintable(warning()->text()));
        QVERIFY(warning()->wordWrap());
        pick("anomalyWeights", "ImageNet weights");
        QVERIFY(!warning()->isVisible());

        pick("anomalyBackbone", "wide_resnet50_2"); // none stored: random, and said so
        QCOMPARE(weights->currentText(), QString("Random weights"));
        QVERIFY(!items->item(weights->findText("ImageNet weights"))->isEnabled());
        QVERIFY(form()->options().weights.empty());
        QVERIFY(warning()->isVisible());
        QVERIFY2(warning()->text().contains("kestrel-cli weights fetch wide_resnet50_2"),
                 qPrintable(warning()->text()));

        // Fetched since: the app offers the backbones again, and ImageNet is taken.
        form()->setBackbones(sampleBackbones(true));
        QCOMPARE(weights->currentText(), QString("ImageNet weights"));
        QCOMPARE(text(form()->options().weights.string()), kWideWeights);
        QVERIFY(!warning()->isVisible());
    }

    void theUsersChoiceOfRandomWeightsOutlivesABackboneSwitch() {
        pick("anomalyWeights", "Random weights");
        pick("anomalyBackbone", "wide_resnet50_2");
        pick("anomalyBackbone", "resnet18");
        QCOMPARE(field<QComboBox>("anomalyWeights")->currentText(), QString("Random weights"));
        QVERIFY(form()->options().weights.empty());
        // Options that name weights want them back.
        AnomalyOptions pretrained = onCpu();
        pretrained.weights = kResnetWeights.toStdString();
        form()->setOptions(pretrained);
        QCOMPARE(text(form()->options().weights.string()), kResnetWeights);
    }

    void fieldsTheFormDoesNotShowAreCarriedOver() {
        AnomalyOptions in;
        in.method = AnomalyMethod::Padim;
        in.backbone = "wide_resnet50_2";
        in.imageSize = 256;
        in.channels = 1;
        in.mean = {0.45};
        in.std = {0.25};
        in.coresetRatio = 0.025; // shown as 3 %
        in.neighbours = 5;
        in.padimChannels = 300;
        in.recomputeBatchNorm = true;
        in.weightsFromRun = 7;
        in.goodClass = "ok";
        in.targetDefectRecall = 0.975;
        in.device = "cuda:0";
        in.threads = 3;
        in.workers = 5;
        in.batchSize = 8;
        in.seed = 42;
        form()->setOptions(in);

        QCOMPARE(field<QComboBox>("anomalyMethod")->currentText(), QString("PaDiM"));
        QCOMPARE(field<QComboBox>("anomalyBackbone")->currentText(), QString("wide_resnet50_2"));
        QCOMPARE(field<QSpinBox>("anomalyCoreset")->value(), 3);
        QCOMPARE(field<QSpinBox>("anomalyPadimChannels")->value(), 300);
        QCOMPARE(field<QComboBox>("anomalyGoodClass")->currentText(), QString("ok"));
        QCOMPARE(field<QDoubleSpinBox>("anomalyTargetRecall")->value(), 97.5);
        QCOMPARE(field<QComboBox>("anomalyDevice")->currentText(), QString("NVIDIA H100 (80 GB)"));

        const AnomalyOptions out = form()->options();
        QCOMPARE(code(out.method), code(in.method));
        QCOMPARE(text(out.backbone), text(in.backbone));
        QCOMPARE(out.imageSize, in.imageSize);
        QCOMPARE(out.channels, 1);
        QCOMPARE(out.mean, in.mean);
        QCOMPARE(out.std, in.std);
        QCOMPARE(out.coresetRatio, 0.025); // unedited: the exact share, not the 3 % shown
        QCOMPARE(out.neighbours, in.neighbours);
        QCOMPARE(out.padimChannels, in.padimChannels);
        QCOMPARE(out.recomputeBatchNorm, true);
        QCOMPARE(out.weightsFromRun, std::int64_t(7));
        QCOMPARE(text(out.goodClass), text(in.goodClass));
        QCOMPARE(out.targetDefectRecall, in.targetDefectRecall);
        QCOMPARE(text(out.device), text(in.device));
        QCOMPARE(out.threads, 3);
        QCOMPARE(out.workers, 5);
        QCOMPARE(out.batchSize, 8);
        QCOMPARE(out.seed, std::uint64_t(42));
        QVERIFY(out.weights.empty()); // nothing stored for wide_resnet50_2 here

        type(field<QSpinBox>("anomalyCoreset"), "5"); // PaDiM's: greyed out, typed in vain
        QCOMPARE(form()->options().coresetRatio, 0.025);
        pick("anomalyMethod", "PatchCore");
        type(field<QSpinBox>("anomalyCoreset"), "5");
        QCOMPARE(form()->options().coresetRatio, 0.05);
        QCOMPARE(form()->options().seed, std::uint64_t(42));
    }

    void eachMethodsRowsApplyOnlyToIt() {
        QVERIFY(rowEnabled("anomalyCoreset"));
        QVERIFY(rowEnabled("anomalyNeighbours"));
        QVERIFY(!rowEnabled("anomalyPadimChannels"));
        pick("anomalyMethod", "PaDiM");
        QVERIFY(!rowEnabled("anomalyCoreset"));
        QVERIFY(!rowEnabled("anomalyNeighbours"));
        QVERIFY(rowEnabled("anomalyPadimChannels"));
        pick("anomalyMethod", "PatchCore");
        QVERIFY(rowEnabled("anomalyCoreset"));
        QVERIFY(!rowEnabled("anomalyPadimChannels"));

        QVERIFY(!rowEnabled("anomalyTargetRecall"));
        pick("anomalyThreshold", "Catch a share of the defects");
        QVERIFY(rowEnabled("anomalyTargetRecall"));
        pick("anomalyThreshold", "Best F1 on validation");
        QVERIFY(!rowEnabled("anomalyTargetRecall"));
    }

    void notEditableWhileARunStartsThenEachRowAsBefore() {
        form()->setEditable(false);
        for (const char* name : {"anomalyMethod", "anomalyBackbone", "anomalyDevice"}) {
            QVERIFY2(!field<QComboBox>(name)->isEnabled(), name);
        }
        QVERIFY(!field<QSpinBox>("anomalyCoreset")->isEnabled());
        QVERIFY(!field<QCheckBox>("anomalyRecomputeBn")->isEnabled());
        form()->setEditable(true);
        QVERIFY(field<QSpinBox>("anomalyCoreset")->isEnabled());
        QVERIFY(!field<QSpinBox>("anomalyPadimChannels")->isEnabled()); // still PatchCore
    }

    void padimChannelsBeyondTheBackbonesAreRefusedAsCoreWould() {
        QSignalSpy validity(form(), &AnomalyForm::validityChanged);
        auto* problem = field<QLabel>("anomalyPadimChannelsProblem");
        pick("anomalyMethod", "PaDiM");
        type(field<QSpinBox>("anomalyPadimChannels"), "1000");
        QVERIFY(!form()->isValid());
        QVERIFY(problem->isVisible());
        QCOMPARE(form()->firstProblem(), QString("PaDiM keeps at most 448 channels of resnet18."));
        QCOMPARE(validity.count(), 1);
        QVERIFY(!button("startTraining")->isEnabled());
        QVERIFY2(button("startTraining")->toolTip().contains("448"),
                 qPrintable(button("startTraining")->toolTip()));

        pick("anomalyBackbone", "wide_resnet50_2"); // 1792 channels
        QVERIFY(form()->isValid());
        QVERIFY(!problem->isVisible());
        QCOMPARE(form()->options().padimChannels, 1000);
        pick("anomalyBackbone", "resnet18");
        QVERIFY(!form()->isValid());
        pick("anomalyMethod", "PatchCore"); // unused, so not refused, but not passed on either
        QVERIFY(form()->isValid());
        QCOMPARE(form()->options().padimChannels, 0);
        QVERIFY(button("startTraining")->isEnabled());
    }

    void setOptionsChecksOnceWhenFilled() {
        AnomalyOptions patchCore = onCpu();
        patchCore.padimChannels = 1000; // too many for resnet18, but PatchCore ignores them
        form()->setOptions(patchCore);
        QVERIFY(form()->isValid());
        QSignalSpy validity(form(), &AnomalyForm::validityChanged);
        AnomalyOptions padim = onCpu(); // PaDiM before the channels: refused on the way
        padim.method = AnomalyMethod::Padim;
        form()->setOptions(padim);
        form()->setBackbones(sampleBackbones());
        form()->setDevices(sampleDevices());
        QVERIFY(form()->isValid());
        QCOMPARE(validity.count(), 0);
    }

    void aBackboneAnomalyDetectionCannotUseIsRefused() {
        AnomalyOptions other = onCpu();
        other.backbone = "mobilenet_v3";
        form()->setOptions(other);
        QCOMPARE(field<QComboBox>("anomalyBackbone")->currentText(), QString("mobilenet_v3"));
        QVERIFY(!form()->isValid());
        QCOMPARE(form()->firstProblem(),
                 QString("Anomaly detection cannot use mobilenet_v3; choose one of the "
                         "backbones offered."));
        pick("anomalyBackbone", "resnet18");
        QVERIFY(form()->isValid());

        AnomalyForm bare; // nothing offered and nothing named
        AnomalyOptions none;
        none.backbone.clear();
        bare.setOptions(none);
        QVERIFY(!bare.isValid());
        QCOMPARE(bare.firstProblem(), QString("Choose a backbone."));
    }

    void goodPartsKeepAChoiceTheProjectNoLongerHas() {
        auto* good = field<QComboBox>("anomalyGoodClass");
        form()->setClasses({"dent", "good", "scratch"});
        pick("anomalyGoodClass", "scratch");
        form()->setClasses({"scratch", "ok"});
        QCOMPARE(good->currentText(), QString("scratch"));
        AnomalyOptions options = form()->options();
        options.goodClass = "pass";
        form()->setOptions(options);
        QCOMPARE(text(form()->options().goodClass), QString("pass"));
        pick("anomalyGoodClass", "Found by name (good, ok, pass)");
        QCOMPARE(text(form()->options().goodClass), QString());
    }

    void labelsHaveMnemonicsForTheirFields() {
        int withBuddy = 0;
        for (const QLabel* label : form()->findChildren<QLabel*>()) {
            if (label->buddy()) {
                QVERIFY2(label->text().contains('&'), qPrintable(label->text()));
                ++withBuddy;
            }
        }
        QCOMPARE(withBuddy, 11);
        QVERIFY(field<QCheckBox>("anomalyRecomputeBn")->text().contains('&'));
        QVERIFY(!field<QCheckBox>("anomalyRecomputeBn")->toolTip().isEmpty());
        auto* method = field<QComboBox>("anomalyMethod");
        QVERIFY(method->itemData(0, Qt::ToolTipRole).toString().contains("memory bank"));
        QVERIFY(method->itemData(1, Qt::ToolTipRole).toString().contains("Gaussian"));
        QVERIFY(!field<QLabel>("anomalyDescription")->text().isEmpty());
    }

    void theTaskDecidesWhichRunStartAndQueueAsk() {
        QSignalSpy classifier(panel_.get(), &TrainingPanel::startRequested);
        QSignalSpy anomaly(panel_.get(), &TrainingPanel::anomalyStartRequested);
        auto* task = field<QComboBox>("trainingTask");
        QCOMPARE(task->currentText(), QString("Anomaly detection (good parts only)"));
        QVERIFY(panel_->currentTask() == TaskChoice::Anomaly);
        QVERIFY(form()->isVisible());
        QVERIFY(!panel_->form()->isVisible());
        pick("anomalyMethod", "PaDiM");

        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QCOMPARE(anomaly.count(), 1);
        QCOMPARE(classifier.count(), 0);
        const auto options = anomaly.at(0).at(0).value<AnomalyOptions>();
        QCOMPARE(code(options.method), code(AnomalyMethod::Padim));
        QCOMPARE(text(options.weights.string()), kResnetWeights);

        pick("trainingTask", "Classification");
        QVERIFY(panel_->currentTask() == TaskChoice::Classification);
        QVERIFY(panel_->form()->isVisible());
        QVERIFY(!form()->isVisible());
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QCOMPARE(classifier.count(), 1);
        QCOMPARE(anomaly.count(), 1);
        QCOMPARE(text(classifier.at(0).at(0).value<kestrel::train::TrainOptions>().model),
                 QString("resnet18"));

        panel_->setTraining(true); // Start queues behind the run, and so does Add to queue
        panel_->setTask(TaskChoice::Anomaly);
        QCOMPARE(task->currentText(), QString("Anomaly detection (good parts only)"));
        QVERIFY(button("queueTraining")->isEnabled());
        QTest::mouseClick(button("queueTraining"), Qt::LeftButton);
        panel_->start();
        QCOMPARE(anomaly.count(), 3);
        QCOMPARE(classifier.count(), 1);
    }

    void startFollowsTheShownFormsValidity() {
        AnomalyOptions unusable = onCpu();
        unusable.backbone = "mobilenet_v3";
        form()->setOptions(unusable);
        QVERIFY(!button("startTraining")->isEnabled());
        QVERIFY2(button("startTraining")->toolTip().contains("cannot use mobilenet_v3"),
                 qPrintable(button("startTraining")->toolTip()));
        QSignalSpy anomaly(panel_.get(), &TrainingPanel::anomalyStartRequested);
        panel_->start(); // Ctrl+Return's way in: refused too
        QCOMPARE(anomaly.count(), 0);

        panel_->setTask(TaskChoice::Classification); // the classifier's settings are fine
        QVERIFY(button("startTraining")->isEnabled());
        QCOMPARE(button("startTraining")->toolTip(),
                 QString("Train a new run with these settings (Ctrl+Return)"));
        panel_->setTask(TaskChoice::Anomaly);
        QVERIFY(!button("startTraining")->isEnabled());
        pick("anomalyBackbone", "wide_resnet50_2");
        QVERIFY(button("startTraining")->isEnabled());
    }

    void continuingARunAppliesToClassificationOnly() {
        auto* row = field<QWidget>("startFromRow");
        panel_->setStartFrom(4);
        QVERIFY(!row->isVisible());
        panel_->setTask(TaskChoice::Classification);
        QVERIFY(row->isVisible());
        QCOMPARE(panel_->startFrom(), std::optional<std::int64_t>(4));
        panel_->setTask(TaskChoice::Anomaly);
        QVERIFY(!row->isVisible());
        panel_->setStartFrom(std::nullopt);
        panel_->setTask(TaskChoice::Classification);
        QVERIFY(!row->isVisible());
    }

    void anAnomalyRunCannotPause() {
        QPushButton* pause = button("pauseTraining");
        const QString pauseTip = pause->toolTip();
        panel_->setTraining(true);
        QVERIFY(pause->isEnabled());
        panel_->setPausable(false);
        QVERIFY(!pause->isEnabled());
        QVERIFY2(pause->toolTip().contains("cannot pause"), qPrintable(pause->toolTip()));
        QVERIFY(button("stopTraining")->isEnabled());
        panel_->setTraining(false);
        panel_->setTraining(true); // still not pausable until the app says so
        QVERIFY(!pause->isEnabled());
        panel_->setPausable(true);
        QVERIFY(pause->isEnabled());
        QCOMPARE(pause->toolTip(), pauseTip);
    }

    void theTaskLabelHasAMnemonic() {
        for (const QLabel* label : panel_->findChildren<QLabel*>()) {
            if (label->buddy() == field<QComboBox>("trainingTask")) {
                QCOMPARE(label->text(), QString("Tas&k:"));
                return;
            }
        }
        QFAIL("the task field has no caption");
    }

    // Saved for people to look at; checked here only for fields wider than the panel, which
    // the scroll area (no horizontal bar) would cut off.
    void fitsNarrowAndWidePanels_data() {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("warned");
        QTest::newRow("360x700") << QSize(360, 700) << true;
        QTest::newRow("520x900") << QSize(520, 900) << false;
    }

    void fitsNarrowAndWidePanels() {
        QFETCH(QSize, size);
        QFETCH(bool, warned);
        form()->setClasses({"good", "scratch", "dent"});
        if (warned) {
            pick("anomalyBackbone", "wide_resnet50_2");
        }
        pick("anomalyThreshold", "Catch a share of the defects");
        panel_->resize(size);
        QCoreApplication::processEvents();
        QCOMPARE(warning()->isVisible(), warned);
        auto* scroll = form()->findChild<QScrollArea*>();
        QVERIFY(scroll->widget()->width() <= scroll->viewport()->width());
        QVERIFY(field<QComboBox>("trainingTask")->width() >=
                field<QComboBox>("trainingTask")->minimumSizeHint().width());
        const QPixmap picture = panel_->grab();
        QVERIFY(!picture.isNull());
        // To look at: KESTREL_TEST_SHOTS=DIR keeps the pictures there.
        if (const QString folder = qEnvironmentVariable("KESTREL_TEST_SHOTS"); !folder.isEmpty()) {
            QVERIFY(picture.save(QDir(folder).filePath(
                QString("anomaly_form_%1x%2.png").arg(size.width()).arg(size.height()))));
        }
    }
};

QTEST_MAIN(AnomalyFormTest)
#include "anomaly_form_test.moc"
