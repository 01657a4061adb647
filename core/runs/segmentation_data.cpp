#include "runs/segmentation_data.h"

#include "common/error.h"
#include "dataset/mask_files.h"
#include "inspection/operating_point.h"
#include "project/project.h"
#include "store/annotation_repository.h"
#include "store/sample_repository.h"

#include <algorithm>
#include <map>

namespace kestrel::runs {

ProjectTrainingData loadSegmentationData(Project& project, std::uint64_t seed,
                                         SampleIdentity identity, double holdoutFraction) {
    store::SampleRepository samples(project.database());
    const std::vector<store::ClassRow> classRows = samples.classes();
    std::vector<std::string> names;
    for (const auto& row : classRows) {
        names.push_back(row.name);
    }
    const auto good = inspection::findGoodClass(names);

    ProjectTrainingData result;
    result.data.classes = {kBackgroundClass};
    std::map<std::int64_t, int> valueOfClass; // class id -> pixel value
    std::int64_t goodClassId = -1;
    for (std::size_t i = 0; i < classRows.size(); ++i) {
        if (good && *good == i) {
            goodClassId = classRows[i].id;
            continue;
        }
        valueOfClass[classRows[i].id] = static_cast<int>(result.data.classes.size());
        result.data.classes.push_back(classRows[i].name);
    }
    if (result.data.classes.size() > 255) {
        throw Error(ErrorKind::InvalidArgument,
                    "Segmentation handles at most 254 defect classes; this project has " +
                        std::to_string(result.data.classes.size() - 1) + ".");
    }

    auto shapes = store::AnnotationRepository(project.database()).allShapes();
    for (const store::SampleRow& row : samples.samples()) {
        if (row.status != "ok" || row.split.empty()) {
            continue;
        }
        loader::LoaderSample sample;
        sample.path = project.absolutePath(row.path).string();
        sample.sampleId = row.id;
        sample.key = row.path;
        sample.imageWidth = row.width;
        sample.imageHeight = row.height;
        bool anyShape = false;
        if (auto found = shapes.find(row.id); found != shapes.end()) {
            std::vector<std::string> problems;
            dataset::readMaskFiles(project, found->second, problems);
            for (auto& shape : found->second) {
                anyShape = true;
                const auto value = valueOfClass.find(shape.classId);
                const bool painted =
                    shape.kind == annotations::ShapeKind::Polygon ||
                    (shape.kind == annotations::ShapeKind::Mask && shape.maskFile.empty());
                if (painted && value != valueOfClass.end()) {
                    sample.regions.push_back({value->second, std::move(shape)});
                }
            }
        }
        const bool background = !anyShape && (row.classId == 0 || row.classId == goodClassId);
        if (sample.regions.empty() && !background) {
            ++result.skipped;
            continue;
        }
        sample.label = sample.regions.empty() ? 0 : 1;
        auto& split = row.split == "train" ? result.data.train
                      : row.split == "val" ? result.data.validation
                                           : result.data.test;
        split.push_back(std::move(sample));
    }
    // The project's order by identity, as loadTrainingData keeps it: batches then do not
    // depend on when samples were imported.
    for (auto* split : {&result.data.train, &result.data.validation, &result.data.test}) {
        std::sort(split->begin(), split->end(),
                  [](const auto& a, const auto& b) { return a.key < b.key; });
    }
    finishTrainingData(project, result, seed, identity, holdoutFraction);
    return result;
}

} // namespace kestrel::runs
