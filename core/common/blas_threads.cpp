#include "common/blas_threads.h"

#include <dlfcn.h>

namespace kestrel {

void keepBlasOnOneThread() {
    // Looked up rather than linked: LibTorch reaches BLAS through Debian's libblas.so.3
    // alternative, which may be OpenBLAS, BLIS or the reference BLAS.
    using SetThreads = void (*)(int);
    void* symbol = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (symbol != nullptr) {
        reinterpret_cast<SetThreads>(symbol)(1);
    }
}

} // namespace kestrel
