// Reading the text in pictures with Tesseract (LSTM models from Debian's
// tesseract-ocr-<lang> packages), offline.
//
// Tesseract parallelises with OpenMP, which on a busy machine is several
// times slower than one thread, and OpenMP only honours OMP_THREAD_LIMIT read
// when the process starts. So unless this process already runs with
// OMP_THREAD_LIMIT set, ReadText hands the pictures to a helper: this
// executable re-run (/proc/self/exe, caught before main() by a constructor in
// ocr.cc) with OMP_THREAD_LIMIT=1, which loads the model once per batch.
//
// Thread-safe: calls share no state.
#pragma once

#include <cstdint>
#include <span>
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

// True when the model's traineddata file is installed.
bool OcrModelInstalled(std::string_view model);

// Reads each picture with `model` ("eng", "fra", ...): one result per picture.
// kNotFound when the model is not installed; kUnavailable when Tesseract or
// the helper fails.
Result<std::vector<OcrText>> ReadText(std::string_view model, std::span<const GreyImage> images);

}  // namespace aiprod
