// Data-parallel training through the real launcher: torchrun starts kestrel-cli ranks that
// join a c10d group with Gloo on 127.0.0.1 (Debian's python3-torch provides torchrun; a build
// against PyTorch's wheel uses the wheel's).
#include "cli_test_support.h"
#include "distributed/free_port.h"
#include "left_right_images.h"
#include "project/project.h"
#include "store/run_repository.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel {
namespace {

constexpr const char* kTorchrun = KESTREL_TORCHRUN;

// Started in the background, its output in `log`; it and its children are stopped (SIGKILL)
// when the test ends.
class Launch {
public:
    Launch(const std::vector<std::string>& args, const std::filesystem::path& log) {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0); // its own process group, ranks included, for the destructor
            const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(out, STDOUT_FILENO);
            ::dup2(out, STDERR_FILENO);
            std::vector<char*> argv;
            for (const auto& arg : args) {
                argv.push_back(const_cast<char*>(arg.c_str()));
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~Launch() {
        if (pid_ > 0) {
            // torchrun and every rank it started: a test that failed leaves none behind.
            ::kill(-pid_, SIGKILL);
            if (!exited_) {
                ::waitpid(pid_, nullptr, 0);
            }
        }
    }
    Launch(const Launch&) = delete;
    Launch& operator=(const Launch&) = delete;

    // The exit code, or -1 when it had not ended after `limit`.
    int wait(std::chrono::seconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return -1;
    }

private:
    pid_t pid_ = -1;
    bool exited_ = false;
};

// The process whose environment says RANK=`rank` and whose command line names `project`.
pid_t findRank(int rank, const std::string& project) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream cmdline(entry.path() / "cmdline");
        std::ifstream environ(entry.path() / "environ");
        std::stringstream command;
        std::stringstream variables;
        command << cmdline.rdbuf();
        variables << environ.rdbuf();
        const std::string wanted = std::string("RANK=") + std::to_string(rank) + '\0';
        const std::string all = '\0' + variables.str();
        if (command.str().find(project) != std::string::npos &&
            command.str().find("torchrun") == std::string::npos &&
            all.find('\0' + wanted) != std::string::npos) {
            return static_cast<pid_t>(std::stoi(name));
        }
    }
    return -1;
}

class DistributedCliTest : public CliTest {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(kTorchrun)) {
            GTEST_SKIP() << kTorchrun << " is missing (Debian's python3-torch installs it)";
        }
        project = (dir / "p").string();
        kestrel::testing::writeLeftRightImages(dir / "source");
        ASSERT_EQ(cli({"init", project}).exitCode, 0);
        ASSERT_EQ(cli({"import", project, (dir / "source").string()}).exitCode, 0);
    }

    // torchrun's arguments for one machine with `ranks` processes, then kestrel-cli's.
    std::vector<std::string> oneMachine(int ranks, const std::vector<std::string>& train) const {
        std::vector<std::string> args = {
            kTorchrun, "--nproc_per_node", std::to_string(ranks), "--master_addr", "127.0.0.1",
            "--master_port", std::to_string(kestrel::distributed::freeLocalPort()),
            // Debian's torchrun 1.13 needs these to start at all.
            "--redirects", "2", "--tee", "2", "--no_python", KESTREL_CLI_PATH};
        args.insert(args.end(), train.begin(), train.end());
        return args;
    }

    std::vector<std::string> trainArgs(const std::string& epochs) const {
        return {"train",        project,        "--epochs", epochs,     "--batch-size",
                "16",           "--image-size", "16",       "--device", "cpu",
                "--no-augment", "--threads",    "1"};
    }

    store::RunRecord onlyRun() {
        Project opened = Project::open(project);
        const auto runs = store::RunRepository(opened.database()).list();
        EXPECT_EQ(runs.size(), 1u);
        return runs.empty() ? store::RunRecord{} : runs.front();
    }

    std::map<std::string, std::string> paramsOf(std::int64_t run) {
        Project opened = Project::open(project);
        return store::RunRepository(opened.database()).params(run);
    }

    static std::string text(const std::filesystem::path& file) {
        std::ifstream in(file);
        std::stringstream all;
        all << in.rdbuf();
        return all.str();
    }

    std::string project;
};

TEST_F(DistributedCliTest, TwoRanksTrainOneRunThatRankZeroAloneRecords) {
    Launch launch(oneMachine(2, trainArgs("3")), dir / "launch.log");
    ASSERT_EQ(launch.wait(std::chrono::seconds(240)), 0) << text(dir / "launch.log");
    const std::string log = text(dir / "launch.log");
    EXPECT_NE(log.find("Training on 2 ranks, 8 images each of a batch of 16."), std::string::npos)
        << log;
    const store::RunRecord run = onlyRun();
    EXPECT_EQ(run.status, "completed") << run.error;
    const auto params = paramsOf(run.id);
    EXPECT_EQ(params.at("world_size"), "2");
    EXPECT_EQ(params.at("rank_batch_size"), "8");
    EXPECT_EQ(params.at("batch_size"), "16");
    const auto folder = std::filesystem::path(project) / "runs" / std::to_string(run.id);
    EXPECT_TRUE(std::filesystem::exists(folder / "best.pt"));
    EXPECT_TRUE(std::filesystem::exists(folder / "last.pt"));
}

TEST_F(DistributedCliTest, AKilledRankLeavesTheRunInterruptedAndAnotherNumberOfRanksResumesIt) {
    Launch launch(oneMachine(2, trainArgs("120")), dir / "launch.log");
    const auto lastCheckpoint = std::filesystem::path(project) / "runs" / "1" / "last.pt";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!std::filesystem::exists(lastCheckpoint) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(std::filesystem::exists(lastCheckpoint)) << text(dir / "launch.log");
    const pid_t rank1 = findRank(1, project);
    ASSERT_GT(rank1, 0);
    ASSERT_EQ(::kill(rank1, SIGKILL), 0);
    EXPECT_NE(launch.wait(std::chrono::seconds(120)), 0); // ends, and says it failed

    // torchrun may return while rank 0, which it stopped, is still recording how the run
    // ended (a loaded machine saw the row still "running" then).
    store::RunRecord run = onlyRun();
    const auto recorded = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (run.status == "running" && std::chrono::steady_clock::now() < recorded) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        run = onlyRun();
    }
    if (run.status == "running") {
        // torchrun ends the surviving ranks itself (SIGTERM, then SIGKILL): on a loaded
        // machine rank 0 was once killed before it wrote its sentence. The next command that
        // opens the project finds nobody holds the run's lock and marks it interrupted.
        ASSERT_EQ(cli({"runs", project}).exitCode, 0);
        run = onlyRun();
        EXPECT_EQ(run.status, "interrupted") << run.error;
        EXPECT_NE(run.error.find("stopped before it finished"), std::string::npos) << run.error;
    } else {
        EXPECT_EQ(run.status, "interrupted") << run.error;
        EXPECT_NE(run.error.find("Rank 0 lost contact with the run's other ranks"),
                  std::string::npos)
            << run.error;
    }

    // One process goes on with the run's settings, at a smaller number of epochs left.
    const ProcessResult resumed = cli({"train", project, "--resume", "1", "--json"});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    EXPECT_EQ(nlohmann::json::parse(resumed.out).at("status"), "completed");
    run = onlyRun();
    EXPECT_EQ(run.status, "completed");
    EXPECT_EQ(paramsOf(run.id).at("world_size"), "1");
}

// Two torchrun launchers, as two machines would start them, meeting through c10d's
// rendezvous on 127.0.0.1.
std::vector<std::string> asNode(int node, const std::string& endpoint,
                                const std::vector<std::string>& train) {
    std::vector<std::string> args = {kTorchrun,
                                     "--nnodes",
                                     "2",
                                     "--node_rank",
                                     std::to_string(node),
                                     "--nproc_per_node",
                                     "1",
                                     "--rdzv_backend",
                                     "c10d",
                                     "--rdzv_endpoint",
                                     endpoint,
                                     "--rdzv_id",
                                     "kestrel-test",
                                     "--redirects",
                                     "2",
                                     "--tee",
                                     "2",
                                     "--no_python",
                                     KESTREL_CLI_PATH};
    args.insert(args.end(), train.begin(), train.end());
    return args;
}

TEST_F(DistributedCliTest, TwoNodesMeetThroughTheRendezvousAndTrainOneRun) {
    const std::string endpoint =
        "127.0.0.1:" + std::to_string(kestrel::distributed::freeLocalPort());
    Launch first(asNode(0, endpoint, trainArgs("2")), dir / "node0.log");
    Launch second(asNode(1, endpoint, trainArgs("2")), dir / "node1.log");
    EXPECT_EQ(first.wait(std::chrono::seconds(240)), 0) << text(dir / "node0.log");
    EXPECT_EQ(second.wait(std::chrono::seconds(60)), 0) << text(dir / "node1.log");
    const store::RunRecord run = onlyRun();
    EXPECT_EQ(run.status, "completed") << run.error;
    EXPECT_EQ(paramsOf(run.id).at("world_size"), "2");
}

TEST_F(DistributedCliTest, RanksStartedWithDifferentSettingsRefuseBeforeAnyRunIsRecorded) {
    const std::string endpoint =
        "127.0.0.1:" + std::to_string(kestrel::distributed::freeLocalPort());
    Launch first(asNode(0, endpoint, trainArgs("2")), dir / "node0.log");
    Launch second(asNode(1, endpoint, trainArgs("3")), dir / "node1.log");
    EXPECT_NE(first.wait(std::chrono::seconds(240)), 0);
    EXPECT_NE(second.wait(std::chrono::seconds(60)), 0);
    const std::string sentence =
        "Rank 1's epochs is 3 where rank 0's is 2: start every rank with the same command.";
    EXPECT_NE(text(dir / "node0.log").find(sentence), std::string::npos) << text(dir / "node0.log");
    EXPECT_NE(text(dir / "node1.log").find(sentence), std::string::npos) << text(dir / "node1.log");
    Project opened = Project::open(project);
    EXPECT_TRUE(store::RunRepository(opened.database()).list().empty());
}

// Synchronised batch norm makes two ranks' half batches one batch: resnet18 (batch norm, no
// dropout) normalises its first batch on two ranks with --sync-batch-norm as one process with
// the whole batch does, and without it it does not (each rank over its own 8 images). The
// first step's loss is compared: from scratch on these images, later steps amplify rounding
// (a learning rate 1e-7 larger moves the weights by a fifth), so no run ends at another's
// weights; sync_batch_norm_test checks the gradients step by step.
TEST_F(DistributedCliTest, SynchronisedBatchNormNormalisesTwoRanksAsOneProcess) {
    const std::vector<std::string> train = {
        "train",        project,    "--model",  "resnet18",     "--weights",
        "scratch",      "--epochs", "1",        "--batch-size", "16",
        "--image-size", "32",       "--device", "cpu",          "--no-augment",
        "--threads",    "1"};
    ASSERT_EQ(cli(train).exitCode, 0);
    std::vector<std::string> synchronised = train;
    synchronised.push_back("--sync-batch-norm");
    Launch withSync(oneMachine(2, synchronised), dir / "sync.log");
    ASSERT_EQ(withSync.wait(std::chrono::seconds(240)), 0) << text(dir / "sync.log");
    Launch perRank(oneMachine(2, train), dir / "per-rank.log");
    ASSERT_EQ(perRank.wait(std::chrono::seconds(240)), 0) << text(dir / "per-rank.log");

    Project opened = Project::open(project);
    store::RunRepository runs(opened.database());
    const auto firstLoss = [&runs](std::int64_t run) {
        const auto points = runs.metrics(run, "batch_loss");
        EXPECT_FALSE(points.empty()) << "run " << run;
        return points.empty() ? 0.0 : points.front().value;
    };
    EXPECT_EQ(runs.params(2).at("sync_batch_norm"), "true");
    EXPECT_EQ(runs.params(2).at("world_size"), "2");
    const double alone = firstLoss(1);
    EXPECT_NEAR(firstLoss(2), alone, 1e-5 * alone);
    EXPECT_GT(std::abs(firstLoss(3) - alone), 1e-3 * alone); // a test that can fail
}

} // namespace
} // namespace kestrel
