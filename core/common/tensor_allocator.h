#pragma once

namespace kestrel {

// Makes glibc's malloc keep freed tensor memory for reuse instead of handing it back to the
// kernel. By default every block over 128 KiB is a fresh mmap, so each training step of a
// CPU model faults in (and zeroes) every activation again: on a 2-core machine that was a
// third of the step's time. Process-wide and idempotent; a no-op on other C libraries.
void keepFreedTensorMemory();

} // namespace kestrel
