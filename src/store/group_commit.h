// Group commit: callers that each need a short write transaction queue their
// item; one of them (the leader) writes everything queued so far in one
// transaction, so many items share one commit (one fsync) and writers in
// this process wait on their own flag instead of SQLite's busy handler.
// Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/thread_annotations.h"

namespace aiprod {

template <typename Item>
class GroupCommit {
 public:
  // Writes a batch in one transaction; all or nothing.
  using Writer = std::function<Status(std::span<Item* const> batch)>;

  explicit GroupCommit(Writer write) : write_(std::move(write)) {}

  // Blocks until `item` has been written (by this thread or a leader's
  // batch). When a batch fails, its items are written again one by one, so
  // that one bad item (a duplicate id) fails alone.
  Status Submit(Item& item) {
    auto slot = std::make_shared<Slot>();
    slot->item = &item;
    {
      MutexLock lock(mu_);
      pending_.push_back(slot);
      if (!flushing_) {
        flushing_ = true;
        slot->state = kLead;
      }
    }
    // A waiter sleeps on its own flag (a futex), not on the mutex: waking
    // it while holding the mutex made every woken caller block on the
    // mutex again, a second sleep and wake per item. std::atomic::wait
    // spins briefly before it sleeps; a condition variable per slot, which
    // sleeps at once, measured slower (docs/BENCHMARKS.md, "Queue").
    slot->state.wait(kQueued, std::memory_order_acquire);
    if (slot->state.load(std::memory_order_acquire) == kDone) return slot->status;
    Lead();
    return slot->status;
  }

 private:
  enum : int { kQueued, kLead, kDone };
  struct Slot {
    Item* item = nullptr;
    Status status;  // written before state becomes kDone
    std::atomic<int> state{kQueued};
  };

  // Writes everything queued (the leader's own slot among it), then hands
  // the lead to the first caller queued meanwhile.
  void Lead() {
    std::vector<std::shared_ptr<Slot>> batch;
    {
      MutexLock lock(mu_);
      batch.swap(pending_);
    }
    std::vector<Item*> items;
    items.reserve(batch.size());
    for (const auto& s : batch) items.push_back(s->item);
    Status st = write_(items);
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->status = st || batch.size() == 1 ? st : write_(std::span(&items[i], 1));
    }
    std::shared_ptr<Slot> next;
    {
      MutexLock lock(mu_);
      if (pending_.empty()) {
        flushing_ = false;
      } else {
        next = pending_.front();
      }
    }
    // The shared_ptrs keep each flag alive until its notify, even when its
    // caller has already seen kDone and returned.
    for (const auto& s : batch) Signal(*s, kDone);
    if (next) Signal(*next, kLead);
  }

  static void Signal(Slot& s, int state) {
    s.state.store(state, std::memory_order_release);
    s.state.notify_one();
  }

  Writer write_;
  Mutex mu_;
  std::vector<std::shared_ptr<Slot>> pending_ GUARDED_BY(mu_);
  bool flushing_ GUARDED_BY(mu_) = false;  // a leader is writing a batch
};

}  // namespace aiprod
