// The window driven the way a user drives it, against real projects on disk, headless.
#include "files.h"
#include "image_service.h"
#include "main_window.h"
#include "project/project.h"
#include "project_controller.h"
#include "project_overview.h"
#include "store/sqlite.h"
#include "temp_dir.h"
#include "workbench_wiring.h"

#include <memory>

#include <QLabel>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QUrl>

using kestrel::testing::TempDir;

class MainWindowTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<kestrel::widgets::MainWindow> window_;
    std::unique_ptr<kestrel::app::ProjectController> controller_;
    std::unique_ptr<kestrel::app::ImageService> images_;

    QString path(const char* name) const { return QString::fromStdString((*dir_ / name).string()); }
    QLabel* banner() const { return window_->findChild<QLabel*>("errorBanner"); }
    QString count(const char* caption) const {
        return window_->overview()->findChild<QLabel*>(caption)->text();
    }
    // Waits for the controller to answer, one way or the other.
    void waitForAnswer() {
        QSignalSpy idle(controller_.get(), &kestrel::app::ProjectController::busyChanged);
        QVERIFY(idle.wait(10000));
        while (idle.isEmpty() || !idle.last().at(0).toString().isEmpty()) {
            QVERIFY(idle.wait(10000));
        }
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("KestrelTests");
    }

    void init() {
        QSettings().clear();
        dir_ = std::make_unique<TempDir>();
        window_ = std::make_unique<kestrel::widgets::MainWindow>();
        controller_ = std::make_unique<kestrel::app::ProjectController>();
        images_ = std::make_unique<kestrel::app::ImageService>();
        kestrel::app::wireWorkbench(*window_, *controller_, *images_);
        window_->show();
    }

    void cleanup() {
        controller_.reset();
        images_.reset();
        window_.reset();
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
                INSERT INTO labels (sample_id, class_id) VALUES (1, 1), (2, 2), (3, 2);
            )sql");
        }
        emit window_->openProjectRequested(path("press"));
        waitForAnswer();

        QVERIFY(!banner()->isVisible());
        QCOMPARE(count("Samples"), QString("3"));
        QCOMPARE(count("Unreadable files"), QString("1"));
        QVERIFY(count("Splits").startsWith("train 2 · val 1"));
        auto* classes = window_->overview()->findChild<QTableWidget*>("classTable");
        QCOMPARE(classes->rowCount(), 2);
        QCOMPARE(classes->item(1, 0)->text(), QString("crack"));
        QCOMPARE(classes->item(1, 1)->text(), QString("2"));
        QVERIFY(window_->windowTitle().startsWith("Press line 3"));
        QCOMPARE(window_->recentProjects().value(0), path("press"));
    }

    void aCorruptProjectShowsOneSentenceAndIsLeftAlone() {
        std::filesystem::create_directories(*dir_ / "broken");
        const auto file = *dir_ / "broken/project.kestrel";
        const std::string garbage = kestrel::testing::randomBytes(4096, 11);
        kestrel::testing::writeBytes(file, garbage);

        emit window_->openProjectRequested(path("broken"));
        waitForAnswer();

        QVERIFY(banner()->isVisible());
        QVERIFY2(banner()->text().contains(QString::fromStdString(file.string())),
                 qPrintable(banner()->text()));
        QCOMPARE(kestrel::testing::readBytes(file), garbage);
        QVERIFY(window_->recentProjects().isEmpty());
    }

    void aMissingFolderIsNamedInTheError() {
        emit window_->openProjectRequested(path("gone"));
        waitForAnswer();
        QCOMPARE(banner()->text(), "Cannot open " + path("gone") + ": the folder does not exist.");
    }

    void creatingAProjectShowsItEmpty() {
        emit window_->createProjectRequested(path("fresh"));
        waitForAnswer();
        QVERIFY(QFile::exists(path("fresh") + "/project.kestrel"));
        QCOMPARE(count("Samples"), QString("0"));
        QVERIFY(window_->windowTitle().startsWith("fresh"));
    }

    void droppingAProjectFolderOpensIt() {
        kestrel::Project::create(*dir_ / "dropped");
        QSignalSpy requested(window_.get(), &kestrel::widgets::MainWindow::openProjectRequested);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path("dropped"))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QCoreApplication::sendEvent(window_.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(window_.get(), &drop);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).toString(), path("dropped"));
    }

    void closingWhileAnOpenIsUnderWayLosesNothing() {
        kestrel::Project::create(*dir_ / "busy");
        emit window_->openProjectRequested(path("busy"));
        emit window_->openProjectRequested(path("busy")); // queued behind the first
        controller_.reset();                              // the user closes the window now
        images_.reset();
        window_.reset();
        kestrel::Project reopened = kestrel::Project::open(*dir_ / "busy");
        QCOMPARE(reopened.database().queryText("PRAGMA integrity_check"), std::string("ok"));
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
