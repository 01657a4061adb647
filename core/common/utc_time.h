#pragma once

#include <string>

namespace kestrel {

// Now as ISO-8601 UTC to the second ("2026-01-31T12:00:00Z"): the form every file Kestrel
// writes for people (metadata.json, reports) carries.
std::string utcNow();

} // namespace kestrel
