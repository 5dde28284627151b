// Joining encoded segments into the final MP4 without re-encoding: packets
// are copied in order with their timestamps moved to the segment's place,
// and the soundtrack's packets (soundtrack.h) are interleaved with them.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct JoinPart {
  std::string path;    // a segment written by SegmentWriter
  int64_t begin = 0;   // its first output frame
  int64_t frames = 0;  // its length in frames
};

// Writes `out_path` from `parts` (in order, contiguous from frame 0) and the
// encoded `soundtrack`. Fails with kInternal when the segments' parameter
// sets differ (they were encoded with different options) or a segment does
// not hold the frames it should; kCancelled when `cancel` becomes true.
Status JoinSegments(const std::vector<JoinPart>& parts, const std::string& soundtrack, int fps,
                    const std::string& out_path, const std::atomic<bool>* cancel);

// True when `path` is a readable segment of `frames` H.264 frames at
// width x height (a cache entry worth using).
bool SegmentLooksValid(const std::string& path, int64_t frames, int width, int height);

}  // namespace aiprod
