#pragma once

#include "annotations/shape.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::dataset {

// A mask kept as an image file (MVTec's ground truth) as RLE: any non-zero pixel is set.
// Throws kestrel::Error naming the file when it cannot be decoded.
annotations::RleMask readMaskFile(const std::filesystem::path& file);

// Each mask of `shapes` kept as a file gets its pixels as RLE and no file, so it can be
// drawn, edited (an edit then stores the RLE in the project) or exported like a drawn one.
// A file that cannot be read stays a file; its sentence is appended to `problems`.
void readMaskFiles(const Project& project, std::vector<annotations::Shape>& shapes,
                   std::vector<std::string>& problems);

} // namespace kestrel::dataset
