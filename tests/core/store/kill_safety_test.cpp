// A process killed in the middle of writing must leave a project that opens, passes
// SQLite's integrity check and holds exactly the transactions that committed.
#include "project/project.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <chrono>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

namespace kestrel {
namespace {

constexpr int kRowsPerTransaction = 50;

// Child process: write batches of samples as fast as possible until killed.
[[noreturn]] void writeForever(const std::filesystem::path& folder) {
    Project project = Project::open(folder);
    store::Database& db = project.database();
    store::Statement insert(db, "INSERT INTO samples (path, width, height) VALUES (?1, 64, 64)");
    for (std::int64_t batch = 0;; ++batch) {
        store::Transaction transaction(db);
        for (int i = 0; i < kRowsPerTransaction; ++i) {
            insert.bind(1, "batch-" + std::to_string(batch) + "/" + std::to_string(i) + ".png")
                .run();
        }
        transaction.commit();
    }
}

TEST(KillSafetyTest, AProjectKilledMidWriteOpensIntactWithWholeTransactionsOnly) {
    kestrel::testing::TempDir dir;
    Project::create(dir / "p");

    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        try {
            writeForever(dir / "p");
        } catch (...) {
            _exit(3);
        }
    }
    // Wait until the child has committed a few batches, then catch it mid-write.
    {
        Project watcher = Project::open(dir / "p");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (watcher.database().queryInt("SELECT count(*) FROM samples") <
                   3 * kRowsPerTransaction &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself, status " << status;

    Project project = Project::open(dir / "p");
    store::Database& db = project.database();
    EXPECT_EQ(db.queryText("PRAGMA integrity_check"), "ok");
    const std::int64_t rows = db.queryInt("SELECT count(*) FROM samples");
    EXPECT_GE(rows, 3 * kRowsPerTransaction) << "the writer never got going";
    EXPECT_EQ(rows % kRowsPerTransaction, 0) << "a half-written transaction survived the kill";
}

} // namespace
} // namespace kestrel
