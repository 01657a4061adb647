#pragma once

#include "tasks/evaluation_share.h"

#include <string>

namespace kestrel::tasks {

// An EvaluationShare as bytes and back, exactly (doubles and floats bit for bit), for the
// ranks of a data-parallel run to swap through the c10d store. Native byte order and sizes:
// every rank runs the same build. About 40 bytes a sample, plus the pixel matrix and areas
// of a per-pixel task's image and 50 bytes a detection box.
std::string toBytes(const EvaluationShare& share);
// Throws kestrel::Error (Corrupt) for bytes that toBytes did not write.
EvaluationShare shareFromBytes(const std::string& bytes);

} // namespace kestrel::tasks
