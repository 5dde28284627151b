// Decoding helpers shared by the QA probes: owning handles for FFmpeg input
// objects and a loop that decodes chosen streams of a file.
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
#include "qa/probe.h"

namespace aiprod::qa {

struct InputDeleter {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using InputPtr = std::unique_ptr<AVFormatContext, InputDeleter>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

std::string AvErrorText(int err);

// Opens `path` and reads its stream information. kNotFound when the file
// does not exist, kInvalidInput when libavformat cannot read it.
Result<InputPtr> OpenInput(const std::string& path);

// A decoder for the best stream of `type`; stream == -1 when there is none.
struct Decoder {
  int stream = -1;
  CodecPtr ctx;
};
Result<Decoder> OpenDecoder(AVFormatContext* fmt, AVMediaType type);

// Decodes the packets of every decoder's stream, in file order, then flushes
// the decoders; `on_frame(decoder_index, frame)` returns false to stop early.
Status DecodeStreams(AVFormatContext* fmt, std::span<Decoder* const> decoders,
                     const std::function<bool(size_t, const AVFrame*)>& on_frame);

// Converts a decoded picture to full-range RGB with its colour matrix.
// `cache` keeps the conversion context between calls with the same geometry.
Result<RgbImage> FrameToRgb(const AVFrame* frame, SwsPtr& cache);

}  // namespace aiprod::qa
