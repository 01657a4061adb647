// The store writer without the window: a job runs on the project it belongs to even when
// another has been opened since, a job made with no project open is refused with a sentence,
// and a task waiting on a job hears of its failure.
#include "common/error.h"
#include "project/project.h"
#include "project_controller.h"
#include "store/sqlite.h"
#include "store_writer.h"
#include "temp_dir.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <QSignalSpy>
#include <QTest>

using kestrel::app::ProjectController;
using kestrel::app::ProjectRef;
using kestrel::app::StoreJob;
using kestrel::testing::TempDir;

namespace {

// Renames the project it belongs to: a write anyone can read back.
class RenameProject final : public StoreJob {
public:
    RenameProject(ProjectRef project, std::string name)
        : StoreJob(std::move(project)), name_(std::move(name)) {}
    const char* name() const override { return "renaming the project"; }

protected:
    void perform(kestrel::Project& project) override {
        kestrel::store::Statement rename(project.database(), "UPDATE project SET name = ?");
        rename.bind(1, name_).run();
    }

private:
    std::string name_;
};

class FailingJob final : public StoreJob {
public:
    using StoreJob::StoreJob;
    const char* name() const override { return "failing"; }

protected:
    void perform(kestrel::Project&) override {
        throw kestrel::Error(kestrel::ErrorKind::Io, "The disk is full.");
    }
};

std::string projectName(const std::filesystem::path& folder) {
    kestrel::Project project = kestrel::Project::open(folder);
    return project.database().queryText("SELECT name FROM project");
}

} // namespace

class StoreWriterTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TempDir> dir_;

    void open(ProjectController& projects, const std::filesystem::path& folder) {
        QSignalSpy loaded(&projects, &ProjectController::catalogLoaded);
        projects.openProject(QString::fromStdString(folder.string()));
        QVERIFY(loaded.wait(10000));
    }

private slots:
    void init() {
        dir_ = std::make_unique<TempDir>();
        kestrel::Project::create(*dir_ / "a", "A");
        kestrel::Project::create(*dir_ / "b", "B");
    }
    void cleanup() { dir_.reset(); }

    void aJobForAProjectNoLongerOpenIsWrittenIntoIt() {
        ProjectController projects;
        open(projects, *dir_ / "a");
        const ProjectRef a = projects.current();
        open(projects, *dir_ / "b");
        QVERIFY(projects.current() != a);

        bool done = false;
        projects.writer().submit(std::make_unique<RenameProject>(a, "A, renamed late"));
        projects.writer().whenDrained(&projects, [&] { done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(projectName(*dir_ / "a"), std::string("A, renamed late"));
        QCOMPARE(projectName(*dir_ / "b"), std::string("B"));

        // The open project still takes its own jobs through the writer's connection.
        done = false;
        projects.writer().submit(std::make_unique<RenameProject>(projects.current(), "B2"));
        projects.writer().whenDrained(&projects, [&] { done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(projectName(*dir_ / "b"), std::string("B2"));
    }

    void aJobMadeWithNoProjectOpenIsRefusedWithASentence() {
        ProjectController projects;
        QString refused;
        auto job = std::make_unique<RenameProject>(ProjectRef{}, "nobody");
        job->onFailure([&](const QString& sentence) { refused = sentence; });
        projects.writer().submit(std::move(job), &projects);
        QTRY_VERIFY(!refused.isEmpty());
        QCOMPARE(refused, QString("Open a project first."));
    }

    void aTaskWaitingOnAFailingJobHearsItsSentence() {
        ProjectController projects;
        open(projects, *dir_ / "a");
        std::string heard;
        std::thread task([&, ref = projects.current()] {
            try {
                projects.writer().submitAndWait(std::make_unique<FailingJob>(ref));
            } catch (const std::exception& error) {
                heard = error.what();
            }
        });
        task.join(); // the writer answers without the GUI thread's help
        QCOMPARE(heard, std::string("The disk is full."));
    }
};

QTEST_GUILESS_MAIN(StoreWriterTest)
#include "store_writer_test.moc"
