// The window driven the way a user drives it, against real projects on disk, headless.
#include "common/log_file.h"
#include "files.h"
#include "main_window.h"
#include "project/project.h"
#include "project_controller.h"
#include "project_overview.h"
#include "store/sqlite.h"
#include "temp_dir.h"
#include "test_workbench.h"

#include <memory>

#include <QAction>
#include <QDesktopServices>
#include <QLabel>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QUrl>

using kestrel::testing::TempDir;

// Stands in for the desktop's file manager: keeps the folders the window asks to open.
class FolderOpener : public QObject {
    Q_OBJECT
public:
    QList<QUrl> opened;
public slots:
    void open(const QUrl& url) { opened.append(url); }
};

class MainWindowTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::testing::TestWorkbench> app_;

    QString path(const char* name) const { return QString::fromStdString((*dir_ / name).string()); }
    QLabel* banner() const { return app_->window->findChild<QLabel*>("errorBanner"); }
    QString count(const char* caption) const {
        return app_->window->overview()->findChild<QLabel*>(caption)->text();
    }
    // Waits for the controller to answer, one way or the other.
    void waitForAnswer() {
        QSignalSpy idle(app_->controller.get(), &kestrel::app::ProjectController::busyChanged);
        QVERIFY(idle.wait(10000));
        while (idle.isEmpty() || !idle.last().at(0).toString().isEmpty()) {
            QVERIFY(idle.wait(10000));
        }
    }

private slots:
    void initTestCase() { kestrel::testing::useTestSettings(); }

    void init() {
        dir_ = std::make_unique<TempDir>();
        app_ = std::make_unique<kestrel::testing::TestWorkbench>();
    }

    void cleanup() {
        app_.reset();
        dir_.reset();
    }

    void openingAProjectShowsItsCountsAndRemembersIt() {
        {
            kestrel::Project project = kestrel::Project::create(*dir_ / "press", "Press line 3");
            project.database().execute(R"sql(
                INSERT INTO classes (id, name) VALUES (1, 'ok'), (2, 'crack');
                INSERT INTO samples (id, path, split, status) VALUES
                    (1, 'a.png', 'train', 'ok'), (2, 'b.png', 'val', 'ok'),
                    (3, 'c.png', 'train', 'ok'), (4, 'bad.png', NULL, 'unreadable');
                INSERT INTO labels (sample_id, class_id) VALUES (1, 1), (2, 2), (3, 2), (4, 2);
            )sql");
        }
        emit app_->window->openProjectRequested(path("press"));
        waitForAnswer();

        QVERIFY(!banner()->isVisible());
        QCOMPARE(count("Samples"), QString("3"));
        QCOMPARE(count("Unlabelled"), QString("0"));
        // The unreadable file is labelled by its folder: the status bar counts as info does.
        QTRY_COMPARE(app_->window->findChild<QLabel*>("statusCounts")->text(),
                     QString("3 samples · 3 labelled · 0 unlabelled · 1 unreadable"));
        QCOMPARE(count("Unreadable files"), QString("1"));
        QVERIFY(count("Splits").startsWith("train 2 · val 1"));
        auto* classes = app_->window->overview()->findChild<QTableWidget*>("classTable");
        QCOMPARE(classes->rowCount(), 2);
        QCOMPARE(classes->item(1, 0)->text(), QString("crack"));
        QCOMPARE(classes->item(1, 1)->text(), QString("2"));
        QVERIFY(app_->window->windowTitle().startsWith("Press line 3"));
        QCOMPARE(app_->window->recentProjects().value(0), path("press"));
    }

    void aCorruptProjectShowsOneSentenceAndIsLeftAlone() {
        std::filesystem::create_directories(*dir_ / "broken");
        const auto file = *dir_ / "broken/project.kestrel";
        const std::string garbage = kestrel::testing::randomBytes(4096, 11);
        kestrel::testing::writeBytes(file, garbage);

        emit app_->window->openProjectRequested(path("broken"));
        waitForAnswer();

        QVERIFY(banner()->isVisible());
        QVERIFY2(banner()->text().contains(QString::fromStdString(file.string())),
                 qPrintable(banner()->text()));
        QCOMPARE(kestrel::testing::readBytes(file), garbage);
        QVERIFY(app_->window->recentProjects().isEmpty());
    }

    void aMissingFolderIsNamedInTheError() {
        emit app_->window->openProjectRequested(path("gone"));
        waitForAnswer();
        QCOMPARE(banner()->text(), "Cannot open " + path("gone") + ": the folder does not exist.");
    }

    void creatingAProjectShowsItEmpty() {
        emit app_->window->createProjectRequested(path("fresh"));
        waitForAnswer();
        QVERIFY(QFile::exists(path("fresh") + "/project.kestrel"));
        QCOMPARE(count("Samples"), QString("0"));
        QVERIFY(app_->window->windowTitle().startsWith("fresh"));
    }

    void droppingAProjectFolderOpensIt() {
        kestrel::Project::create(*dir_ / "dropped");
        QSignalSpy requested(app_->window.get(),
                             &kestrel::widgets::MainWindow::openProjectRequested);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path("dropped"))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QCoreApplication::sendEvent(app_->window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(app_->window.get(), &drop);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).toString(), path("dropped"));
    }

    void helpOpensTheLogFolderAndShownErrorsAreLogged() {
        kestrel::logging::openLog("kestrel", *dir_ / "logs");
        FolderOpener opener;
        QDesktopServices::setUrlHandler("file", &opener, "open");
        auto* action = app_->window->findChild<QAction*>("openLogFolder");
        QVERIFY(action);
        action->trigger();
        QDesktopServices::unsetUrlHandler("file");
        QCOMPARE(opener.opened.size(), 1);
        QCOMPARE(opener.opened.first().toLocalFile(), path("logs"));

        emit app_->window->openProjectRequested(path("gone"));
        waitForAnswer();
        const std::string log = kestrel::testing::readBytes(*dir_ / "logs" / "kestrel.log");
        QVERIFY2(log.find("Error shown: Cannot open " + path("gone").toStdString()) !=
                     std::string::npos,
                 log.c_str());
        kestrel::logging::openLog("kestrel", *dir_ / "closed");
    }

    void closingWhileAnOpenIsUnderWayLosesNothing() {
        kestrel::Project::create(*dir_ / "busy");
        emit app_->window->openProjectRequested(path("busy"));
        emit app_->window->openProjectRequested(path("busy")); // queued behind the first
        app_.reset();                                          // the user closes the window now
        kestrel::Project reopened = kestrel::Project::open(*dir_ / "busy");
        QCOMPARE(reopened.database().queryText("PRAGMA integrity_check"), std::string("ok"));
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
