#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kestrel {
class Project;
}

namespace kestrel::demo {

// How many images of each class the demo project gets.
constexpr int kDemoImagesPerClass = 60;

// The classes of the demo dataset: defect-free parts and three kinds of defect, in the
// order of demo::Defect (demo_part.h).
const std::vector<std::string>& demoClasses();

// Writes `perClass` generated images of brushed-metal surfaces for each demo class into
// `folder`/<class>/ (an image-folder layout), 128x128 grayscale PNGs. The same seed gives
// the same images. Returns the number of files written.
std::size_t writeDemoImages(const std::filesystem::path& folder, int perClass,
                            std::uint64_t seed = 7);

// Fills `project` with the demo images (written to <project>/data/demo-surfaces) so there is
// something to label, train and export without finding data first. Returns the samples
// added. The command line's `init --demo` and the window's demo project share it.
std::size_t addDemoData(Project& project);

} // namespace kestrel::demo
