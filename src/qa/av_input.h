// Decoding helpers shared by the QA probes: opening a file and its decoders
// and a loop that decodes chosen streams of it (handles: media/av_handles.h).
// Not thread-safe per object; separate objects may be used concurrently.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "core/error.h"
#include "media/av_handles.h"
#include "qa/probe.h"

namespace aiprod::qa {

// Opens `path` and reads its stream information. kNotFound when the file
// does not exist, kInvalidInput when libavformat cannot read it.
Result<av::InputFormatPtr> OpenInput(const std::string& path);

// A decoder for the best stream of `type`; stream == -1 when there is none.
struct Decoder {
  int stream = -1;
  av::CodecContextPtr ctx;
};
Result<Decoder> OpenDecoder(AVFormatContext* fmt, AVMediaType type);

// Decodes the packets of every decoder's stream, in file order, then flushes
// the decoders; `on_frame(decoder_index, frame)` returns false to stop early.
Status DecodeStreams(AVFormatContext* fmt, std::span<Decoder* const> decoders,
                     const std::function<bool(size_t, const AVFrame*)>& on_frame);

// Converts a decoded picture to full-range RGB with its colour matrix.
// `cache` keeps the conversion context between calls with the same geometry.
Result<RgbImage> FrameToRgb(const AVFrame* frame, av::SwsPtr& cache);

}  // namespace aiprod::qa
