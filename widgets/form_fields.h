#pragma once

// The small pieces the settings forms (TrainingForm, AnomalyForm) build their fields from,
// so that both look and behave alike.
#include "training_choices.h"

#include <vector>

#include <QString>
#include <QStringList>
#include <QVariant>

class QComboBox;
class QFormLayout;
class QLabel;
class QWidget;

namespace kestrel::widgets::form {

// An item's data role that says whether a device item is a CUDA device.
constexpr int kCudaRole = Qt::UserRole + 1;

struct ComboItem {
    QString text;
    int data;
    QString tip;
};

void addItem(QComboBox* combo, const QString& text, const QVariant& data, const QString& tip);
// Selects the item holding `data`, else the first.
void selectData(QComboBox* combo, const QVariant& data);
QComboBox* comboBox(const char* objectName, const QString& tip,
                    const std::vector<ComboItem>& items);

// A red, word-wrapped, hidden label that says why a field's value is refused.
QLabel* problemLabel(const char* objectName);
// A captioned row (the caption is the field's buddy), with the problem label under the field;
// returns the caption, so that a row that does not apply can be greyed out whole.
QLabel* addRow(QFormLayout* form, const QString& caption, QWidget* field,
               QLabel* problem = nullptr);

// "Found by name (good, ok, pass)", then `classes`; a `selected` class no longer among them
// (renamed since) is kept as an extra item rather than swapped silently.
void fillGoodClassItems(QComboBox* combo, const QStringList& classes, const QString& selected);
// The devices, with kCudaRole set; a `selected` device not offered ("auto", or one of another
// machine) is kept as an extra item.
void fillDeviceItems(QComboBox* combo, const std::vector<DeviceChoice>& devices,
                     const QString& selected);

} // namespace kestrel::widgets::form
