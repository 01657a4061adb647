// A project folder moved or copied elsewhere keeps its runs: an interrupted run resumes
// there with the same held-out validation samples and data fingerprint, and its model
// exports. Runs recorded before sample identities were stored paths keep hashing absolute
// paths, so resuming them in place changes nothing either.
#include "common/error.h"
#include "dataset/content_hash.h"
#include "dataset/importer.h"
#include "dataset/label_edit.h"
#include "dataset/sample_catalog.h"
#include "dataset/sample_query.h"
#include "export/run_export.h"
#include "left_right_images.h"
#include "project/project.h"
#include "review/label_audit.h"
#include "runs/training_session.h"
#include "store/run_repository.h"
#include "store/sqlite.h"
#include "temp_dir.h"
#include "training_fixture.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kestrel::train {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kEpochs = 3;

// The left/right images inside the project folder (so they are stored relative to it), with
// the val split folded into train so that validation samples are held out by hash.
void fillProject(const fs::path& folder) {
    Project project = Project::create(folder);
    testing::writeLeftRightImages(folder / "images", 24);
    dataset::importSource(project, folder / "images", {});
    std::vector<std::int64_t> val;
    for (const auto& sample : dataset::loadCatalog(project).samples) {
        if (sample.split == "val") {
            val.push_back(sample.id);
        }
    }
    ASSERT_FALSE(val.empty());
    dataset::applyLabelEdit(project, dataset::assignSplitEdit(val, "train"));
}

std::vector<std::int64_t> validationIds(const TrainingData& data) {
    std::vector<std::int64_t> ids;
    for (const auto& sample : data.validation) {
        ids.push_back(sample.sampleId);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

// A run cancelled in its second epoch: `cancelled`, with the first epoch's last.pt.
std::int64_t interruptedRun(Project& project) {
    auto session = runs::TrainingSession::create(project, testing::tinyTrainOptions(kEpochs));
    EXPECT_EQ(session->data().validationSource, "held out from train");
    testing::CancelAtEpoch cancel(*session, 1);
    EXPECT_EQ(session->run(cancel).status, TrainingFinished::Status::Cancelled);
    EXPECT_TRUE(fs::exists(session->runFolder() / "last.pt"));
    return session->runId();
}

void resumeToTheEnd(runs::TrainingSession& session) {
    NullObserver none;
    const TrainingFinished finished = session.run(none);
    ASSERT_EQ(finished.status, TrainingFinished::Status::Completed) << finished.reason;
    EXPECT_EQ(finished.epochsDone, kEpochs);
}

TEST(ProjectMoveTest, AnInterruptedRunResumesInAMovedAndInACopiedProjectWithTheSameSplit) {
    testing::TempDir dir;
    const fs::path original = dir / "original";
    fillProject(original);
    std::int64_t run = 0;
    std::vector<std::int64_t> heldOut;
    std::string fingerprint;
    {
        Project project = Project::open(original);
        run = interruptedRun(project);
        const auto params = store::RunRepository(project.database()).params(run);
        EXPECT_EQ(params.at("sample_identity"), "stored_path");
        fingerprint = params.at("dataset_fingerprint");
        heldOut = validationIds(runs::loadTrainingData(project, 5).data);
        ASSERT_FALSE(heldOut.empty());
    }

    fs::copy(original, dir / "copy", fs::copy_options::recursive);
    fs::rename(original, dir / "moved");
    for (const fs::path& folder : {dir / "moved", dir / "copy"}) {
        SCOPED_TRACE(folder.string());
        Project project = Project::open(folder);
        // Refused as "samples or labels have changed" when the identity depends on the folder.
        auto resumed = runs::TrainingSession::resume(project, run);
        EXPECT_EQ(resumed->data().fingerprint, fingerprint);
        EXPECT_EQ(validationIds(resumed->data().data), heldOut);
        // The images are read where they are now.
        ASSERT_FALSE(resumed->data().data.train.empty());
        EXPECT_EQ(resumed->data().data.train.front().path.rfind(folder.string() + "/", 0), 0u)
            << resumed->data().data.train.front().path;
        resumeToTheEnd(*resumed);
    }

    // The moved project's run exports, and its model card names the recorded data.
    Project project = Project::open(dir / "moved");
    exporting::ExportRequest request;
    request.run = run;
    request.verifySamples = 8;
    const auto exported = exporting::exportRun(project, request);
    ASSERT_EQ(exported.size(), 2u);
    for (const auto& file : exported) {
        EXPECT_TRUE(fs::exists(file.file)) << file.file;
        EXPECT_EQ(file.file.parent_path(), project.exportsFolder());
        std::ifstream in(file.card);
        const auto card = nlohmann::json::parse(in);
        EXPECT_EQ(card.at("run").at("dataset_fingerprint"), fingerprint);
    }
    for (const auto& artifact : store::RunRepository(project.database()).artifacts(run)) {
        EXPECT_EQ(fs::path(artifact.path).is_relative(), true) << artifact.path;
    }
}

std::map<std::int64_t, int> auditFolds(const fs::path& folder) {
    Project project = Project::open(folder);
    review::LabelAuditOptions options;
    options.training = testing::tinyTrainOptions(1);
    const review::LabelAuditPlan plan = review::planLabelAudit(project, options);
    std::map<std::int64_t, int> folds;
    for (std::size_t i = 0; i < plan.samples.size(); ++i) {
        folds[plan.samples[i].sampleId] = plan.folds[i];
    }
    return folds;
}

TEST(ProjectMoveTest, TheLabelAuditDealsTheSameFoldsAfterTheProjectMoves) {
    testing::TempDir dir;
    fillProject(dir / "before");
    const std::map<std::int64_t, int> before = auditFolds(dir / "before");
    ASSERT_EQ(before.size(), 72u);
    fs::rename(dir / "before", dir / "after");
    EXPECT_EQ(auditFolds(dir / "after"), before);
}

// What the training code before stored-path identities held out: per class, the
// lround(10%) samples first in XXH3 order of "<seed>/<absolute path>". Written out here so
// that the compatibility rule is checked against the old scheme, not against itself.
std::vector<std::int64_t> absolutePathHoldOut(Project& project, std::uint64_t seed) {
    std::map<std::int64_t, std::vector<std::pair<std::string, std::int64_t>>> byClass;
    for (const auto& sample : dataset::labelledSamples(project, std::string("train")).samples) {
        byClass[sample.classIndex].emplace_back(
            dataset::contentHash(std::to_string(seed) + "/" + sample.file.string()), sample.id);
    }
    std::vector<std::int64_t> ids;
    for (auto& [label, members] : byClass) {
        std::sort(members.begin(), members.end());
        const auto held = static_cast<std::size_t>(std::lround(0.1 * members.size()));
        for (std::size_t i = 0; i < held; ++i) {
            ids.push_back(members[i].second);
        }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

TEST(ProjectMoveTest, ARunRecordedBeforeSampleIdentitiesResumesWithItsAbsolutePathSplit) {
    testing::TempDir dir;
    fillProject(dir / "p");
    Project project = Project::open(dir / "p");
    const std::int64_t run = interruptedRun(project);

    const runs::ProjectTrainingData legacy =
        runs::loadTrainingData(project, 5, runs::SampleIdentity::AbsolutePath);
    const runs::ProjectTrainingData current =
        runs::loadTrainingData(project, 5, runs::SampleIdentity::StoredPath);
    EXPECT_EQ(validationIds(legacy.data), absolutePathHoldOut(project, 5));
    // Otherwise this test could not tell the two schemes apart.
    ASSERT_NE(validationIds(legacy.data), validationIds(current.data));
    ASSERT_NE(legacy.fingerprint, current.fingerprint);

    // What an older Kestrel recorded: no sample_identity, the absolute-path fingerprint.
    store::RunRepository runs(project.database());
    runs.setParams(
        run, {{"dataset_fingerprint", legacy.fingerprint}, {"sample_identity", "content_hash"}});
    try {
        runs::TrainingSession::resume(project, run);
        FAIL() << "an identity scheme this build does not know was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("content_hash"), std::string::npos)
            << error.what();
    }
    store::Statement forget(project.database(),
                            "DELETE FROM run_params WHERE run_id = ? AND name = 'sample_identity'");
    forget.bind(1, run).run();

    auto resumed = runs::TrainingSession::resume(project, run);
    EXPECT_EQ(resumed->data().fingerprint, legacy.fingerprint);
    EXPECT_EQ(validationIds(resumed->data().data), validationIds(legacy.data));
    resumeToTheEnd(*resumed);
}

} // namespace
} // namespace kestrel::train
