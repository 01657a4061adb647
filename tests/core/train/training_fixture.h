#pragma once

#include "dataset/importer.h"
#include "left_right_images.h"
#include "project/project.h"
#include "temp_dir.h"

namespace kestrel::testing {

// A project holding the left/right task of left_right_images.h, imported with its splits.
inline Project makeLeftRightProject(const TempDir& dir, int perClass = 48) {
    writeLeftRightImages(dir / "source", perClass);
    Project project = Project::create(dir / "project");
    dataset::importSource(project, dir / "source", {});
    return project;
}

} // namespace kestrel::testing
