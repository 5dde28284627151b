#include "qa/gop_skip.h"

#include <algorithm>
#include <limits>

namespace aiprod::qa {

GopSkipper::GopSkipper(AVStream* st) {
  const AVCodecParameters* p = st->codecpar;
  // avcC extradata (ISO 14496-15): version 1, then the NAL length size in byte 4.
  if (p->codec_id != AV_CODEC_ID_H264 || p->extradata_size < 7 || p->extradata[0] != 1) return;
  nal_length_size_ = (p->extradata[4] & 3) + 1;
  for (int i = 0, n = avformat_index_get_entries_count(st); i < n; ++i) {
    const AVIndexEntry* e = avformat_index_get_entry(st, i);
    if (e != nullptr && (e->flags & AVINDEX_KEYFRAME)) key_dts_.push_back(e->timestamp);
  }
  std::ranges::sort(key_dts_);
  if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0) {
    frame_ticks_ =
        std::max<int64_t>(1, av_rescale_q(1, av_inv_q(st->avg_frame_rate), st->time_base));
  }
  usable_ = key_dts_.size() > 1;
}

bool GopSkipper::IsIdr(const AVPacket* pkt) const {
  const uint8_t* p = pkt->data;
  const uint8_t* end = pkt->data + pkt->size;
  while (end - p > nal_length_size_) {
    uint64_t len = 0;
    for (int i = 0; i < nal_length_size_; ++i) len = (len << 8) | p[i];
    p += nal_length_size_;
    if (len == 0 || len > static_cast<uint64_t>(end - p)) return false;
    if ((p[0] & 0x1f) == 5) return true;  // coded slice of an IDR picture
    p += len;
  }
  return false;
}

int64_t GopSkipper::NextKeyPts(int64_t dts) const {
  auto it = std::ranges::upper_bound(key_dts_, dts);
  if (it == key_dts_.end()) return std::numeric_limits<int64_t>::max();
  // pts >= dts; the largest delay seen plus two frames errs late, which only
  // decodes a little more.
  return *it + key_delay_ + 2 * frame_ticks_;
}

bool GopSkipper::Skip(const AVPacket* pkt, int64_t next_target) {
  if (!usable_ || pkt->dts == AV_NOPTS_VALUE || pkt->pts == AV_NOPTS_VALUE) return false;
  if (pkt->flags & AV_PKT_FLAG_KEY) {
    key_delay_ = std::max(key_delay_, pkt->pts - pkt->dts);
    if (skipping_) {
      // Resume here; a key picture that is not IDR (an open GOP) may refer
      // to what was skipped, so decode everything from now on.
      skipping_ = false;
      if (!IsIdr(pkt)) usable_ = false;
    }
  }
  if (!skipping_ && usable_ && next_target >= NextKeyPts(pkt->dts)) skipping_ = true;
  return skipping_;
}

}  // namespace aiprod::qa
