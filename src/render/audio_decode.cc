#include "render/audio_decode.h"

#include <algorithm>

#include "media/av_handles.h"
#include "render/speech.h"

namespace aiprod {

Result<std::vector<float>> DecodeAudioMono48k(const std::string& path, const std::string& field,
                                              size_t max_samples) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) {
    return Invalid(field, "is not a readable audio file");
  }
  av::InputFormatPtr fmt(raw);
  if (avformat_find_stream_info(fmt.get(), nullptr) < 0) {
    return Invalid(field, "is not a readable audio file");
  }
  const int s = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (s < 0) return Invalid(field, "has no audio stream");
  const AVCodecParameters* par = fmt->streams[s]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) return Invalid(field, "uses an audio codec FFmpeg cannot decode");
  av::CodecContextPtr dec(avcodec_alloc_context3(codec));
  if (!dec || avcodec_parameters_to_context(dec.get(), par) < 0) {
    return Fail(ErrorCode::kInternal, "cannot set up an audio decoder");
  }
  dec->thread_count = 1;
  if (avcodec_open2(dec.get(), codec, nullptr) < 0) return Invalid(field, "cannot be decoded");

  SwrContext* swr_raw = nullptr;
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  AVChannelLayout in_layout;
  if (dec->ch_layout.nb_channels > 0) {
    av_channel_layout_copy(&in_layout, &dec->ch_layout);
  } else {
    av_channel_layout_default(&in_layout, 2);
  }
  int err = swr_alloc_set_opts2(&swr_raw, &mono, AV_SAMPLE_FMT_FLT, kAudioSampleRate, &in_layout,
                                dec->sample_fmt, dec->sample_rate, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  av::SwrPtr swr(swr_raw);
  if (err < 0 || swr_init(swr.get()) < 0) return Invalid(field, "has an unusable audio format");

  std::vector<float> out;
  av::PacketPtr pkt(av_packet_alloc());
  av::FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return Fail(ErrorCode::kInternal, "out of memory");
  auto convert = [&](const uint8_t** in, int count) -> Status {
    const int room = swr_get_out_samples(swr.get(), count);
    if (room <= 0) return {};
    const size_t at = out.size();
    out.resize(at + static_cast<size_t>(room));
    auto* dst = reinterpret_cast<uint8_t*>(out.data() + at);
    const int got = swr_convert(swr.get(), &dst, room, in, count);
    if (got < 0) return Invalid(field, "cannot be resampled");
    out.resize(at + static_cast<size_t>(got));
    return {};
  };
  bool flushing = false;
  while (out.size() < max_samples) {
    err = avcodec_receive_frame(dec.get(), frame.get());
    if (err == 0) {
      AIPROD_TRY(convert(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples));
      continue;
    }
    if (err == AVERROR_EOF) break;
    if (err != AVERROR(EAGAIN)) return Invalid(field, "is corrupt (" + av::ErrorText(err) + ")");
    if (flushing) break;
    err = av_read_frame(fmt.get(), pkt.get());
    if (err < 0) {
      avcodec_send_packet(dec.get(), nullptr);
      flushing = true;
      continue;
    }
    if (pkt->stream_index == s) err = avcodec_send_packet(dec.get(), pkt.get());
    av_packet_unref(pkt.get());
    if (err < 0 && err != AVERROR(EAGAIN) && err != AVERROR_INVALIDDATA) {
      return Invalid(field, "is corrupt (" + av::ErrorText(err) + ")");
    }
  }
  AIPROD_TRY(convert(nullptr, 0));  // the resampler's delay line
  if (out.empty()) return Invalid(field, "holds no audio");
  if (out.size() > max_samples) out.resize(max_samples);
  return out;
}

}  // namespace aiprod
