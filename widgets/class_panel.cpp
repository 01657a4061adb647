#include "class_panel.h"

#include <algorithm>

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QIcon>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace kestrel::widgets {

using dataset::CatalogClass;

namespace {

constexpr int kIdRole = Qt::UserRole;

QString qname(const CatalogClass& c) {
    return QString::fromStdString(c.name);
}

QString number(std::int64_t n) {
    return QLocale().toString(static_cast<qlonglong>(n));
}

QString samples(std::int64_t n) {
    return n == 1 ? ClassPanel::tr("1 sample") : ClassPanel::tr("%1 samples").arg(number(n));
}

QString shapes(std::int64_t n) {
    return n == 1 ? ClassPanel::tr("1 shape") : ClassPanel::tr("%1 shapes").arg(number(n));
}

// What a class's row counts: its labelled samples, and its shapes when it has any (a
// segmentation or detection project's classes live on shapes, not labels).
QString counts(const CatalogClass& c) {
    if (c.shapes == 0) {
        return number(c.count);
    }
    return c.count == 0 ? shapes(c.shapes)
                        : ClassPanel::tr("%1 · %2").arg(samples(c.count), shapes(c.shapes));
}

// A filled square with a dark outline, so that white or pale class colours still show.
QIcon swatch(const std::string& color) {
    QColor fill(QString::fromStdString(color));
    if (!fill.isValid()) {
        fill = Qt::gray; // a bad stored colour must not hide the class
    }
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(QColor(0, 0, 0, 160));
    painter.setBrush(fill);
    painter.drawRect(1, 1, 13, 13);
    painter.end();
    return QIcon(pixmap);
}

bool isOkName(const QString& name) {
    static const QStringList okNames = {"good", "ok", "pass", "normal"};
    return okNames.contains(name.trimmed(), Qt::CaseInsensitive);
}

std::int64_t comboId(const QComboBox* combo) {
    return combo->currentIndex() < 0 ? 0 : combo->currentData().toLongLong();
}

} // namespace

ClassPanel::ClassPanel(QWidget* parent) : QWidget(parent) {
    auto* column = new QVBoxLayout(this);

    list_ = new QListWidget;
    list_->setObjectName("classList");
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    // Double-click means "assign", never "edit the row".
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setContextMenuPolicy(Qt::CustomContextMenu);
    // Enter is caught here rather than through itemActivated, which some platforms fire on a
    // single click; a stray click must not relabel the selection.
    list_->installEventFilter(this);
    connect(list_, &QListWidget::itemDoubleClicked, this, &ClassPanel::requestAssign);
    connect(list_, &QListWidget::currentItemChanged, this, &ClassPanel::updateButtons);
    connect(list_, &QListWidget::currentItemChanged, this,
            [this] { emit currentClassChanged(currentClass()); });
    connect(list_, &QListWidget::customContextMenuRequested, this, &ClassPanel::showListMenu);
    column->addWidget(list_, 1);

    assignButton_ = new QPushButton(tr("Assign"));
    assignButton_->setObjectName("assignClassButton");
    assignButton_->setToolTip(tr("Label the selected samples with this class"));
    connect(assignButton_, &QPushButton::clicked, this, &ClassPanel::requestAssign);
    column->addWidget(assignButton_);

    auto* buttons = new QGridLayout;
    newButton_ = new QPushButton(tr("New…"));
    newButton_->setObjectName("newClassButton");
    renameButton_ = new QPushButton(tr("Rename…"));
    renameButton_->setObjectName("renameClassButton");
    mergeButton_ = new QPushButton(tr("Merge…"));
    mergeButton_->setObjectName("mergeClassButton");
    mergeButton_->setToolTip(tr("Move this class's samples into another class"));
    deleteButton_ = new QPushButton(tr("Delete…"));
    deleteButton_->setObjectName("deleteClassButton");
    connect(newButton_, &QPushButton::clicked, this, &ClassPanel::promptNewClass);
    connect(renameButton_, &QPushButton::clicked, this, &ClassPanel::promptRenameCurrent);
    connect(mergeButton_, &QPushButton::clicked, this, &ClassPanel::promptMergeCurrent);
    connect(deleteButton_, &QPushButton::clicked, this, &ClassPanel::promptDeleteCurrent);
    buttons->addWidget(newButton_, 0, 0);
    buttons->addWidget(renameButton_, 0, 1);
    buttons->addWidget(mergeButton_, 1, 0);
    buttons->addWidget(deleteButton_, 1, 1);
    column->addLayout(buttons);

    quickGroup_ = new QGroupBox(tr("Quick OK/NG"));
    quickGroup_->setObjectName("quickGroup");
    auto* quickColumn = new QVBoxLayout(quickGroup_);
    quickCheck_ = new QCheckBox(tr("Quick OK/NG mode"));
    quickCheck_->setObjectName("quickModeCheck");
    connect(quickCheck_, &QCheckBox::toggled, this, &ClassPanel::setQuickMode);
    quickColumn->addWidget(quickCheck_);
    auto* form = new QFormLayout;
    okCombo_ = new QComboBox;
    okCombo_->setObjectName("okClassCombo");
    ngCombo_ = new QComboBox;
    ngCombo_->setObjectName("ngClassCombo");
    connect(okCombo_, &QComboBox::currentIndexChanged, this, &ClassPanel::okChosen);
    connect(ngCombo_, &QComboBox::currentIndexChanged, this, &ClassPanel::ngChosen);
    form->addRow(tr("OK:"), okCombo_);
    form->addRow(tr("NG:"), ngCombo_);
    quickColumn->addLayout(form);
    quickHint_ = new QLabel(tr("O marks OK, N marks NG; both move to the next unlabelled sample."));
    quickHint_->setObjectName("quickModeHint");
    quickHint_->setWordWrap(true);
    quickColumn->addWidget(quickHint_);
    column->addWidget(quickGroup_);

    setQuickMode(false);
    updateButtons();
}

void ClassPanel::setClasses(const std::vector<CatalogClass>& classes) {
    const std::int64_t current = currentClass();
    classes_ = classes;
    rebuildList();
    for (int row = 0; row < list_->count(); ++row) {
        if (list_->item(row)->data(kIdRole).toLongLong() == current) {
            list_->setCurrentRow(row);
            break;
        }
    }
    rebuildQuickCombos();
    updateButtons();

    const bool shapesOnly = std::any_of(classes_.begin(), classes_.end(),
                                        [](const CatalogClass& c) { return c.shapes > 0; }) &&
                            std::none_of(classes_.begin(), classes_.end(),
                                         [](const CatalogClass& c) { return c.count > 0; });
    if (const bool available = !shapesOnly; available != quickAvailable_) {
        quickAvailable_ = available;
        if (!quickAvailable_) {
            setQuickMode(false);
        }
        quickGroup_->setVisible(quickAvailable_);
        emit quickModeAvailableChanged(quickAvailable_);
    }
}

std::int64_t ClassPanel::currentClass() const {
    const QListWidgetItem* item = list_->currentItem();
    return item ? item->data(kIdRole).toLongLong() : 0;
}

std::int64_t ClassPanel::classForHotkey(int digit) const {
    if (digit < 1 || digit > 9) {
        return 0;
    }
    for (const CatalogClass& c : classes_) {
        if (c.hotkey == digit) {
            return c.id;
        }
    }
    return 0;
}

void ClassPanel::setQuickMode(bool on) {
    on = on && quickAvailable_;
    const bool changed = on != quickMode_;
    quickMode_ = on;
    {
        const QSignalBlocker blocker(quickCheck_); // toggled would call back here
        quickCheck_->setChecked(on);
    }
    okCombo_->setEnabled(on);
    ngCombo_->setEnabled(on);
    quickHint_->setEnabled(on);
    if (changed) {
        emit quickModeChanged(on);
    }
}

void ClassPanel::promptNewClass() {
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New class"), tr("Name of the new class:"),
                                               QLineEdit::Normal, QString(), &ok)
                             .trimmed();
    if (!ok) {
        return;
    }
    if (const QString problem = nameProblem(name, 0); !problem.isEmpty()) {
        warn(tr("New class"), problem);
        return;
    }
    emit createRequested(name);
}

void ClassPanel::promptRenameCurrent() {
    const CatalogClass* target = find(currentClass());
    if (!target) {
        return;
    }
    // Copied: setClasses may run while the dialog is open and free `target`.
    const std::int64_t id = target->id;
    const QString oldName = qname(*target);
    bool ok = false;
    // The name goes in the title, which is always plain text, not in the label, which could
    // render a name such as "<b>" as markup.
    const QString name = QInputDialog::getText(this, tr("Rename '%1'").arg(oldName),
                                               tr("New name:"), QLineEdit::Normal, oldName, &ok)
                             .trimmed();
    if (!ok || name == oldName || !find(id)) {
        return;
    }
    if (const QString problem = nameProblem(name, id); !problem.isEmpty()) {
        warn(tr("Rename class"), problem);
        return;
    }
    emit renameRequested(id, name);
}

void ClassPanel::promptMergeCurrent() {
    const CatalogClass* source = find(currentClass());
    if (!source || classes_.size() < 2) {
        return;
    }
    const std::int64_t from = source->id;
    const QString fromName = qname(*source);
    // Snapshot the choices: the list may change while the dialog is open.
    QStringList names;
    std::vector<std::int64_t> ids;
    for (const CatalogClass& c : classes_) {
        if (c.id != from) {
            names << qname(c);
            ids.push_back(c.id);
        }
    }
    bool ok = false;
    const QString choice = QInputDialog::getItem(this, tr("Merge '%1'").arg(fromName),
                                                 tr("Merge into:"), names, 0, false, &ok);
    const auto index = names.indexOf(choice);
    if (!ok || index < 0) {
        return;
    }
    const std::int64_t into = ids[static_cast<std::size_t>(index)];
    const CatalogClass* fromClass = find(from);
    const CatalogClass* intoClass = find(into);
    if (!fromClass || !intoClass) {
        return; // removed meanwhile; the app has already shown the new list
    }
    const QString intoName = qname(*intoClass);
    QString question =
        fromClass->count > 0
            ? tr("Merge '%1' into '%2'? %3 labelled '%1' will be labelled '%2', and '%1' will "
                 "be removed.")
                  .arg(fromName, intoName, samples(fromClass->count))
            : tr("Merge '%1' into '%2'? No samples are labelled '%1'; '%1' will be removed.")
                  .arg(fromName, intoName);
    if (fromClass->shapes > 0) {
        question +=
            ' ' + tr("Its %1 will become '%2' shapes.").arg(shapes(fromClass->shapes), intoName);
    }
    if (confirm(tr("Merge classes"), question, tr("Merge")) && find(from) && find(into)) {
        emit mergeRequested(from, into);
    }
}

void ClassPanel::promptDeleteCurrent() {
    const CatalogClass* target = find(currentClass());
    if (!target) {
        return;
    }
    const std::int64_t id = target->id;
    const QString name = qname(*target);
    QString question =
        target->count > 0
            ? tr("Delete '%1'? Its %2 will become unlabelled.").arg(name, samples(target->count))
            : tr("Delete '%1'? No samples are labelled with it.").arg(name);
    if (target->shapes > 0) {
        // Shapes without a class train nothing; said, so the user can merge instead.
        question += ' ' + tr("Its %1 will have no class and train no model; merge it into "
                             "another class to keep them.")
                              .arg(shapes(target->shapes));
    }
    if (confirm(tr("Delete class"), question, tr("Delete")) && find(id)) {
        emit deleteRequested(id);
    }
}

bool ClassPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == list_ && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if ((key == Qt::Key_Return || key == Qt::Key_Enter) && list_->currentItem()) {
            requestAssign();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

const CatalogClass* ClassPanel::find(std::int64_t id) const {
    if (id == 0) {
        return nullptr;
    }
    const auto it = std::find_if(classes_.begin(), classes_.end(),
                                 [id](const CatalogClass& c) { return c.id == id; });
    return it == classes_.end() ? nullptr : &*it;
}

// Why `name` cannot be used for a class other than `exceptId`; empty when it can. Case is
// ignored because "Scratch" and "scratch" would be the same class to whoever reads a report.
QString ClassPanel::nameProblem(const QString& name, std::int64_t exceptId) const {
    if (name.isEmpty()) {
        return tr("A class needs a name that is not empty.");
    }
    for (const CatalogClass& c : classes_) {
        if (c.id != exceptId && qname(c).compare(name, Qt::CaseInsensitive) == 0) {
            return tr("There is already a class named '%1'.").arg(qname(c));
        }
    }
    return {};
}

void ClassPanel::rebuildList() {
    const QSignalBlocker blocker(list_); // updateButtons runs once, after the current is restored
    list_->clear();
    for (const CatalogClass& c : classes_) {
        const QString name = qname(c);
        const QString key = c.hotkey >= 1 && c.hotkey <= 9 ? QString::number(c.hotkey) : " ";
        auto* item = new QListWidgetItem(swatch(c.color),
                                         QStringLiteral("%1  %2  (%3)").arg(key, name, counts(c)));
        item->setData(kIdRole, static_cast<qlonglong>(c.id));
        item->setToolTip(c.hotkey >= 1 && c.hotkey <= 9
                             ? tr("Press %1 to label the selection '%2'").arg(key, name)
                             : tr("Double-click to label the selection '%1'").arg(name));
        list_->addItem(item);
    }
}

void ClassPanel::rebuildQuickCombos() {
    const CatalogClass* keptOk = find(okId_);
    okPicked_ = okPicked_ && keptOk;
    const auto okNamed = std::find_if(classes_.begin(), classes_.end(),
                                      [](const CatalogClass& c) { return isOkName(qname(c)); });
    // Choices stay by id, except an automatic fallback to the first class: once a "good" class
    // exists it is the better OK (a project whose first class was a defect would otherwise
    // keep that defect as OK).
    const bool refreshOk =
        !keptOk || (!okPicked_ && !isOkName(qname(*keptOk)) && okNamed != classes_.end());
    std::int64_t ok = okId_;
    if (refreshOk) {
        ok = okNamed != classes_.end() ? okNamed->id : classes_.empty() ? 0 : classes_.front().id;
    }
    std::int64_t ng = ngId_;
    if (!find(ng) || ng == ok) {
        const auto other = std::find_if(classes_.begin(), classes_.end(),
                                        [ok](const CatalogClass& c) { return c.id != ok; });
        ng = other != classes_.end() ? other->id : 0;
    }

    rebuildingCombos_ = true;
    for (QComboBox* combo : {okCombo_, ngCombo_}) {
        combo->clear();
        for (const CatalogClass& c : classes_) {
            combo->addItem(swatch(c.color), qname(c), static_cast<qlonglong>(c.id));
        }
    }
    okCombo_->setCurrentIndex(okCombo_->findData(static_cast<qlonglong>(ok)));
    ngCombo_->setCurrentIndex(ngCombo_->findData(static_cast<qlonglong>(ng)));
    rebuildingCombos_ = false;
    okId_ = ok;
    ngId_ = ng;
}

void ClassPanel::updateButtons() {
    const bool hasCurrent = currentClass() != 0;
    renameButton_->setEnabled(hasCurrent);
    deleteButton_->setEnabled(hasCurrent);
    assignButton_->setEnabled(hasCurrent);
    mergeButton_->setEnabled(hasCurrent && classes_.size() >= 2);
}

void ClassPanel::showListMenu(const QPoint& pos) {
    if (QListWidgetItem* item = list_->itemAt(pos)) {
        list_->setCurrentItem(item); // the menu acts on the row under the pointer
    }
    QMenu menu(this);
    const auto add = [&menu](QPushButton* button, const QString& text, auto slot) {
        QAction* action = menu.addAction(text);
        action->setEnabled(button->isEnabled());
        return std::make_pair(action, slot);
    };
    const std::pair<QAction*, void (ClassPanel::*)()> entries[] = {
        add(assignButton_, tr("Assign to selection"), &ClassPanel::requestAssign),
        add(newButton_, tr("New class…"), &ClassPanel::promptNewClass),
        add(renameButton_, tr("Rename…"), &ClassPanel::promptRenameCurrent),
        add(mergeButton_, tr("Merge into…"), &ClassPanel::promptMergeCurrent),
        add(deleteButton_, tr("Delete…"), &ClassPanel::promptDeleteCurrent),
    };
    const QAction* chosen = menu.exec(list_->viewport()->mapToGlobal(pos));
    for (const auto& [action, slot] : entries) {
        if (action == chosen) {
            (this->*slot)();
        }
    }
}

void ClassPanel::okChosen() {
    if (rebuildingCombos_) {
        return;
    }
    const std::int64_t previous = okId_;
    okId_ = comboId(okCombo_);
    okPicked_ = true;
    if (okId_ != 0 && okId_ == ngId_) {
        // One class cannot be both OK and NG: swap, which is what choosing it here means.
        const QSignalBlocker blocker(ngCombo_);
        ngCombo_->setCurrentIndex(ngCombo_->findData(static_cast<qlonglong>(previous)));
        ngId_ = comboId(ngCombo_);
    }
}

void ClassPanel::ngChosen() {
    if (rebuildingCombos_) {
        return;
    }
    const std::int64_t previous = ngId_;
    ngId_ = comboId(ngCombo_);
    if (ngId_ != 0 && ngId_ == okId_) {
        const QSignalBlocker blocker(okCombo_);
        okCombo_->setCurrentIndex(okCombo_->findData(static_cast<qlonglong>(previous)));
        okId_ = comboId(okCombo_);
    }
    okPicked_ = true; // choosing either side accepts the pair as shown
}

void ClassPanel::requestAssign() {
    if (const std::int64_t id = currentClass(); id != 0) {
        emit assignRequested(id);
    }
}

// Plain text, because class names are user text; the Yes button is named after the action.
bool ClassPanel::confirm(const QString& title, const QString& question, const QString& yesText) {
    QMessageBox box(QMessageBox::Question, title, question, QMessageBox::Yes | QMessageBox::No,
                    this);
    box.setTextFormat(Qt::PlainText);
    box.button(QMessageBox::Yes)->setText(yesText);
    box.setDefaultButton(QMessageBox::No); // these cannot be undone; Enter should not do them
    return box.exec() == QMessageBox::Yes;
}

void ClassPanel::warn(const QString& title, const QString& message) {
    QMessageBox box(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box.setTextFormat(Qt::PlainText);
    box.exec();
}

} // namespace kestrel::widgets
