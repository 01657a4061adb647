// The window's task model without the window: a task that throws ends as failed with its
// sentence (and never hangs whoever waits for it), cancel reaches the work, and progress
// reaches the GUI thread coalesced, its last value included.
#include "common/error.h"
#include "task_manager.h"

#include <atomic>
#include <memory>
#include <vector>

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using kestrel::app::Task;
using kestrel::app::TaskManager;
using kestrel::app::toString;

class TaskManagerTest : public QObject {
    Q_OBJECT

private slots:
    void aTaskThatThrowsEndsAsFailedWithItsSentence() {
        TaskManager tasks;
        QSignalSpy idle(&tasks, &TaskManager::idle);
        QString endedWith;
        auto task = tasks.start(
            "Doomed", {},
            [](Task&) { throw kestrel::Error(kestrel::ErrorKind::Io, "The disk is full."); },
            &tasks, [&](const Task& ended) { endedWith = ended.error(); });
        task->waitUntilEnded(); // returns: the exception ended the task
        QCOMPARE(toString(task->state()), QString("failed"));
        QCOMPARE(task->error(), QString("The disk is full."));
        QVERIFY(idle.wait(10000));
        QCOMPARE(endedWith, QString("The disk is full."));
        QVERIFY(tasks.isIdle());
    }

    void cancelReachesTheWorkAndItsHooks() {
        TaskManager tasks;
        std::atomic<bool> started{false};
        std::atomic<bool> hookRan{false};
        auto task = tasks.start("Waits for cancel", {}, [&](Task& self) {
            self.onCancel([&] { hookRan = true; });
            started = true;
            while (!self.isCancelled()) {
                QThread::yieldCurrentThread();
            }
        });
        QTRY_VERIFY(started.load());
        QCOMPARE(toString(task->state()), QString("running"));
        task->cancel();
        task->waitUntilEnded();
        QCOMPARE(toString(task->state()), QString("cancelled"));
        QVERIFY(hookRan.load());
    }

    void progressArrivesCoalescedWithItsLastValue() {
        TaskManager tasks;
        QSignalSpy progress(&tasks, &TaskManager::taskProgress);
        QSignalSpy ended(&tasks, &TaskManager::taskEnded);
        std::atomic<bool> release{false};
        auto task = tasks.start("Counts", {}, [&](Task& self) {
            for (int i = 1; i <= 100000; ++i) {
                self.setProgress(i, 100000, "counting");
            }
            while (!release.load()) { // ends only once the last value has been seen
                QThread::yieldCurrentThread();
            }
        });
        QTRY_VERIFY(!progress.isEmpty() && progress.last().at(1).toLongLong() == 100000);
        QVERIFY2(progress.size() < 100, qPrintable(QString::number(progress.size())));
        QCOMPARE(progress.last().at(3).toString(), QString("counting"));
        release = true;
        QVERIFY(ended.wait(10000));
        QCOMPARE(ended.last().at(1).toString(), QString("finished"));
    }

    void aTaskQueuedBehindTheThreadsWaitsItsTurn() {
        TaskManager tasks;
        std::atomic<bool> release{false};
        std::atomic<int> running{0};
        std::vector<std::shared_ptr<Task>> held;
        for (int i = 0; i < TaskManager::kThreads + 1; ++i) {
            held.push_back(tasks.start("Holds a thread", {}, [&](Task&) {
                ++running;
                while (!release.load()) {
                    QThread::yieldCurrentThread();
                }
            }));
        }
        QTRY_COMPARE(running.load(), TaskManager::kThreads);
        QCOMPARE(toString(held.back()->state()), QString("queued"));
        release = true;
        for (const auto& task : held) {
            task->waitUntilEnded();
            QCOMPARE(toString(task->state()), QString("finished"));
        }
    }
};

QTEST_GUILESS_MAIN(TaskManagerTest)
#include "task_manager_test.moc"
