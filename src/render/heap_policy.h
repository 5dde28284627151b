// How the process's heap treats the memory a render frees.
#pragma once

namespace aiprod {

// Each segment opens its own x264 encoder (about 160 MB at 1080p) and frees
// it at the segment's end. With glibc's defaults that memory goes back to
// the system (large blocks are separate mmaps; the heap top is trimmed), and
// the next encoder faults it in again: about 40,000 page faults on ref10,
// 0.3 s of system time. Keeping up to `retain_mb` of freed heap lets the next
// encoder reuse it: blocks below 32 MB come from the heap, and the heap is
// trimmed only above `retain_mb` of free memory at its top.
// Process-wide and applied once (the first call's value); 0 keeps glibc's
// defaults. A no-op elsewhere than glibc. RenderVideo calls it when it
// encodes one segment at a time: parallel encoders on their own threads
// (glibc arenas) would each keep their freed memory, past the budget.
void RetainFreedHeap(int retain_mb);

}  // namespace aiprod
