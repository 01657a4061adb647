#pragma once

#include "anomaly/anomaly_options.h"
#include "training_choices.h"

#include <vector>

#include <QString>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace kestrel::widgets {

// The settings of an anomaly-detection run: method, backbone and its starting weights, the
// good parts, input size, each method's own settings, how the threshold is chosen and the
// device. Like TrainingForm it carries every field it does not show (seed, workers, threads,
// batch size, normalisation, channels, weights from a run) over from the options last given
// to setOptions. It reads and writes AnomalyOptions as the plain struct it is: the functions
// beside it live in kestrel_ml, which widgets do not link.
class AnomalyForm : public QWidget {
    Q_OBJECT
public:
    explicit AnomalyForm(QWidget* parent = nullptr);

    // The backbones anomaly detection can use, each with the weights store's ImageNet file
    // when there is one. Keeps the current choice when it is still offered; a backbone named
    // by the options but not offered stays as an extra entry, refused, as core would.
    void setBackbones(std::vector<ModelChoice> backbones);
    // Keeps the current choice when it is still offered, else as an extra entry.
    void setDevices(std::vector<DeviceChoice> devices);
    // The project's classes, for the good-parts field; keeps the choice while it is one.
    void setClasses(const QStringList& classes);

    // Fills every field and remembers `options` as the base. Empty weights do not turn
    // ImageNet off: defaults name no file, and the form prefers the stored ImageNet weights
    // until the user picks random ones.
    void setOptions(const kestrel::anomaly::AnomalyOptions& options);
    // The base with the edited fields.
    kestrel::anomaly::AnomalyOptions options() const;

    bool isValid() const { return valid_; }
    QString firstProblem() const; // empty when valid

public slots:
    void setEditable(bool editable); // off while a run starts

signals:
    void validityChanged(bool valid);

private:
    static constexpr int kStartFromScratch = 0; // the start-from field's item data
    static constexpr int kStartFromImageNet = 1;
    static constexpr int kThresholdBestF1 = 0; // the threshold field's item data
    static constexpr int kThresholdTargetRecall = 1;

    void buildFields();
    void rebuildBackboneItems(const QString& selected);
    void rebuildDeviceItems(const QString& selected);
    void rebuildGoodClassItems(const QString& selected);
    const ModelChoice* currentBackbone() const;
    bool backboneOffered() const;
    bool usesImageNet() const;
    void updateStartFrom(); // offers ImageNet weights when the chosen backbone has them
    void updateWeightsWarning();
    void updateMethodRows();
    void updateThresholdRow();
    int padimChannelsLimit() const; // 0 when the backbone is unknown
    void revalidate();

    kestrel::anomaly::AnomalyOptions base_;
    std::vector<ModelChoice> backbones_;
    std::vector<DeviceChoice> devices_;
    QStringList classes_;
    bool preferPretrained_ = true; // the user's last choice of where to start from
    bool filling_ = false;         // fields change from code: the user's preference stays
    bool valid_ = true;

    QWidget* fields_ = nullptr; // everything editable, for setEditable
    QComboBox* method_ = nullptr;
    QComboBox* backbone_ = nullptr;
    QLabel* backboneProblem_ = nullptr;
    QComboBox* startFrom_ = nullptr;
    QLabel* weightsWarning_ = nullptr;
    QComboBox* goodClass_ = nullptr;
    QSpinBox* imageSize_ = nullptr;
    QLabel* coresetLabel_ = nullptr;
    QSpinBox* coreset_ = nullptr;
    QLabel* neighboursLabel_ = nullptr;
    QSpinBox* neighbours_ = nullptr;
    QLabel* padimChannelsLabel_ = nullptr;
    QSpinBox* padimChannels_ = nullptr;
    QLabel* padimChannelsProblem_ = nullptr;
    QCheckBox* recomputeBatchNorm_ = nullptr;
    QComboBox* threshold_ = nullptr;
    QLabel* targetRecallLabel_ = nullptr;
    QDoubleSpinBox* targetRecall_ = nullptr;
    QComboBox* device_ = nullptr;
};

} // namespace kestrel::widgets
