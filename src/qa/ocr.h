// Reading the text in pictures with Tesseract (LSTM models from Debian's
// tesseract-ocr-<lang> packages), offline.
//
// Tesseract parallelises with OpenMP, which on a busy machine is several
// times slower than one thread, and OpenMP only honours OMP_THREAD_LIMIT read
// when the process starts. So unless this process already runs with
// OMP_THREAD_LIMIT set, an OcrReader talks to a helper: this executable re-run
// (/proc/self/exe, caught before main() by a constructor in ocr.cc) with
// OMP_THREAD_LIMIT=1, which loads the model once and then reads pictures one
// request at a time for as long as the reader lives.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "qa/probe.h"

namespace aiprod {

struct GreyImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // rows packed, top row first
};
GreyImage ToGrey(const RgbImage& image);

struct OcrText {
  std::string text;    // UTF-8, lines separated by '\n'
  int confidence = 0;  // Tesseract's mean word confidence, 0..100
};

// How Tesseract turns the picture black and white before reading it
// (its `thresholding_method`). One global threshold suits text on a flat
// background; a threshold per tile suits light text over a gradient, where a
// global one swallows the letters — and reads nothing on some flat ones.
enum class Binarization { kGlobalOtsu = 0, kTiledOtsu = 1 };

// One loaded model. Not thread-safe: one thread reads at a time.
class OcrReader {
 public:
  virtual ~OcrReader() = default;
  // kUnavailable when Tesseract fails on the picture.
  virtual Result<OcrText> Read(const GreyImage& image, Binarization binarization) = 0;
};

// True when the model's traineddata file is installed.
bool OcrModelInstalled(std::string_view model);

// Loads `model` ("eng", "fra", ...). kNotFound when it is not installed;
// kUnavailable when Tesseract cannot load it.
Result<std::unique_ptr<OcrReader>> OpenOcrReader(std::string_view model);

}  // namespace aiprod
