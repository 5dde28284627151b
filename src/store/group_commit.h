// Group commit: callers that each need a short write transaction queue their
// item; one of them (the leader) writes everything queued so far in one
// transaction, so many items share one commit (one fsync) and writers in
// this process wait on a condition variable instead of SQLite's busy
// handler. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "core/error.h"

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
    Slot slot;
    slot.item = &item;
    std::unique_lock lock(mu_);
    pending_.push_back(&slot);
    while (!slot.done) {
      if (flushing_) {
        slot.wake.wait(lock);
        continue;
      }
      flushing_ = true;
      std::vector<Slot*> batch;
      batch.swap(pending_);
      lock.unlock();
      std::vector<Item*> items;
      for (Slot* s : batch) items.push_back(s->item);
      Status st = write_(items);
      for (size_t i = 0; i < batch.size(); ++i) {
        batch[i]->status = st || batch.size() == 1 ? st : write_(std::span(&items[i], 1));
      }
      lock.lock();
      // Wakes only the written items' callers, and one queued caller to
      // lead the next batch: waking every waiter each time (notify_all)
      // cost each queued caller a futex round trip per batch for nothing.
      for (Slot* s : batch) {
        s->done = true;
        if (s != &slot) s->wake.notify_one();
      }
      flushing_ = false;
      if (!pending_.empty()) pending_.front()->wake.notify_one();
    }
    return slot.status;
  }

 private:
  struct Slot {
    Item* item = nullptr;
    bool done = false;             // guarded by mu_
    Status status;                 // written before done
    std::condition_variable wake;  // this caller's: its item is written, or it may lead
  };

  Writer write_;
  std::mutex mu_;
  std::vector<Slot*> pending_;  // guarded by mu_; slots live on their callers' stacks
  bool flushing_ = false;       // guarded by mu_: a leader is writing a batch
};

}  // namespace aiprod
