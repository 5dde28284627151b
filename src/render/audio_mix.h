// The soundtrack: narration placed on the output timeline, optional
// background music ducked under it, an optional test tone, then EBU R128
// loudness normalisation with a true-peak ceiling.
//
// The track is one 48 kHz mono channel (the output's two channels are equal):
// 192 KB per second of video. Loudness is measured as dual mono, which equals
// the measurement of the stereo output. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/error.h"
#include "model/manifest.h"
#include "render/assets.h"
#include "render/settings.h"
#include "render/timeline.h"

namespace aiprod {

// Where one scene's speech sits, in samples of the output timeline.
struct NarrationClip {
  size_t scene = 0;
  int64_t start = 0, end = 0;  // [start, end), clipped to the track
};

struct AudioTrack {
  std::vector<float> mono;  // 48 kHz, as long as the video
  std::vector<NarrationClip> clips;
};

// The checks of MixAudio that need no synthesis or decoding: narration
// start times within their scenes, the tone's parameters, the music asset
// resolving inside the asset directory. Errors name the field.
Status CheckAudio(const Manifest& m, AssetResolver& assets);

// Speech for every scene with narration (voice: Manifest::voice, else the
// language's espeak-ng voice; rate and pitch: the narration's, else the
// manifest's voice_rate_wpm/voice_pitch, else `settings`) starting at the
// scene's start + narration.start_s; the music bed (audio.music, resolved
// through `assets`) with its gain, fades and ducking; audio.tone if set.
// Errors name the field (`scenes[1].narration.start_s`, `voice`,
// `audio.music.asset`).
Result<AudioTrack> MixAudio(const Manifest& m, const Timeline& timeline,
                            const RenderSettings& settings, AssetResolver& assets);

// The music gain over time, linear, per sample of a track of `total`
// samples: `volume_db`, lowered by `duck_db` around each clip (from 0.15 s
// before it starts to 0.3 s after it ends, ramping over 0.1 s down and
// 0.4 s up), with fades at the ends.
std::vector<float> MusicGain(const Music& music, const std::vector<NarrationClip>& clips,
                             size_t total);

// Applies gain (and, only where needed, look-ahead peak limiting) so that the
// integrated loudness is `target_lufs` and the true peak stays at or below
// `ceiling_dbtp`. A silent track is left unchanged. kCancelled (the track
// left as it was) when `stopped` returns true; it is asked every 4096
// samples of each measuring pass and may be empty.
Status NormalizeLoudness(std::vector<float>& mono, double target_lufs, double ceiling_dbtp,
                         const std::function<bool()>& stopped = {});

// Integrated loudness in LUFS of the track as dual mono; -inf when silent.
Result<double> IntegratedLoudness(std::span<const float> mono);
// True peak in dBTP (4x oversampled); -inf when silent.
Result<double> TruePeakDbtp(std::span<const float> mono);

}  // namespace aiprod
