#pragma once

#include "loader/loader_options.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kestrel::loader {

// The sample indices one epoch serves, in order. Depends only on the labels, the options'
// shuffle/classBalanced/seed and the epoch number, never on threads or timing:
// - neither: 0, 1, ..., N-1;
// - shuffle: a permutation seeded by (seed, epoch);
// - classBalanced: N draws with replacement, each picking a class uniformly among those
//   present and then a sample of that class uniformly (weights 1 / class size).
std::vector<std::size_t> epochOrder(const std::vector<LoaderSample>& samples,
                                    const LoaderOptions& options, std::int64_t epoch);

// The positions in `epochOrder` that rank `shard.index` of `shard.count` serves, in order.
// The order is cut into global batches of batchSize x count positions; the rank takes the
// index-th run of batchSize positions from each, and the positions of an incomplete last
// global batch go to no rank. So every position goes to at most one rank, every rank gets
// the same number of batches, and the ranks' batches together are the batches that one
// process drawing batchSize x count at a time (dropping its last, smaller batch) trains on.
std::vector<std::size_t> shardPositions(std::size_t orderSize, std::size_t batchSize,
                                        const Shard& shard);

// The positions rank `shard.index` of `shard.count` serves of an epoch that keeps its last,
// smaller batch (evaluation): the order is cut into batches of batchSize, as one process
// reads it, and the rank takes batches index, index + count, index + 2 x count, ... So every
// position goes to exactly one rank, in the very batch one process would read it in (a
// batch's figures, such as a loss averaged over it, stay the same); a rank may serve one
// batch more than another, or none.
std::vector<std::size_t> wholeBatchShardPositions(std::size_t orderSize, std::size_t batchSize,
                                                  const Shard& shard);

} // namespace kestrel::loader
