#include "imaging/random.h"

namespace kestrel::imaging {

namespace {

std::uint64_t splitMix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace

std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b) {
    return splitMix(splitMix(a) ^ (b + 0x632be59bd9b4e019ULL));
}

double uniform(Random& random, double low, double high) {
    const double unit = static_cast<double>(random() >> 11) * 0x1.0p-53; // 53 bits -> [0, 1)
    return low + (high - low) * unit;
}

std::uint64_t below(Random& random, std::uint64_t count) {
    // Rejection keeps the draw exactly uniform when count does not divide 2^64.
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % count);
    std::uint64_t value = random();
    while (value >= limit) {
        value = random();
    }
    return value % count;
}

bool chance(Random& random, double probability) {
    if (probability <= 0.0) {
        return false;
    }
    // Draw even when certain, so turning a probability from 0.9 to 1.0 shifts no later draw.
    const bool hit = uniform(random, 0.0, 1.0) < probability;
    return probability >= 1.0 || hit;
}

} // namespace kestrel::imaging
