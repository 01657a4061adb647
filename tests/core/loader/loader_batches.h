#pragma once

// What the batch loader's tests share: one epoch's batches, their sample indices in order,
// and batch-by-batch equality.
#include "loader/batch_loader.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace kestrel::loader {

inline std::vector<Batch> epochBatches(BatchLoader& loader, std::int64_t number) {
    loader.startEpoch(number);
    std::vector<Batch> batches;
    while (auto batch = loader.next()) {
        batches.push_back(std::move(*batch));
    }
    return batches;
}

inline std::vector<std::size_t> batchIndices(const std::vector<Batch>& batches) {
    std::vector<std::size_t> indices;
    for (const Batch& batch : batches) {
        indices.insert(indices.end(), batch.indices.begin(), batch.indices.end());
    }
    return indices;
}

inline void expectSameBatches(const std::vector<Batch>& a, const std::vector<Batch>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].indices, b[i].indices) << "batch " << i;
        EXPECT_TRUE(a[i].images.equal(b[i].images)) << "batch " << i;
        EXPECT_TRUE(a[i].labels.equal(b[i].labels)) << "batch " << i;
        ASSERT_EQ(a[i].masks.defined(), b[i].masks.defined()) << "batch " << i;
        if (a[i].masks.defined()) {
            EXPECT_TRUE(a[i].masks.equal(b[i].masks)) << "batch " << i;
        }
    }
}

} // namespace kestrel::loader
