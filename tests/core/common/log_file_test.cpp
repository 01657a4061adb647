#include "common/log_file.h"
#include "temp_dir.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

namespace kestrel {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> linesOf(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

class LogFileTest : public ::testing::Test {
protected:
    void TearDown() override {
        logging::setEcho(nullptr);
        logging::openLog("test", dir / "closed"); // leave no log on the folder removed next
    }
    kestrel::testing::TempDir dir;
};

TEST_F(LogFileTest, LinesCarryTimeProgramAndProcessAndGoToTheEchoToo) {
    std::ostringstream echo;
    logging::openLog("kestrel-cli", dir / "logs");
    logging::setEcho(&echo);
    logging::write("Run 3 of /p started.");
    logging::write("Failed: Cannot open /x: the folder does not exist.");

    EXPECT_EQ(logging::logFile(), dir / "logs" / "kestrel.log");
    const auto lines = linesOf(dir / "logs" / "kestrel.log");
    ASSERT_EQ(lines.size(), 2u);
    const std::regex shape(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ kestrel-cli\[(\d+)\] (.*))");
    std::smatch parts;
    ASSERT_TRUE(std::regex_match(lines[0], parts, shape)) << lines[0];
    EXPECT_EQ(parts[1].str(), std::to_string(::getpid()));
    EXPECT_EQ(parts[2].str(), "Run 3 of /p started.");
    EXPECT_EQ(echo.str(), lines[0] + "\n" + lines[1] + "\n");
}

TEST_F(LogFileTest, AFullLogRotatesAndKeepsThreeOlderFiles) {
    logging::openLog("kestrel", dir / "logs", 200);
    for (int i = 0; i < 40; ++i) {
        logging::write("line " + std::to_string(i) + " of some length to fill the file");
    }
    const fs::path log = dir / "logs" / "kestrel.log";
    EXPECT_TRUE(fs::exists(log));
    EXPECT_LE(fs::file_size(log), 200u + 100u);
    for (const char* old : {".1", ".2", ".3"}) {
        EXPECT_TRUE(fs::exists(log.string() + old)) << old;
    }
    EXPECT_FALSE(fs::exists(log.string() + ".4"));
    // The newest line is in the current file, the ones before it in .1.
    EXPECT_NE(linesOf(log).back().find("line 39 of"), std::string::npos);
    EXPECT_FALSE(linesOf(log.string() + ".1").empty());
}

TEST_F(LogFileTest, TwoProcessesWritingAtOnceLeaveEveryLineWhole) {
    const fs::path folder = dir / "shared";
    constexpr int kLines = 400;
    std::vector<pid_t> children;
    for (int child = 0; child < 2; ++child) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            logging::openLog("child" + std::to_string(child), folder, 64 * 1024);
            for (int i = 0; i < kLines; ++i) {
                logging::write(std::string(60, static_cast<char>('a' + child)) + " end");
            }
            ::_exit(0);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    std::size_t whole = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
        for (const std::string& line : linesOf(entry.path())) {
            const std::regex shape(R"(\S+ child[01]\[\d+\] (a{60}|b{60}) end)");
            EXPECT_TRUE(std::regex_match(line, shape)) << entry.path() << ": " << line;
            ++whole;
        }
    }
    // Rotation keeps three older files; at 64 KiB each nothing was dropped.
    EXPECT_EQ(whole, 2u * kLines);
}

TEST_F(LogFileTest, AFolderThatCannotBeMadeLeavesNoLogAndNoFailure) {
    const fs::path blocker = dir / "file";
    std::ofstream(blocker) << "not a folder";
    logging::openLog("kestrel", blocker / "logs");
    EXPECT_TRUE(logging::logFile().empty());
    logging::write("nowhere to go"); // and no throw
}

} // namespace
} // namespace kestrel
