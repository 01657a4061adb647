#pragma once

#include "augmentation_box.h"
#include "train/train_options.h"
#include "training_choices.h"

#include <optional>
#include <vector>

#include <QString>
#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QScrollArea;
class QSpinBox;

namespace kestrel::widgets {

// The settings of a training run: model, its starting weights, input, schedule, augmentation
// and device, and how many processes (GPUs) train it data-parallel. It edits
// the fields people tune and carries every other field (normalisation, seed, workers, ...)
// over from the options last given to setOptions, which are also the base of the presets.
// Bad values can be typed; they are refused inline with a message next to the field.
class TrainingForm : public QWidget {
    Q_OBJECT
public:
    enum class Preset { Fast, Balanced, Accurate };

    explicit TrainingForm(QWidget* parent = nullptr);

    // Both keep the current choice when it is still offered. A model or device named by the
    // options but not offered is kept as an extra entry, so the form never swaps it silently.
    void setModels(std::vector<ModelChoice> models);
    void setDevices(std::vector<DeviceChoice> devices);
    // The project's classes, for the good-parts field; keeps the choice while it is one.
    void setClasses(const QStringList& classes);

    // Fills every field and remembers `options` as the base; the Balanced preset is active.
    void setOptions(const kestrel::train::TrainOptions& options);
    // The base with the edited fields; a field that holds a refused value keeps the base's.
    kestrel::train::TrainOptions options() const;

    bool isValid() const { return valid_; }
    QString firstProblem() const; // empty when valid

    // The preset whose settings the fields hold now; empty when edited away ("Custom").
    // Presets set epochs, batch size, optimizer, learning rate, schedule and augmentation
    // only: model, image size, colours and device stay as chosen.
    std::optional<Preset> activePreset() const;

    void setDefaultsDescription(const QString& text);

public slots:
    void applyPreset(kestrel::widgets::TrainingForm::Preset preset);
    void setEditable(bool editable); // off while a run starts

protected:
    // Keeps the fields as wide as they need, beside the vertical scroll bar when it shows.
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void validityChanged(bool valid);
    void optionsEdited(); // by the user or a preset; not by setOptions

private:
    // The fields that presets set, compared to tell which preset is active.
    struct Recipe {
        int epochs = 0;
        int batchSize = 0;
        int optimizer = 0;
        double learningRate = 0;
        int schedule = 0;
        AugmentationBox::Kinds augmentations;
        bool operator==(const Recipe& other) const;
    };

    static constexpr int kMaxEpochs = 100000;
    static constexpr int kStartFromScratch = 0;  // the start-from field's item data
    static constexpr int kStartFromImageNet = 1; // the spin box's top, and the presets' limit

    void buildFields(); // in training_form_fields.cpp
    void rebuildModelItems(const QString& selected);
    void rebuildDeviceItems(const QString& selected);
    void fillRecipe(const Recipe& recipe);
    Recipe recipeFor(Preset preset) const;
    Recipe currentRecipe() const;
    std::optional<double> learningRate() const;
    bool deviceIsCuda() const;
    int minimumImageSize() const;
    void updatePrecision();
    // "GPUs" up to the machine's CUDA devices, or "Processes" on the CPU (for trying a
    // data-parallel run without GPUs).
    void updateProcesses();
    int cudaDeviceCount() const;
    void updateStartFrom(); // offers ImageNet weights when the chosen model has them
    // The picked model's own epochs (ModelChoice::defaultEpochs) become the presets' base,
    // and the fields follow unless the user edited them away from the preset.
    void takeModelDefaults();
    void rebuildGoodClassItems(const QString& selected);
    // Segmentation's verdict rows are shown for that task alone.
    void showAreaRows(bool shown);
    // The mirror check box is on offer only when the augmentations flip both ways
    // (train::mirrorsBothWays); it shows the user's choice whenever it is.
    void updateMirrors();
    // Why the areas field cannot be taken; empty when it can (or is not shown).
    QString minimumAreasProblem() const;
    const ModelChoice* currentModel() const;
    void edited();
    void revalidate();
    void showPreset();

    kestrel::train::TrainOptions base_;
    std::vector<ModelChoice> models_;
    std::vector<DeviceChoice> devices_;
    kestrel::train::Precision cudaPrecision_ = kestrel::train::Precision::Float32; // kept on CPU
    std::optional<Preset> lastPreset_;
    bool preferPretrained_ = true; // the user's last choice of where to start from
    bool filling_ = false;         // fields change from code: no "edited", no preset change
    bool valid_ = true;

    QLabel* defaultsLabel_ = nullptr;
    QButtonGroup* presetButtons_ = nullptr;
    QLabel* presetState_ = nullptr;
    QComboBox* model_ = nullptr;
    QComboBox* startFrom_ = nullptr;
    QComboBox* goodClass_ = nullptr;
    QStringList classes_;
    // Segmentation: a part is NG when a class covers more than its area (pixels, or mm² with
    // the pixel size), as the command line's --min-area and --pixel-size.
    QLineEdit* minimumAreas_ = nullptr;
    QLabel* minimumAreasProblem_ = nullptr;
    QLabel* minimumAreasCaption_ = nullptr;
    QDoubleSpinBox* pixelSize_ = nullptr;
    QLabel* pixelSizeCaption_ = nullptr;
    // Segmentation: judge and export the mean over the mirror images (averageMirrors).
    QCheckBox* mirrors_ = nullptr;
    QLabel* mirrorsCaption_ = nullptr;
    bool wantMirrors_ = false; // the user's choice, kept while the flips rule it out
    QSpinBox* imageSize_ = nullptr;
    QLabel* imageSizeProblem_ = nullptr;
    QComboBox* channels_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QLabel* epochsProblem_ = nullptr;
    QSpinBox* batchSize_ = nullptr;
    QLabel* batchSizeProblem_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QLineEdit* learningRate_ = nullptr;
    QLabel* learningRateProblem_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QComboBox* device_ = nullptr;
    QComboBox* precision_ = nullptr;
    QSpinBox* processes_ = nullptr; // the run's ranks (TrainOptions::worldSize)
    QLabel* processesCaption_ = nullptr;
    QLabel* processesProblem_ = nullptr;
    QWidget* fields_ = nullptr;     // everything editable, for setEditable
    QScrollArea* scroll_ = nullptr; // around fields_: short windows scroll it
    AugmentationBox* augmentation_ = nullptr;
};

} // namespace kestrel::widgets
