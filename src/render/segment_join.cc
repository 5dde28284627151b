#include "render/segment_join.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

#include "media/av_handles.h"
#include "render/mp4_writer.h"

namespace aiprod {
namespace {

Result<av::InputFormatPtr> OpenInput(const std::string& path, AVCodecID codec,
                                     std::string_view what) {
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) {
    return Fail(ErrorCode::kIo,
                "cannot read " + std::string(what) + " " + path + ": " + av::ErrorText(err));
  }
  av::InputFormatPtr in(raw);
  if (in->nb_streams != 1 || in->streams[0]->codecpar->codec_id != codec) {
    return Fail(ErrorCode::kInternal, std::string(what) + " " + path + " is not one " +
                                          avcodec_get_name(codec) + " stream");
  }
  return in;
}

Result<av::InputFormatPtr> OpenSegment(const std::string& path) {
  return OpenInput(path, AV_CODEC_ID_H264, "segment");
}

// The soundtrack's packets, read on demand in decoding order.
class AudioSource {
 public:
  static Result<AudioSource> Open(const std::string& path) {
    AudioSource s;
    AIPROD_ASSIGN(s.in_, OpenInput(path, AV_CODEC_ID_AAC, "soundtrack"));
    // The MP4 demuxer does not report AAC's frame size without probing
    // packets; the muxer wants it. AAC-LC frames are 1024 samples.
    AVCodecParameters& par = *s.in_->streams[0]->codecpar;
    if (par.frame_size == 0) par.frame_size = 1024;
    s.pkt_.reset(av_packet_alloc());
    if (!s.pkt_) return Fail(ErrorCode::kInternal, "out of memory");
    s.path_ = path;
    return s;
  }
  const AVStream& stream() const { return *in_->streams[0]; }

  // Writes the packets that start before `until` (seconds; all when
  // infinite) to `out`.
  Status WriteUntil(double until, Mp4Writer& out) {
    const AVRational tb = stream().time_base;
    for (;;) {
      if (!pending_) {
        if (done_) return {};
        int err = av_read_frame(in_.get(), pkt_.get());
        if (err == AVERROR_EOF) {
          done_ = true;
          return {};
        }
        if (err < 0) return Fail(ErrorCode::kIo, "reading " + path_ + ": " + av::ErrorText(err));
        pending_ = true;
      }
      if (pkt_->pts != AV_NOPTS_VALUE && static_cast<double>(pkt_->pts) * av_q2d(tb) >= until) {
        return {};
      }
      Status st = out.WriteAudioPacket(pkt_.get());
      av_packet_unref(pkt_.get());
      pending_ = false;
      AIPROD_TRY(st);
    }
  }

 private:
  av::InputFormatPtr in_;
  av::PacketPtr pkt_;
  std::string path_;
  bool pending_ = false, done_ = false;
};

bool SameExtradata(const AVCodecParameters& a, const AVCodecParameters& b) {
  return a.extradata_size == b.extradata_size && a.width == b.width && a.height == b.height &&
         (a.extradata_size == 0 ||
          std::memcmp(a.extradata, b.extradata, static_cast<size_t>(a.extradata_size)) == 0);
}

}  // namespace

bool SegmentLooksValid(const std::string& path, int64_t frames, int width, int height) {
  auto in = OpenSegment(path);
  if (!in) return false;
  const AVStream* st = (*in)->streams[0];
  return st->nb_frames == frames && st->codecpar->width == width &&
         st->codecpar->height == height && st->codecpar->extradata_size > 0;
}

Status JoinSegments(const std::vector<JoinPart>& parts, const std::string& soundtrack, int fps,
                    const std::string& out_path, const std::atomic<bool>* cancel) {
  if (parts.empty()) return Fail(ErrorCode::kInternal, "no segments to join");
  AIPROD_ASSIGN(av::InputFormatPtr first, OpenSegment(parts.front().path));
  const AVCodecParameters& params = *first->streams[0]->codecpar;
  AIPROD_ASSIGN(AudioSource audio, AudioSource::Open(soundtrack));
  AIPROD_ASSIGN(auto writer, Mp4Writer::Open(out_path, params, fps, *audio.stream().codecpar,
                                             audio.stream().time_base));
  av::PacketPtr pkt(av_packet_alloc());
  if (!pkt) return Fail(ErrorCode::kInternal, "out of memory");
  const AVRational frame_tb{1, fps};
  int64_t last_dts = INT64_MIN;
  int64_t expected_begin = 0;
  for (const JoinPart& part : parts) {
    if (cancel != nullptr && cancel->load()) return Fail(ErrorCode::kCancelled, "render cancelled");
    if (part.begin != expected_begin) {
      return Fail(ErrorCode::kInternal, "segments do not cover the timeline contiguously");
    }
    expected_begin = part.begin + part.frames;
    AIPROD_ASSIGN(av::InputFormatPtr in, OpenSegment(part.path));
    const AVStream* st = in->streams[0];
    if (!SameExtradata(params, *st->codecpar)) {
      return Fail(ErrorCode::kInternal,
                  "segment " + part.path + " was encoded with other parameters");
    }
    int64_t count = 0;
    for (;;) {
      int err = av_read_frame(in.get(), pkt.get());
      if (err == AVERROR_EOF) break;
      if (err < 0) {
        return Fail(ErrorCode::kIo, "reading segment " + part.path + ": " + av::ErrorText(err));
      }
      av_packet_rescale_ts(pkt.get(), st->time_base, frame_tb);
      pkt->pts += part.begin;
      pkt->dts += part.begin;
      // Decoding order must keep increasing across segment boundaries.
      if (pkt->dts <= last_dts) pkt->dts = last_dts + 1;
      if (pkt->dts > pkt->pts) {
        av_packet_unref(pkt.get());
        return Fail(ErrorCode::kInternal, "segment " + part.path + " has reordered timestamps");
      }
      last_dts = pkt->dts;
      const double frame_end = static_cast<double>(std::max<int64_t>(0, pkt->dts + 1)) / fps;
      ++count;
      Status st_write = writer->WriteVideoPacket(pkt.get());
      av_packet_unref(pkt.get());
      AIPROD_TRY(st_write);
      AIPROD_TRY(audio.WriteUntil(frame_end, *writer));
    }
    if (count != part.frames) {
      return Fail(ErrorCode::kInternal, "segment " + part.path + " holds " + std::to_string(count) +
                                            " frames, not " + std::to_string(part.frames));
    }
  }
  AIPROD_TRY(audio.WriteUntil(std::numeric_limits<double>::infinity(), *writer));
  return writer->Finish();
}

}  // namespace aiprod
