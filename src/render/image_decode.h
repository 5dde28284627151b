// Still pictures (PNG, JPEG, WebP; also BMP and TIFF) decoded with the FFmpeg
// libraries into premultiplied ARGB32, scaled with Cairo. Pure functions;
// thread-safe. Decoding is single-threaded, so pixels are reproducible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace aiprod {

struct ImageInfo {
  int width = 0, height = 0;
};

// Premultiplied ARGB32 in Cairo's native-endian layout, rows `stride` bytes apart.
struct ArgbImage {
  int width = 0, height = 0, stride = 0;
  std::vector<uint32_t> pixels;
};

// Reads the header. kInvalidInput naming `field` when the file is not a
// picture of a supported format, or is larger than 16384 px a side or
// `max_pixels`.
Result<ImageInfo> ProbeImage(const std::string& path, const std::string& field, int64_t max_pixels);

// Decodes the picture and scales it to exactly width x height. Errors name
// `field` (corrupt data: kInvalidInput).
Result<ArgbImage> DecodeImage(const std::string& path, const std::string& field, int width,
                              int height);

}  // namespace aiprod
