#include "common/path_claim.h"
#include "project/leftovers.h"
#include "project/project.h"
#include "temp_dir.h"

#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace kestrel {
namespace {

namespace fs = std::filesystem;

void writeText(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

// What an export killed half-way leaves: a partial file its dead process had claimed.
void killWhileWriting(const fs::path& partial) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const PathClaim claim = PathClaim::file(partial);
        const char half[] = "half an ONNX file";
        (void)!::write(claim.descriptor(), half, sizeof half - 1);
        ::raise(SIGKILL);
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));
}

class LeftoversTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
};

TEST_F(LeftoversTest, OpeningAProjectRemovesWhatKilledExportsAndAuditsLeft) {
    fs::path exports, cache;
    {
        const Project project = Project::create(dir / "press");
        exports = project.exportsFolder();
        cache = project.cacheFolder();
    }
    killWhileWriting(exports / "run-3-resnet18.onnx.partial");
    writeText(exports / "line-2/run-4-resnet18.pt.partial", "torn");
    writeText(cache / "audit-tmp-Ab12Cd/fold-1/checkpoint.pt", "fold weights");
    // Kept: finished exports, other caches, and a folder merely named like a leftover file.
    writeText(exports / "run-3-resnet18.onnx", "a verified model");
    writeText(cache / "thumbnails/1.png", "png");
    fs::create_directories(exports / "kept.partial");

    Project::open(dir / "press");

    EXPECT_FALSE(fs::exists(exports / "run-3-resnet18.onnx.partial"));
    EXPECT_FALSE(fs::exists(exports / "line-2/run-4-resnet18.pt.partial"));
    EXPECT_FALSE(fs::exists(cache / "audit-tmp-Ab12Cd"));
    EXPECT_TRUE(fs::exists(exports / "run-3-resnet18.onnx"));
    EXPECT_TRUE(fs::exists(exports / "line-2"));
    EXPECT_TRUE(fs::exists(cache / "thumbnails/1.png"));
    EXPECT_TRUE(fs::is_directory(exports / "kept.partial"));
}

TEST_F(LeftoversTest, WhatAnotherWriterStillClaimsIsLeftAlone) {
    const fs::path exports = dir / "exports";
    const fs::path cache = dir / "cache";
    const fs::path writing = exports / "run-5-unet.onnx.partial";
    const fs::path auditing = cache / "audit-tmp-Zz99Yy";
    fs::create_directories(exports);
    fs::create_directories(auditing);
    // flock is per open file: a claim from this process blocks the cleanup as another
    // process's would.
    const PathClaim exportClaim = PathClaim::file(writing);
    const std::optional<PathClaim> auditClaim = PathClaim::folder(auditing);
    ASSERT_TRUE(auditClaim.has_value());
    writeText(exports / "run-6-unet.onnx.partial", "stale");

    const std::vector<fs::path> removed = removeLeftovers(exports, cache);

    EXPECT_EQ(removed, std::vector<fs::path>{exports / "run-6-unet.onnx.partial"});
    EXPECT_TRUE(fs::exists(writing));
    EXPECT_TRUE(fs::is_directory(auditing));
}

TEST_F(LeftoversTest, MissingFoldersRemoveNothing) {
    EXPECT_TRUE(removeLeftovers(dir / "no-exports", dir / "no-cache").empty());
}

TEST_F(LeftoversTest, AClaimOnAFolderRemovedFirstIsRefused) {
    EXPECT_FALSE(PathClaim::folder(dir / "gone").has_value());
}

} // namespace
} // namespace kestrel
