// The class panel driven the way a user drives it, headless: its dialogs are answered by a
// timer that waits for each modal dialog in turn.
#include "class_panel.h"
#include "modal_answerer.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include <QApplication>
#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QGroupBox>
#include <QImage>
#include <QInputDialog>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using kestrel::dataset::CatalogClass;
using kestrel::widgets::ClassPanel;
using namespace kestrel::testing;

namespace {

std::vector<CatalogClass> sampleClasses() {
    return {
        {1, "scratch", "#ff0000", 1, 12, 0},
        {2, "good", "#00ff00", 2, 62, 0},
        {3, "dent", "#0000ff", 3, 5, 0},
        {4, "spot", "#ffff00", 0, 7, 0},
    };
}

} // namespace

class ClassPanelTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ClassPanel> panel_;

    QListWidget* list() const { return panel_->findChild<QListWidget*>("classList"); }
    QPushButton* button(const char* name) const { return panel_->findChild<QPushButton*>(name); }
    QComboBox* combo(const char* name) const { return panel_->findChild<QComboBox*>(name); }
    void selectClass(std::int64_t id) {
        for (int row = 0; row < list()->count(); ++row) {
            if (list()->item(row)->text().contains(QString::fromStdString(
                    sampleClasses()[static_cast<std::size_t>(id - 1)].name))) {
                list()->setCurrentRow(row);
            }
        }
        QCOMPARE(panel_->currentClass(), id);
    }

private slots:
    void init() {
        panel_ = std::make_unique<ClassPanel>();
        panel_->setClasses(sampleClasses());
        panel_->show();
        QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
    }

    void cleanup() { panel_.reset(); }

    void rowsShowHotkeyNameCountAndColour() {
        QVERIFY(list());
        QCOMPARE(list()->count(), 4);
        QCOMPARE(list()->item(0)->text(), QString("1  scratch  (12)"));
        QCOMPARE(list()->item(1)->text(), QString("2  good  (62)"));
        // No hotkey: a blank where the digit would be.
        QCOMPARE(list()->item(3)->text(), QString("   spot  (7)"));
        QCOMPARE(list()->item(1)->toolTip(), QString("Press 2 to label the selection 'good'"));
        const QImage icon = list()->item(1)->icon().pixmap(16, 16).toImage();
        QCOMPARE(icon.pixelColor(8, 8), QColor("#00ff00"));
        QCOMPARE(panel_->classes().size(), std::size_t(4));
    }

    void hotkeysMapToClasses() {
        QCOMPARE(panel_->classForHotkey(1), std::int64_t(1));
        QCOMPARE(panel_->classForHotkey(2), std::int64_t(2));
        QCOMPARE(panel_->classForHotkey(3), std::int64_t(3));
        QCOMPARE(panel_->classForHotkey(4), std::int64_t(0)); // "spot" has no hotkey
        QCOMPARE(panel_->classForHotkey(0), std::int64_t(0));
        QCOMPARE(panel_->classForHotkey(10), std::int64_t(0));
    }

    void setClassesKeepsTheCurrentClassById() {
        selectClass(3);
        std::vector<CatalogClass> reordered = sampleClasses();
        std::swap(reordered[0], reordered[2]);
        reordered[0].count = 6;
        reordered.insert(reordered.begin(), CatalogClass{9, "crack", "#123456", 0, 0, 0});
        panel_->setClasses(reordered);
        QCOMPARE(panel_->currentClass(), std::int64_t(3));
        QCOMPARE(list()->currentItem()->text(), QString("3  dent  (6)"));

        reordered.erase(reordered.begin() + 1); // "dent" goes
        panel_->setClasses(reordered);
        QCOMPARE(panel_->currentClass(), std::int64_t(0));
        QVERIFY(!button("renameClassButton")->isEnabled());
    }

    void buttonsApplyOnlyWhenTheyCan() {
        list()->setCurrentRow(-1);
        QCOMPARE(panel_->currentClass(), std::int64_t(0));
        QVERIFY(button("newClassButton")->isEnabled());
        for (const char* name :
             {"renameClassButton", "mergeClassButton", "deleteClassButton", "assignClassButton"}) {
            QVERIFY2(!button(name)->isEnabled(), name);
        }
        selectClass(1);
        for (const char* name :
             {"renameClassButton", "mergeClassButton", "deleteClassButton", "assignClassButton"}) {
            QVERIFY2(button(name)->isEnabled(), name);
        }
        panel_->setClasses({sampleClasses()[0]}); // nothing to merge into
        QCOMPARE(panel_->currentClass(), std::int64_t(1));
        QVERIFY(!button("mergeClassButton")->isEnabled());
        QVERIFY(button("deleteClassButton")->isEnabled());
    }

    void newClassWithATakenNameIsRefused() {
        QSignalSpy created(panel_.get(), &ClassPanel::createRequested);
        QString warning;
        QMessageBox::Icon icon = QMessageBox::NoIcon;
        ModalAnswerer answerer(
            {enterText("  GOOD "), clickMessageBox(QMessageBox::Ok, &warning, &icon)});
        panel_->promptNewClass();
        QCOMPARE(answerer.answered(), std::size_t(2));
        QCOMPARE(answerer.unexpected(), 0);
        QCOMPARE(icon, QMessageBox::Warning);
        QVERIFY2(warning.contains("'good'") && warning.contains("already"), qPrintable(warning));
        QCOMPARE(created.count(), 0);
    }

    void newClassWithAnEmptyNameIsRefused() {
        QSignalSpy created(panel_.get(), &ClassPanel::createRequested);
        QString warning;
        ModalAnswerer answerer({enterText("   "), clickMessageBox(QMessageBox::Ok, &warning)});
        panel_->promptNewClass();
        QCOMPARE(answerer.answered(), std::size_t(2));
        QVERIFY2(warning.contains("name"), qPrintable(warning));
        QCOMPARE(created.count(), 0);
    }

    void newClassEmitsTheTrimmedName() {
        QSignalSpy created(panel_.get(), &ClassPanel::createRequested);
        ModalAnswerer answerer({enterText("  crack  ")});
        button("newClassButton")->click();
        QCOMPARE(answerer.answered(), std::size_t(1));
        QCOMPARE(answerer.unexpected(), 0);
        QCOMPARE(created.count(), 1);
        QCOMPARE(created.at(0).at(0).toString(), QString("crack"));
    }

    void cancellingNewClassEmitsNothing() {
        QSignalSpy created(panel_.get(), &ClassPanel::createRequested);
        ModalAnswerer answerer({cancelInput()});
        panel_->promptNewClass();
        QCOMPARE(answerer.answered(), std::size_t(1));
        QCOMPARE(answerer.unexpected(), 0);
        QCOMPARE(created.count(), 0);
    }

    void renameChecksTheNameAndEmits() {
        selectClass(1);
        QSignalSpy renamed(panel_.get(), &ClassPanel::renameRequested);
        {
            // Unchanged: nothing to do, and nothing to complain about.
            ModalAnswerer answerer({enterText(" scratch ")});
            panel_->promptRenameCurrent();
            QCOMPARE(answerer.answered(), std::size_t(1));
            QCOMPARE(answerer.unexpected(), 0);
        }
        {
            QString warning;
            ModalAnswerer answerer({enterText("Dent"), clickMessageBox(QMessageBox::Ok, &warning)});
            panel_->promptRenameCurrent();
            QCOMPARE(answerer.answered(), std::size_t(2));
            QVERIFY2(warning.contains("'dent'"), qPrintable(warning));
        }
        QCOMPARE(renamed.count(), 0);
        {
            // A new case of its own name is a real rename.
            ModalAnswerer answerer({enterText("Scratch")});
            panel_->promptRenameCurrent();
            QCOMPARE(answerer.unexpected(), 0);
        }
        QCOMPARE(renamed.count(), 1);
        QCOMPARE(renamed.at(0).at(0).toLongLong(), 1LL);
        QCOMPARE(renamed.at(0).at(1).toString(), QString("Scratch"));
    }

    void mergeAsksThenEmitsOnYes() {
        selectClass(1);
        QSignalSpy merged(panel_.get(), &ClassPanel::mergeRequested);
        QStringList offered;
        QString question;
        ModalAnswerer answerer(
            {enterText("dent", &offered), clickMessageBox(QMessageBox::Yes, &question)});
        button("mergeClassButton")->click();
        QCOMPARE(answerer.answered(), std::size_t(2));
        QCOMPARE(answerer.unexpected(), 0);
        QCOMPARE(offered, QStringList({"good", "dent", "spot"})); // not "scratch" itself
        QCOMPARE(question, QString("Merge 'scratch' into 'dent'? 12 samples labelled 'scratch' "
                                   "will be labelled 'dent', and 'scratch' will be removed."));
        QCOMPARE(merged.count(), 1);
        QCOMPARE(merged.at(0).at(0).toLongLong(), 1LL);
        QCOMPARE(merged.at(0).at(1).toLongLong(), 3LL);
    }

    void mergeAnsweredNoEmitsNothing() {
        selectClass(4);
        QSignalSpy merged(panel_.get(), &ClassPanel::mergeRequested);
        QString question;
        ModalAnswerer answerer({enterText("good"), clickMessageBox(QMessageBox::No, &question)});
        panel_->promptMergeCurrent();
        QCOMPARE(answerer.answered(), std::size_t(2));
        QVERIFY2(question.contains("7 samples") && question.contains("'spot' into 'good'"),
                 qPrintable(question));
        QCOMPARE(merged.count(), 0);
    }

    void mergeCancelledAtTheChoiceAsksNothingMore() {
        selectClass(1);
        QSignalSpy merged(panel_.get(), &ClassPanel::mergeRequested);
        ModalAnswerer answerer({cancelInput()});
        panel_->promptMergeCurrent();
        QCOMPARE(answerer.answered(), std::size_t(1));
        QCOMPARE(answerer.unexpected(), 0);
        QCOMPARE(merged.count(), 0);
    }

    void deleteAsksThenEmitsOnYes() {
        selectClass(4);
        QSignalSpy deleted(panel_.get(), &ClassPanel::deleteRequested);
        QString question;
        ModalAnswerer answerer({clickMessageBox(QMessageBox::Yes, &question)});
        button("deleteClassButton")->click();
        QCOMPARE(answerer.answered(), std::size_t(1));
        QCOMPARE(answerer.unexpected(), 0);
        QCOMPARE(question, QString("Delete 'spot'? Its 7 samples will become unlabelled."));
        QCOMPARE(deleted.count(), 1);
        QCOMPARE(deleted.at(0).at(0).toLongLong(), 4LL);
    }

    // A segmentation or detection project's classes live on shapes: the rows count them, and
    // merge and delete say what becomes of them.
    void shapesAreCountedAndMergeAndDeleteSayWhatBecomesOfThem() {
        std::vector<CatalogClass> classes = sampleClasses();
        classes[0].count = 0;
        classes[0].shapes = 40;
        classes[2].shapes = 1;
        panel_->setClasses(classes);
        QCOMPARE(list()->item(0)->text(), QString("1  scratch  (40 shapes)"));
        QCOMPARE(list()->item(2)->text(), QString("3  dent  (5 samples · 1 shape)"));
        QCOMPARE(list()->item(1)->text(), QString("2  good  (62)"));

        selectClass(1);
        QString question;
        {
            ModalAnswerer answerer(
                {enterText("dent"), clickMessageBox(QMessageBox::No, &question)});
            panel_->promptMergeCurrent();
            QCOMPARE(answerer.answered(), std::size_t(2));
        }
        QCOMPARE(question, QString("Merge 'scratch' into 'dent'? No samples are labelled "
                                   "'scratch'; 'scratch' will be removed. Its 40 shapes will "
                                   "become 'dent' shapes."));
        {
            ModalAnswerer answerer({clickMessageBox(QMessageBox::No, &question)});
            panel_->promptDeleteCurrent();
            QCOMPARE(answerer.answered(), std::size_t(1));
        }
        QCOMPARE(question, QString("Delete 'scratch'? No samples are labelled with it. Its 40 "
                                   "shapes will have no class and train no model; merge it "
                                   "into another class to keep them."));
    }

    void deleteAnsweredNoEmitsNothing() {
        selectClass(2);
        QSignalSpy deleted(panel_.get(), &ClassPanel::deleteRequested);
        QString question;
        ModalAnswerer answerer({clickMessageBox(QMessageBox::No, &question)});
        panel_->promptDeleteCurrent();
        QCOMPARE(answerer.answered(), std::size_t(1));
        QVERIFY2(question.contains("62 samples"), qPrintable(question));
        QCOMPARE(deleted.count(), 0);
    }

    void quickModeDefaultsToGoodAndAnotherClass() {
        // "good" is second, so picking the first class would fail here.
        QCOMPARE(panel_->okClass(), std::int64_t(2));
        QCOMPARE(panel_->ngClass(), std::int64_t(1));
        QCOMPARE(combo("okClassCombo")->currentText(), QString("good"));
        QCOMPARE(combo("ngClassCombo")->currentText(), QString("scratch"));

        panel_->setClasses({{5, "crack", "#000000", 1, 0, 0}, {6, "PASS", "#ffffff", 2, 0, 0}});
        QCOMPARE(panel_->okClass(), std::int64_t(6)); // case does not matter
        QCOMPARE(panel_->ngClass(), std::int64_t(5));

        panel_->setClasses({{7, "a", "#000000", 1, 0, 0}, {8, "b", "#ffffff", 2, 0, 0}});
        QCOMPARE(panel_->okClass(), std::int64_t(7)); // no OK-like name: the first class
        QCOMPARE(panel_->ngClass(), std::int64_t(8));

        // A project that starts with a defect class: OK falls back to it only until a "good"
        // class exists, and NG stays empty until there is a second class.
        panel_->setClasses({{10, "burr", "#000000", 1, 0, 0}});
        QCOMPARE(panel_->okClass(), std::int64_t(10));
        QCOMPARE(panel_->ngClass(), std::int64_t(0));
        panel_->setClasses({{10, "burr", "#000000", 1, 0, 0}, {11, "Normal", "#ffffff", 2, 0, 0}});
        QCOMPARE(panel_->okClass(), std::int64_t(11));
        QCOMPARE(panel_->ngClass(), std::int64_t(10));
        QCOMPARE(combo("okClassCombo")->currentText(), QString("Normal"));
        QCOMPARE(combo("ngClassCombo")->currentText(), QString("burr"));
    }

    void quickModeEnablesItsChoicesAndSignals() {
        QSignalSpy changed(panel_.get(), &ClassPanel::quickModeChanged);
        auto* check = panel_->findChild<QCheckBox*>("quickModeCheck");
        QVERIFY(!panel_->quickMode());
        QVERIFY(!combo("okClassCombo")->isEnabled());
        QVERIFY(!combo("ngClassCombo")->isEnabled());

        check->click();
        QVERIFY(panel_->quickMode());
        QVERIFY(combo("okClassCombo")->isEnabled());
        QVERIFY(combo("ngClassCombo")->isEnabled());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toBool(), true);

        panel_->setQuickMode(true); // no change, no signal
        QCOMPARE(changed.count(), 1);
        panel_->setQuickMode(false);
        QVERIFY(!check->isChecked());
        QVERIFY(!combo("okClassCombo")->isEnabled());
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.at(1).at(0).toBool(), false);
    }

    // A segmentation or detection project's classes label shapes, not images: no OK class.
    void quickModeHidesInAProjectOfShapesAndComesBackWithALabel() {
        auto* group = panel_->findChild<QGroupBox*>("quickGroup");
        QVERIFY(panel_->quickModeAvailable());
        QVERIFY(group->isVisible());
        panel_->setQuickMode(true);
        QVERIFY(panel_->quickMode());

        QSignalSpy available(panel_.get(), &ClassPanel::quickModeAvailableChanged);
        QSignalSpy changed(panel_.get(), &ClassPanel::quickModeChanged);
        auto classes = sampleClasses();
        for (auto& c : classes) {
            c.count = 0;
        }
        classes[0].shapes = 40;
        panel_->setClasses(classes);
        QVERIFY(!panel_->quickModeAvailable());
        QVERIFY(!group->isVisible());
        QVERIFY(!panel_->quickMode());
        QCOMPARE(available.count(), 1);
        QCOMPARE(available.at(0).at(0).toBool(), false);
        QCOMPARE(changed.count(), 1);
        panel_->setQuickMode(true); // Ctrl+K's action is disabled; the panel refuses too
        QVERIFY(!panel_->quickMode());

        classes[1].count = 3; // a sample labelled "good"
        panel_->setClasses(classes);
        QVERIFY(panel_->quickModeAvailable());
        QVERIFY(group->isVisible());
        QCOMPARE(available.count(), 2);
        panel_->setClasses({}); // a new project: nothing labelled or drawn yet
        QVERIFY(panel_->quickModeAvailable());
        QCOMPARE(available.count(), 2);
    }

    void quickModeChoicesSurviveNewClassesAndStayApart() {
        panel_->setQuickMode(true);
        combo("okClassCombo")->setCurrentIndex(2); // dent
        QCOMPARE(panel_->okClass(), std::int64_t(3));
        QCOMPARE(panel_->ngClass(), std::int64_t(1));

        std::vector<CatalogClass> reordered = sampleClasses();
        std::reverse(reordered.begin(), reordered.end());
        panel_->setClasses(reordered);
        QCOMPARE(panel_->okClass(), std::int64_t(3));
        QCOMPARE(panel_->ngClass(), std::int64_t(1));
        QCOMPARE(combo("okClassCombo")->currentText(), QString("dent"));

        // Picking the NG class as OK swaps the two rather than making one class both.
        combo("okClassCombo")->setCurrentIndex(combo("okClassCombo")->findText("scratch"));
        QCOMPARE(panel_->okClass(), std::int64_t(1));
        QCOMPARE(panel_->ngClass(), std::int64_t(3));
        QCOMPARE(combo("ngClassCombo")->currentText(), QString("dent"));
    }

    void doubleClickEnterAndAssignButtonAssign() {
        QSignalSpy assigned(panel_.get(), &ClassPanel::assignRequested);
        QListWidgetItem* dent = list()->item(2);
        const QPoint centre = list()->visualItemRect(dent).center();
        // A real double-click starts with a press; the view only honours one on a pressed row.
        QTest::mouseClick(list()->viewport(), Qt::LeftButton, {}, centre);
        QCOMPARE(assigned.count(), 0);
        QTest::mouseDClick(list()->viewport(), Qt::LeftButton, {}, centre);
        QCOMPARE(assigned.count(), 1);
        QCOMPARE(assigned.at(0).at(0).toLongLong(), 3LL);

        list()->setCurrentRow(1);
        list()->setFocus();
        QTest::keyClick(list(), Qt::Key_Return);
        QCOMPARE(assigned.count(), 2);
        QCOMPARE(assigned.at(1).at(0).toLongLong(), 2LL);

        list()->setCurrentRow(3);
        button("assignClassButton")->click();
        QCOMPARE(assigned.count(), 3);
        QCOMPARE(assigned.at(2).at(0).toLongLong(), 4LL);
    }

    void contextMenuOffersTheSameActions() {
        selectClass(4);
        QSignalSpy deleted(panel_.get(), &ClassPanel::deleteRequested);
        QStringList offered;
        QStringList disabled;
        QTimer popupPoller;
        connect(&popupPoller, &QTimer::timeout, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) {
                return;
            }
            popupPoller.stop();
            QAction* remove = nullptr;
            for (QAction* action : menu->actions()) {
                offered << action->text();
                if (!action->isEnabled()) {
                    disabled << action->text();
                }
                if (action->text().startsWith("Delete")) {
                    remove = action;
                }
            }
            if (!remove) {
                menu->close();
                return;
            }
            menu->setActiveAction(remove);
            QTest::keyClick(menu, Qt::Key_Return);
        });
        popupPoller.start(10);
        ModalAnswerer answerer({clickMessageBox(QMessageBox::Yes)});
        const QPoint spot = list()->visualItemRect(list()->item(3)).center();
        emit list()->customContextMenuRequested(spot);
        QCOMPARE(offered.size(), 5);
        QVERIFY2(disabled.isEmpty(), qPrintable(disabled.join(", ")));
        QCOMPARE(answerer.answered(), std::size_t(1));
        QCOMPARE(deleted.count(), 1);
        QCOMPARE(deleted.at(0).at(0).toLongLong(), 4LL);

        // Outside any row with no class current, only "New class" applies.
        list()->setCurrentRow(-1);
        offered.clear();
        popupPoller.disconnect();
        connect(&popupPoller, &QTimer::timeout, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) {
                return;
            }
            popupPoller.stop();
            for (QAction* action : menu->actions()) {
                if (action->isEnabled()) {
                    offered << action->text();
                }
            }
            menu->close();
        });
        popupPoller.start(10);
        emit list()->customContextMenuRequested(list()->viewport()->rect().bottomRight());
        QCOMPARE(offered, QStringList({"New class…"}));
    }

    void aSingleClickDoesNotAssign() {
        QSignalSpy assigned(panel_.get(), &ClassPanel::assignRequested);
        QTest::mouseClick(list()->viewport(), Qt::LeftButton, {},
                          list()->visualItemRect(list()->item(0)).center());
        QCOMPARE(panel_->currentClass(), std::int64_t(1));
        QCOMPARE(assigned.count(), 0);
    }
};

QTEST_MAIN(ClassPanelTest)
#include "class_panel_test.moc"
