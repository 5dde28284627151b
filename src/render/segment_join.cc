#include "render/segment_join.h"

#include <algorithm>
#include <cstring>

#include "media/av_handles.h"
#include "render/mp4_writer.h"
#include "render/speech.h"

namespace aiprod {
namespace {

Result<av::InputFormatPtr> OpenSegment(const std::string& path) {
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) {
    return Fail(ErrorCode::kIo, "cannot read segment " + path + ": " + av::ErrorText(err));
  }
  av::InputFormatPtr in(raw);
  if (in->nb_streams != 1 || in->streams[0]->codecpar->codec_id != AV_CODEC_ID_H264) {
    return Fail(ErrorCode::kInternal, "segment " + path + " is not one H.264 stream");
  }
  return in;
}

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

Status JoinSegments(const std::vector<JoinPart>& parts, std::span<const float> audio, int fps,
                    int audio_bitrate_kbps, const std::string& out_path,
                    const std::atomic<bool>* cancel) {
  if (parts.empty()) return Fail(ErrorCode::kInternal, "no segments to join");
  AIPROD_ASSIGN(av::InputFormatPtr first, OpenSegment(parts.front().path));
  const AVCodecParameters& params = *first->streams[0]->codecpar;
  AIPROD_ASSIGN(auto writer, Mp4Writer::Open(out_path, params, fps, audio_bitrate_kbps));
  av::PacketPtr pkt(av_packet_alloc());
  if (!pkt) return Fail(ErrorCode::kInternal, "out of memory");
  const AVRational frame_tb{1, fps};
  size_t audio_written = 0;
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
      const int64_t frame_end = std::max<int64_t>(0, pkt->dts + 1);
      ++count;
      Status st_write = writer->WriteVideoPacket(pkt.get());
      av_packet_unref(pkt.get());
      AIPROD_TRY(st_write);
      auto audio_end = static_cast<size_t>((frame_end * kAudioSampleRate + fps / 2) / fps);
      audio_end = std::min(audio_end, audio.size());
      if (audio_end > audio_written) {
        AIPROD_TRY(writer->WriteAudio(audio.subspan(audio_written, audio_end - audio_written)));
        audio_written = audio_end;
      }
    }
    if (count != part.frames) {
      return Fail(ErrorCode::kInternal, "segment " + part.path + " holds " + std::to_string(count) +
                                            " frames, not " + std::to_string(part.frames));
    }
  }
  if (audio_written < audio.size()) AIPROD_TRY(writer->WriteAudio(audio.subspan(audio_written)));
  return writer->Finish();
}

}  // namespace aiprod
