// Transitions between two drawn frames, on yuv420p planes. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>

#include "model/manifest.h"
#include "render/geometry.h"
#include "render/pixel_convert.h"

namespace aiprod {

// `out` holds the outgoing scene's frame and `top` the incoming one's (both
// width x height, even). Composites step k of n (0 <= k < n; k = 0 shows the
// outgoing scene alone) of transition `t` into `out`, inside `canvas` (the
// canvas rectangle; outside it both frames are the same black).
//  - crossfade: out = out*(1-k/n) + top*k/n;
//  - wipe: `top` is revealed behind an edge that travels across the canvas
//    in t.direction (kLeft: from the right edge to the left one);
//  - slide: `top` moves in over `out`, travelling in t.direction (kLeft: it
//    enters from the right), offset by round((1-k/n) * canvas size).
// Edges and offsets are rounded to even pixels (whole chroma samples).
void ComposeTransition(const Transition& t, int64_t k, int64_t n, const Yuv420View& top,
                       const Yuv420Planes& out, const PixelRect& canvas, int width, int height);

}  // namespace aiprod
