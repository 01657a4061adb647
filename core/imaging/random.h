#pragma once

#include <cstdint>
#include <random>

namespace kestrel::imaging {

// Seeds and draws that give the same numbers on every standard library: std::shuffle and
// the std:: distributions are implementation-defined, the engine is not.
using Random = std::mt19937_64;

// Mixes values into one well-spread 64-bit seed (SplitMix64 finaliser, chained).
std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b);
inline std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    return mixSeed(mixSeed(a, b), c);
}

// A uniform double in [low, high).
double uniform(Random& random, double low, double high);
// A uniform integer in [0, count); count must be positive.
std::uint64_t below(Random& random, std::uint64_t count);
// True with the given probability (0 never draws true, 1 always does).
bool chance(Random& random, double probability);

} // namespace kestrel::imaging
