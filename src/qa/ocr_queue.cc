#include "qa/ocr_queue.h"

#include <algorithm>
#include <chrono>

#include "qa/text_match.h"

namespace aiprod {

OcrQueue::OcrQueue(std::string model, double max_cer, size_t max_pending)
    : model_(std::move(model)), max_cer_(max_cer), max_pending_(std::max<size_t>(1, max_pending)) {}

OcrQueue::~OcrQueue() { (void)Finish(); }

void OcrQueue::Add(size_t scene, GreyImage image, std::vector<std::string> expected,
                   bool uneven_background) {
  MutexLock lock(mu_);
  if (closed_) return;
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  changed_.wait(lock, [&]() REQUIRES(mu_) { return pending_.size() < max_pending_ || !status_; });
  if (!status_) return;  // reading already failed: the picture would be wasted
  pending_.push_back({scene, std::move(image), std::move(expected),
                      uneven_background ? Binarization::kTiledOtsu : Binarization::kGlobalOtsu});
  changed_.notify_all();
}

Result<std::map<size_t, OcrText>> OcrQueue::Finish() {
  {
    MutexLock lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  MutexLock lock(mu_);
  if (!status_) return Unexpected(status_.error());
  return read_;
}

void OcrQueue::Run() {
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<OcrReader> reader;
  Status status;
  for (;;) {
    Item item;
    {
      MutexLock lock(mu_);
      changed_.wait(lock, [&]() REQUIRES(mu_) { return !pending_.empty() || closed_; });
      if (pending_.empty()) break;
      item = std::move(pending_.front());
      pending_.pop_front();
      changed_.notify_all();
    }
    const auto started = Clock::now();
    if (!reader) {
      auto opened = OpenOcrReader(model_);
      if (opened) reader = std::move(*opened);
      if (!opened) status = Unexpected(opened.error());
    }
    if (status) status = ReadOne(*reader, item);
    busy_s_ += std::chrono::duration<double>(Clock::now() - started).count();
    if (!status) {
      MutexLock lock(mu_);
      status_ = status;
      pending_.clear();
      changed_.notify_all();
      break;
    }
  }
}

Status OcrQueue::ReadOne(OcrReader& reader, const Item& item) {
  AIPROD_ASSIGN(OcrText best, reader.Read(item.image, item.first));
  double cer = CharacterErrorRate(item.expected, best.text);
  if (cer > max_cer_) {
    const Binarization other = item.first == Binarization::kGlobalOtsu ? Binarization::kTiledOtsu
                                                                       : Binarization::kGlobalOtsu;
    AIPROD_ASSIGN(OcrText second, reader.Read(item.image, other));
    if (CharacterErrorRate(item.expected, second.text) < cer) best = std::move(second);
  }
  read_[item.scene] = std::move(best);
  return {};
}

}  // namespace aiprod
