// Audio files (music beds) decoded with the FFmpeg libraries and resampled
// to 48 kHz mono float. Pure function; thread-safe; single-threaded
// decoding, so samples are reproducible.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

// At most `max_samples` samples (the rest of the file is not read). Errors
// are kInvalidInput naming `field`: not an audio file, corrupt data.
Result<std::vector<float>> DecodeAudioMono48k(const std::string& path, const std::string& field,
                                              size_t max_samples);

}  // namespace aiprod
