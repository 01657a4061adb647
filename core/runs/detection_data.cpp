#include "runs/detection_data.h"

#include "dataset/mask_files.h"
#include "project/project.h"
#include "runs/defect_classes.h"
#include "store/annotation_repository.h"
#include "store/sample_repository.h"

#include <algorithm>

namespace kestrel::runs {

ProjectTrainingData loadDetectionData(Project& project, std::uint64_t seed, SampleIdentity identity,
                                      double holdoutFraction) {
    const DefectClasses defects = defectClasses(project, 0);
    ProjectTrainingData result;
    result.data.classes = defects.names;

    auto shapes = store::AnnotationRepository(project.database()).allShapes();
    for (const store::SampleRow& row : store::SampleRepository(project.database()).samples()) {
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
            std::vector<std::string> problems; // a mask file that cannot be read has no bounds
            dataset::readMaskFiles(project, found->second, problems);
            for (const auto& shape : found->second) {
                anyShape = true;
                const auto index = defects.indexOf.find(shape.classId);
                const annotations::Box bounds = annotations::boundsOf(shape);
                if (index != defects.indexOf.end() && bounds.width > 0 && bounds.height > 0) {
                    sample.boxes.push_back({index->second, bounds});
                }
            }
        }
        const bool background =
            !anyShape && (row.classId == 0 || row.classId == defects.goodClassId);
        if (sample.boxes.empty() && !background) {
            ++result.skipped;
            continue;
        }
        sample.label = sample.boxes.empty() ? 0 : 1;
        auto& split = row.split == "train" ? result.data.train
                      : row.split == "val" ? result.data.validation
                                           : result.data.test;
        split.push_back(std::move(sample));
    }
    // The project's order by identity, as loadTrainingData keeps it.
    for (auto* split : {&result.data.train, &result.data.validation, &result.data.test}) {
        std::sort(split->begin(), split->end(),
                  [](const auto& a, const auto& b) { return a.key < b.key; });
    }
    finishTrainingData(project, result, seed, identity, holdoutFraction);
    return result;
}

} // namespace kestrel::runs
