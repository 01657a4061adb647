// Before the first step every rank checks that it plans the run rank 0 plans.
#include "distributed/rank_agreement.h"
#include "rank_threads.h"

#include <gtest/gtest.h>

namespace kestrel::distributed {
namespace {

RankView viewWith(const std::string& epochs, const std::string& device,
                  const std::string& fingerprint = "5f1c0ffee") {
    RankView view;
    view.settings = {{"epochs", epochs}, {"model", "resnet18"}, {"device", device}};
    view.dataFingerprint = fingerprint;
    return view;
}

TEST(RankAgreementTest, RanksThatPlanTheSameRunGoOnAndTheirDevicesMayDiffer) {
    const auto failures = runRanks(3, [](ProcessGroupSession& group) {
        checkRanksAgree(group, viewWith("10", "cuda:" + std::to_string(group.rank())));
    });
    EXPECT_EQ(failures, std::vector<std::string>(3));
}

TEST(RankAgreementTest, EveryRankRefusesWithTheSentenceNamingTheRankAndSetting) {
    const auto failures = runRanks(3, [](ProcessGroupSession& group) {
        checkRanksAgree(group, viewWith(group.rank() == 2 ? "5" : "10", "cpu"));
    });
    const std::string sentence =
        "Rank 2's epochs is 5 where rank 0's is 10: start every rank with the same command.";
    EXPECT_EQ(failures, std::vector<std::string>(3, sentence));
}

TEST(RankAgreementTest, DifferentDataIsNamedAsSuch) {
    const auto failures = runRanks(2, [](ProcessGroupSession& group) {
        checkRanksAgree(group, viewWith("10", "cpu", group.rank() == 0 ? "aaaa" : "bbbb"));
    });
    EXPECT_NE(failures[0].find("Rank 1 reads different samples or labels from rank 0"),
              std::string::npos)
        << failures[0];
    EXPECT_EQ(failures[0], failures[1]);
}

TEST(RankAgreementTest, ARankThatCannotStartStopsTheOthersAtOnce) {
    const auto failures = runRanks(2, [](ProcessGroupSession& group) {
        RankView view = viewWith("10", "cpu");
        if (group.rank() == 1) {
            view.problem = "The project folder /mnt/shared/p does not exist.";
        }
        checkRanksAgree(group, view);
    });
    EXPECT_EQ(failures[0], "Rank 1 could not start: The project folder /mnt/shared/p does "
                           "not exist.");
    EXPECT_EQ(failures[1], "The project folder /mnt/shared/p does not exist.");
}

TEST(RankAgreementTest, TheOthersLearnTheRunOrWhyThereIsNone) {
    const auto started = runRanks(2, [](ProcessGroupSession& group) {
        if (group.leader()) {
            publishRun(group, 42);
        } else if (awaitRun(group) != 42) {
            throw std::runtime_error("rank 1 was told another run");
        }
    });
    EXPECT_EQ(started, std::vector<std::string>(2));
    const auto refused = runRanks(2, [](ProcessGroupSession& group) {
        if (group.leader()) {
            publishRunFailure(group, "Run 3 is being trained by another process.");
        } else {
            awaitRun(group);
        }
    });
    EXPECT_EQ(refused[1], "Rank 0 could not start the run: Run 3 is being trained by another "
                          "process.");
}

} // namespace
} // namespace kestrel::distributed
