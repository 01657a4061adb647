#include "runs/segmentation_data.h"

#include "common/error.h"
#include "dataset/mask_files.h"
#include "project/project.h"
#include "runs/defect_classes.h"
#include "store/annotation_repository.h"
#include "store/sample_repository.h"

#include <algorithm>
#include <map>

namespace kestrel::runs {

ProjectTrainingData loadSegmentationData(Project& project, std::uint64_t seed,
                                         SampleIdentity identity, double holdoutFraction) {
    store::SampleRepository samples(project.database());
    const DefectClasses defects = defectClasses(project, 1);
    ProjectTrainingData result;
    result.data.classes = {kBackgroundClass};
    result.data.classes.insert(result.data.classes.end(), defects.names.begin(),
                               defects.names.end());
    const std::map<std::int64_t, int>& valueOfClass = defects.indexOf;
    const std::int64_t goodClassId = defects.goodClassId;
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
