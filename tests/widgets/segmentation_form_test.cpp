// The training panel's segmentation form: the task choice's third entry, its settings and
// continuing runs, driven headless by typing and clicking where a user would.
#include "anomaly_form.h"
#include "form_typing.h"
#include "training_form.h"
#include "training_panel.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using kestrel::widgets::DeviceChoice;
using kestrel::widgets::TaskChoice;
using kestrel::widgets::TrainingPanel;

namespace {

// Core's enums and strings have no QTest::toString, so they are compared as what a failure
// message can print.
template <typename Enum>
int code(Enum value) {
    return static_cast<int>(value);
}

QString text(const std::string& value) {
    return QString::fromStdString(value);
}

std::vector<DeviceChoice> sampleDevices() {
    return {{"cpu", "CPU (16 cores)", false}, {"cuda:0", "NVIDIA H100 (80 GB)", true}};
}

} // namespace

class SegmentationFormTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TrainingPanel> panel_;

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

private slots:
    void init() {
        panel_ = std::make_unique<TrainingPanel>();
        panel_->form()->setModels({{"resnet18", "ResNet-18", 224, 32, QString()}});
        panel_->form()->setDevices(sampleDevices());
        kestrel::train::TrainOptions classifier;
        classifier.model = "resnet18";
        classifier.imageSize = 224;
        classifier.device = "cpu";
        panel_->form()->setOptions(classifier);
        panel_->resize(520, 900);
        panel_->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
    }

    void cleanup() { panel_.reset(); }

    void segmentationIsTheThirdChoiceWithItsOwnSettings() {
        kestrel::widgets::TrainingForm* segmentation = panel_->segmentationForm();
        segmentation->setModels({{"unet", "U-Net", 128, 32, QString(), 8}});
        segmentation->setDevices(sampleDevices());
        kestrel::train::TrainOptions defaults; // as defaultSegmentationOptions says
        defaults.task = kestrel::TaskKind::Segmentation;
        defaults.model = "unet";
        defaults.imageSize = 144;
        defaults.device = "cpu";
        defaults.epochs = 40;
        defaults.monitor = "val_miou";
        defaults.cropSize = 64;
        defaults.defectCropShare = 0.67;
        defaults.wholeImageEpochs = 8;
        segmentation->setOptions(defaults);
        segmentation->setDefaultsDescription("Segmentation defaults: unet at 144 px");

        auto* task = field<QComboBox>("trainingTask");
        QCOMPARE(task->count(), 4); // detection is the fourth
        QCOMPARE(task->itemText(2), QString("Segmentation (defects' pixels)"));
        QVERIFY(task->itemData(2, Qt::ToolTipRole).toString().contains("pixels"));
        pick("trainingTask", "Segmentation (defects' pixels)");
        QVERIFY(panel_->currentTask() == TaskChoice::Segmentation);
        QVERIFY(segmentation->isVisible());
        QVERIFY(!panel_->form()->isVisible());
        QVERIFY(!panel_->anomalyForm()->isVisible());
        auto* model = segmentation->findChild<QComboBox*>("model");
        QVERIFY(model != nullptr);
        QCOMPARE(model->currentText(), QString("unet"));

        QSignalSpy started(panel_.get(), &TrainingPanel::startRequested);
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QCOMPARE(started.count(), 1);
        const auto options = started.at(0).at(0).value<kestrel::train::TrainOptions>();
        QCOMPARE(code(options.task), code(kestrel::TaskKind::Segmentation));
        QCOMPARE(text(options.model), QString("unet"));
        QCOMPARE(options.imageSize, 144);
        QCOMPARE(options.epochs, std::int64_t{40});
        QCOMPARE(text(options.monitor), QString("val_miou"));
        QCOMPARE(options.cropSize, 64); // the defaults' training crops go through
        QCOMPARE(options.defectCropShare, 0.67);
        QCOMPARE(options.wholeImageEpochs, std::int64_t{8});

        // The U-Net's poolings need sides that halve evenly: refused inline, Start too.
        auto* size = segmentation->findChild<QSpinBox*>("imageSize");
        QVERIFY(size != nullptr);
        type(size, "150");
        QVERIFY(!segmentation->isValid());
        QVERIFY2(segmentation->firstProblem().contains("multiple of 8"),
                 qPrintable(segmentation->firstProblem()));
        QVERIFY(!button("startTraining")->isEnabled());
        QCOMPARE(size->singleStep(), 8);
        type(size, "152");
        QVERIFY(segmentation->isValid());
        QVERIFY(button("startTraining")->isEnabled());
        // Images as small as the crops train whole, rather than fail to start.
        type(size, "64");
        QCOMPARE(segmentation->options().cropSize, 0);
        QCOMPARE(segmentation->options().wholeImageEpochs, std::int64_t{0});
        type(size, "152");
        QCOMPARE(segmentation->options().cropSize, 64);
        // Fewer epochs keep the whole-image epochs' share of the run.
        auto* epochs = segmentation->findChild<QSpinBox*>("epochs");
        QVERIFY(epochs != nullptr);
        type(epochs, "20");
        QCOMPARE(segmentation->options().epochs, std::int64_t{20});
        QCOMPARE(segmentation->options().wholeImageEpochs, std::int64_t{4});

        // Classification's start stays a classifier's, whatever the other form holds.
        pick("trainingTask", "Classification");
        QTest::mouseClick(button("startTraining"), Qt::LeftButton);
        QCOMPARE(started.count(), 2);
        QCOMPARE(code(started.at(1).at(0).value<kestrel::train::TrainOptions>().task),
                 code(kestrel::TaskKind::Classification));
    }

    void aSegmentationRunContinuesAsSegmentationOnly() {
        auto* row = field<QWidget>("startFromRow");
        panel_->setStartFrom(7, TaskChoice::Segmentation);
        panel_->setTask(TaskChoice::Classification);
        QVERIFY(!row->isVisible());
        QCOMPARE(panel_->startFrom(), std::optional<std::int64_t>());
        panel_->setTask(TaskChoice::Segmentation);
        QVERIFY(row->isVisible());
        QCOMPARE(panel_->startFrom(), std::optional<std::int64_t>(7));
    }
};

QTEST_MAIN(SegmentationFormTest)
#include "segmentation_form_test.moc"
