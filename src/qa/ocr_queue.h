// Reading each scene's on-screen text on a thread of its own while the video
// is still being scanned, so that OCR costs QA little more than the scan.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/thread_annotations.h"
#include "qa/ocr.h"

namespace aiprod {

class OcrQueue {
 public:
  // `max_cer`: a reading with a higher character error rate than this is
  // read again with the other binarization and the better one kept (the
  // first tried is the one that suits the scene's background: ocr.h).
  // `max_pending`: pictures waiting to be read before Add blocks (each is a
  // full-size grey picture: memory stays bounded).
  OcrQueue(std::string model, double max_cer, size_t max_pending = 4);
  ~OcrQueue();
  OcrQueue(const OcrQueue&) = delete;
  OcrQueue& operator=(const OcrQueue&) = delete;

  // Queues scene's picture with the texts expected on it.
  void Add(size_t scene, GreyImage image, std::vector<std::string> expected,
           bool uneven_background);
  // Waits for every reading: scene -> what was read, or the first error.
  Result<std::map<size_t, OcrText>> Finish();
  // Time the reading thread spent working (model load included); valid after Finish.
  double busy_s() const { return busy_s_; }

 private:
  struct Item {
    size_t scene;
    GreyImage image;
    std::vector<std::string> expected;
    Binarization first;
  };
  void Run();
  Status ReadOne(OcrReader& reader, const Item& item);

  const std::string model_;
  const double max_cer_;
  const size_t max_pending_;
  Mutex mu_;
  std::condition_variable changed_;
  std::deque<Item> pending_ GUARDED_BY(mu_);
  bool closed_ GUARDED_BY(mu_) = false;
  Status status_ GUARDED_BY(mu_);   // the first error
  std::map<size_t, OcrText> read_;  // written by the thread, read after join
  double busy_s_ = 0;               // likewise
  std::thread thread_;              // started by the first Add
};

}  // namespace aiprod
