// A process killed in the middle of writing must leave a project that opens, passes
// SQLite's integrity check and holds exactly the transactions that committed.
#include "project/project.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <chrono>
#include <csignal>
#include <set>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

namespace kestrel {
namespace {

constexpr int kRowsPerTransaction = 50;
constexpr std::size_t kRowsToWaitFor = 3 * kRowsPerTransaction;

// Every sample's path, oldest first.
std::vector<std::string> samplePaths(store::Database& db) {
    std::vector<std::string> paths;
    store::Statement query(db, "SELECT path FROM samples ORDER BY id");
    while (query.step()) {
        paths.push_back(query.columnText(0));
    }
    return paths;
}

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
    // Wait until the child has committed a few batches, noting every row seen committed,
    // then catch it mid-write.
    std::vector<std::string> committed;
    {
        Project watcher = Project::open(dir / "p");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (committed.size() < kRowsToWaitFor && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            committed = samplePaths(watcher.database());
        }
    }
    const bool started = committed.size() >= kRowsToWaitFor;
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(started) << "the writer committed only " << committed.size() << " rows in 30 s";
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself, status " << status;

    Project project = Project::open(dir / "p");
    store::Database& db = project.database();
    EXPECT_EQ(db.queryText("PRAGMA integrity_check"), "ok");
    // Every row seen committed before the kill is in the file after it.
    const std::vector<std::string> after = samplePaths(db);
    const std::set<std::string> kept(after.begin(), after.end());
    for (const auto& path : committed) {
        EXPECT_EQ(kept.count(path), 1u) << path << " was committed before the kill and is gone";
    }
    EXPECT_GE(after.size(), committed.size());
    // And only whole transactions: every batch has all its rows.
    EXPECT_EQ(after.size() % static_cast<std::size_t>(kRowsPerTransaction), 0u)
        << "a half-written transaction survived";
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM (SELECT count(*) AS n FROM samples GROUP BY "
                          "substr(path, 1, instr(path, '/')) HAVING n != " +
                          std::to_string(kRowsPerTransaction) + ")"),
              0)
        << "a batch survived with only some of its rows";
}

} // namespace
} // namespace kestrel
