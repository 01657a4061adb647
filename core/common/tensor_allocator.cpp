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
        // glibc's largest mmap threshold (32 MiB on 64-bit): blocks below it come from the
        // heap; larger ones (big images at large batch sizes) cost little next to their math.
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        // Keep up to 1 GiB free at the top of the heap rather than trimming it after each
        // step, and grow it in 64 MiB steps.
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
        mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    });
#endif
}

} // namespace kestrel
