#pragma once

#include "dataset/sample_catalog.h"

#include <cstdint>
#include <vector>

#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace kestrel::widgets {

// The side panel listing the project's classes: pick one to assign, create, rename, merge or
// delete classes, and choose the OK and NG classes of quick OK/NG labelling. It only asks,
// through signals; the app does the work on a worker thread and answers with setClasses().
class ClassPanel : public QWidget {
    Q_OBJECT
public:
    explicit ClassPanel(QWidget* parent = nullptr);

    // Keeps the current class and the quick-mode choices by id when they still exist.
    void setClasses(const std::vector<kestrel::dataset::CatalogClass>& classes);
    const std::vector<kestrel::dataset::CatalogClass>& classes() const { return classes_; }

    std::int64_t currentClass() const; // 0 when none
    bool quickMode() const { return quickMode_; }
    // Quick OK/NG labels whole images. A project whose classes have shapes and no labelled
    // sample (segmentation, detection) has no OK class to offer: the group hides, quick mode
    // ends and refuses to start until a class labels a sample.
    bool quickModeAvailable() const { return quickAvailable_; }
    std::int64_t okClass() const { return okId_; } // quick mode's OK class (0 when none)
    std::int64_t ngClass() const { return ngId_; } // quick mode's NG class (0 when none)
    std::int64_t classForHotkey(int digit) const;  // 1..9 -> class id, 0 when none

public slots:
    void setQuickMode(bool on);
    void promptNewClass();      // asks a name, emits createRequested
    void promptRenameCurrent(); // asks a name, emits renameRequested
    void promptMergeCurrent();  // asks the target class, then confirms
    void promptDeleteCurrent(); // confirms

signals:
    void assignRequested(std::int64_t classId);     // double-click or Enter on a class, or "Assign"
    void currentClassChanged(std::int64_t classId); // 0 when none: what new shapes get
    void createRequested(const QString& name);
    void renameRequested(std::int64_t classId, const QString& name);
    void mergeRequested(std::int64_t from, std::int64_t into);
    void deleteRequested(std::int64_t classId);
    void quickModeChanged(bool on);
    void quickModeAvailableChanged(bool available);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    const kestrel::dataset::CatalogClass* find(std::int64_t id) const;
    QString nameProblem(const QString& name, std::int64_t exceptId) const;
    void rebuildList();
    void rebuildQuickCombos();
    void updateButtons();
    void showListMenu(const QPoint& pos);
    void okChosen();
    void ngChosen();
    void requestAssign();
    bool confirm(const QString& title, const QString& question, const QString& yesText);
    void warn(const QString& title, const QString& message);

    std::vector<kestrel::dataset::CatalogClass> classes_;
    bool quickMode_ = false;
    bool quickAvailable_ = true;
    std::int64_t okId_ = 0;
    std::int64_t ngId_ = 0;
    // Whether the user picked the OK class; an automatic fallback pick may still change.
    bool okPicked_ = false;
    bool rebuildingCombos_ = false;

    QListWidget* list_ = nullptr;
    QPushButton* newButton_ = nullptr;
    QPushButton* renameButton_ = nullptr;
    QPushButton* mergeButton_ = nullptr;
    QPushButton* deleteButton_ = nullptr;
    QPushButton* assignButton_ = nullptr;
    QGroupBox* quickGroup_ = nullptr;
    QCheckBox* quickCheck_ = nullptr;
    QComboBox* okCombo_ = nullptr;
    QComboBox* ngCombo_ = nullptr;
    QLabel* quickHint_ = nullptr;
};

} // namespace kestrel::widgets
