#include "common/blas_threads.h"

#include <dlfcn.h>

#include <gtest/gtest.h>

namespace kestrel {
namespace {

// LibTorch's OpenBLAS (Debian's libblas.so.3 alternative) would otherwise start a thread per
// core beside LibTorch's own.
TEST(BlasThreads, OpenBlasIsLeftOnTheCallingThread) {
    void* get = dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
    void* set = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (get == nullptr || set == nullptr) {
        GTEST_SKIP() << "this process's BLAS is not OpenBLAS";
    }
    const auto threads = reinterpret_cast<int (*)()>(get);
    reinterpret_cast<void (*)(int)>(set)(2);
    ASSERT_EQ(threads(), 2); // OpenBLAS takes more than one (it caps at its build's maximum)
    keepBlasOnOneThread();
    EXPECT_EQ(threads(), 1);
}

} // namespace
} // namespace kestrel
