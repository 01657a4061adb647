#pragma once

namespace kestrel {

// Keeps OpenBLAS, which Debian's LibTorch does some of its matrix products in, on the calling
// thread. Its own threads (one per core) otherwise compete with LibTorch's OpenMP threads for
// the same cores, both spinning while they wait: a U-Net epoch on two cores took 1.5 times as
// long, and `--threads 1` still used two. Process-wide; a no-op when the process's BLAS is
// not OpenBLAS.
void keepBlasOnOneThread();

} // namespace kestrel
