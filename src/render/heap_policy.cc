#include "render/heap_policy.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace aiprod {

void RetainFreedHeap(int retain_mb) {
  static std::once_flag once;
  std::call_once(once, [retain_mb] {
#if defined(__GLIBC__)
    if (retain_mb <= 0) return;
    // 32 MB is glibc's largest mmap threshold on 64-bit systems; setting
    // either value also stops glibc from adjusting them on its own.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, retain_mb << 20);
#else
    (void)retain_mb;
#endif
  });
}

}  // namespace aiprod
