#include "common/tensor_allocator.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kestrel {

void keepFreedTensorMemory() {
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        // Activations of a batch of 16 at 224 px reach 50 MiB (a ResNet's stem), and mapping
        // those afresh per batch cost a quarter of a CPU anomaly fit's feature pass; 256 MiB
        // keeps them in the heap. A glibc that refuses so high a threshold keeps its largest,
        // 32 MiB.
        if (mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024) == 0) {
            mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        }
        // Keep up to 1 GiB free at the top of the heap rather than trimming it after each
        // step, and grow it in 64 MiB steps.
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
        mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    });
#endif
}

} // namespace kestrel
