#include "loader/epoch_order.h"

#include "imaging/random.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

namespace kestrel::loader {

namespace {

constexpr std::uint64_t kOrderStream = 0x6f72646572; // keeps order and augment seeds apart

std::vector<std::size_t> balancedDraws(const std::vector<LoaderSample>& samples,
                                       imaging::Random& random) {
    std::map<std::int64_t, std::vector<std::size_t>> byClass;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        byClass[samples[i].label].push_back(i);
    }
    std::vector<const std::vector<std::size_t>*> classes;
    for (const auto& entry : byClass) {
        classes.push_back(&entry.second);
    }
    std::vector<std::size_t> order(samples.size());
    for (std::size_t& index : order) {
        const auto& members = *classes[imaging::below(random, classes.size())];
        index = members[imaging::below(random, members.size())];
    }
    return order;
}

} // namespace

std::vector<std::size_t> epochOrder(const std::vector<LoaderSample>& samples,
                                    const LoaderOptions& options, std::int64_t epoch) {
    imaging::Random random(
        imaging::mixSeed(options.seed, static_cast<std::uint64_t>(epoch), kOrderStream));
    if (options.classBalanced && !samples.empty()) {
        return balancedDraws(samples, random);
    }
    std::vector<std::size_t> order(samples.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (options.shuffle) {
        // Fisher-Yates with our own uniform draw: the same order on every standard library.
        for (std::size_t i = order.size(); i > 1; --i) {
            std::swap(order[i - 1], order[imaging::below(random, i)]);
        }
    }
    return order;
}

std::vector<std::size_t> shardPositions(std::size_t orderSize, std::size_t batchSize,
                                        const Shard& shard) {
    const auto count = static_cast<std::size_t>(shard.count);
    const auto index = static_cast<std::size_t>(shard.index);
    const std::size_t globalBatch = batchSize * count;
    const std::size_t globalBatches = globalBatch == 0 ? 0 : orderSize / globalBatch;
    std::vector<std::size_t> positions;
    positions.reserve(globalBatches * batchSize);
    for (std::size_t batch = 0; batch < globalBatches; ++batch) {
        const std::size_t first = batch * globalBatch + index * batchSize;
        for (std::size_t i = 0; i < batchSize; ++i) {
            positions.push_back(first + i);
        }
    }
    return positions;
}

std::vector<std::size_t> wholeBatchShardPositions(std::size_t orderSize, std::size_t batchSize,
                                                  const Shard& shard) {
    const auto count = static_cast<std::size_t>(shard.count);
    std::vector<std::size_t> positions;
    if (batchSize == 0) {
        return positions;
    }
    for (std::size_t first = static_cast<std::size_t>(shard.index) * batchSize; first < orderSize;
         first += batchSize * count) {
        for (std::size_t position = first; position < std::min(first + batchSize, orderSize);
             ++position) {
            positions.push_back(position);
        }
    }
    return positions;
}

} // namespace kestrel::loader
