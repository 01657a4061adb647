#include "form_fields.h"

#include <algorithm>

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace kestrel::widgets::form {

void addItem(QComboBox* combo, const QString& text, const QVariant& data, const QString& tip) {
    combo->addItem(text, data);
    combo->setItemData(combo->count() - 1, tip, Qt::ToolTipRole);
}

void selectData(QComboBox* combo, const QVariant& data) {
    combo->setCurrentIndex(std::max(0, combo->findData(data)));
}

QComboBox* comboBox(const char* objectName, const QString& tip,
                    const std::vector<ComboItem>& items) {
    auto* combo = new QComboBox;
    combo->setObjectName(objectName);
    combo->setToolTip(tip);
    for (const ComboItem& item : items) {
        addItem(combo, item.text, item.data, item.tip);
    }
    return combo;
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

QLabel* addRow(QFormLayout* form, const QString& caption, QWidget* field, QLabel* problem) {
    auto* label = new QLabel(caption);
    label->setBuddy(field);
    if (!problem) {
        form->addRow(label, field);
        return label;
    }
    auto* column = new QVBoxLayout;
    column->setSpacing(2);
    column->addWidget(field);
    column->addWidget(problem);
    form->addRow(label, column);
    return label;
}

void fillGoodClassItems(QComboBox* combo, const QStringList& classes, const QString& selected) {
    const QSignalBlocker blocker(combo);
    combo->clear();
    addItem(combo, QObject::tr("Found by name (good, ok, pass)"), QString(),
            QObject::tr("The first class named good, ok, okay, pass or normal; none when there "
                        "is no such class"));
    for (const QString& name : classes) {
        combo->addItem(name, name);
    }
    if (!selected.isEmpty() && combo->findData(selected) < 0) {
        combo->addItem(selected, selected); // a class renamed since: kept, not swapped
    }
    selectData(combo, selected);
}

void fillDeviceItems(QComboBox* combo, const std::vector<DeviceChoice>& devices,
                     const QString& selected) {
    const QSignalBlocker blocker(combo);
    combo->clear();
    bool anyCuda = false;
    for (const DeviceChoice& choice : devices) {
        addItem(combo, choice.label.isEmpty() ? choice.id : choice.label, choice.id, choice.id);
        combo->setItemData(combo->count() - 1, choice.cuda, kCudaRole);
        anyCuda = anyCuda || choice.cuda;
    }
    if (!selected.isEmpty() && combo->findData(selected) < 0) {
        const bool automatic = selected == "auto";
        addItem(combo, automatic ? QObject::tr("Automatic (a GPU when there is one)") : selected,
                selected, QObject::tr("Named by the loaded settings"));
        combo->setItemData(combo->count() - 1, automatic ? anyCuda : selected.startsWith("cuda"),
                           kCudaRole);
    }
    selectData(combo, selected);
}

} // namespace kestrel::widgets::form
