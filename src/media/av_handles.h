// Owning handles for FFmpeg objects, shared by the renderer and QA: each frees
// its object with the matching libav call when it goes out of scope. Not
// thread-safe (like the objects).
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aiprod::av {

struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct SwrDeleter {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
// An output context owns its AVIOContext (opened with avio_open).
struct OutputFormatDeleter {
  void operator()(AVFormatContext* f) const {
    if (f->pb && !(f->oformat->flags & AVFMT_NOFILE)) avio_closep(&f->pb);
    avformat_free_context(f);
  }
};
struct InputFormatDeleter {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};

using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;

inline std::string ErrorText(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

// An internal error naming the failed libav call.
inline std::unexpected<Error> AvFail(std::string_view what, int err) {
  return Fail(ErrorCode::kInternal, std::string(what) + ": " + ErrorText(err));
}

// A bit-exact MP4 output context for `path` (no version strings or times in
// the file); add its streams, then StartOutput.
inline Result<OutputFormatPtr> NewMp4Output(const std::string& path) {
  AVFormatContext* raw = nullptr;
  int err = avformat_alloc_output_context2(&raw, nullptr, "mp4", path.c_str());
  if (err < 0 || raw == nullptr) return AvFail("avformat_alloc_output_context2", err);
  OutputFormatPtr fmt(raw);
  fmt->flags |= AVFMT_FLAG_BITEXACT;
  return fmt;
}

// Creates the file and writes the header; `movflags` (e.g. "+faststart")
// may be empty.
inline Status StartOutput(AVFormatContext* fmt, const std::string& path,
                          std::string_view movflags = {}) {
  int err = avio_open(&fmt->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (err < 0) return Fail(ErrorCode::kIo, "cannot create " + path + ": " + ErrorText(err));
  AVDictionary* opts = nullptr;
  if (!movflags.empty()) av_dict_set(&opts, "movflags", std::string(movflags).c_str(), 0);
  err = avformat_write_header(fmt, &opts);
  av_dict_free(&opts);
  if (err < 0) return AvFail("avformat_write_header", err);
  return {};
}

// Writes the trailer of an output file and closes it; kIo naming `what`
// ("a segment", "the video file") on failure.
inline Status FinishOutput(AVFormatContext* fmt, std::string_view what) {
  int err = av_write_trailer(fmt);
  if (err < 0)
    return Fail(ErrorCode::kIo, "finishing " + std::string(what) + ": " + ErrorText(err));
  err = avio_closep(&fmt->pb);
  if (err < 0) return Fail(ErrorCode::kIo, "closing " + std::string(what) + ": " + ErrorText(err));
  return {};
}

}  // namespace aiprod::av
