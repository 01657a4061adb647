#include "common/version.h"

namespace kestrel {

// KESTREL_VERSION is defined for this file alone, so a version bump rebuilds one object.
const char* kestrelVersion() {
    return KESTREL_VERSION;
}

} // namespace kestrel
