// Group commit: items submitted while a batch is being written go out
// together in the next one, and a failing batch fails only its bad item.
#include "store/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace aiprod {
namespace {

struct Item {
  int value = 0;
  bool written = false;
};

TEST(GroupCommit, ItemsQueuedDuringAWriteShareTheNextBatch) {
  constexpr int kOthers = 6;
  std::atomic<int> submitting{0};
  std::mutex mu;
  std::vector<size_t> batch_sizes;
  GroupCommit<Item> commits([&](std::span<Item* const> batch) -> Status {
    bool first_batch = false;
    {
      std::lock_guard lock(mu);
      batch_sizes.push_back(batch.size());
      first_batch = batch_sizes.size() == 1;
    }
    if (first_batch) {
      // Hold the first batch until every other thread is about to submit.
      while (submitting.load() < kOthers) std::this_thread::yield();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    for (Item* i : batch) i->written = true;
    return {};
  });
  Item first{-1};
  std::thread lead([&] { EXPECT_TRUE(commits.Submit(first)); });
  while (true) {  // the first batch is being written
    std::lock_guard lock(mu);
    if (!batch_sizes.empty()) break;
  }
  std::vector<Item> items(kOthers);
  std::vector<std::thread> others;
  for (int i = 0; i < kOthers; ++i) {
    others.emplace_back([&, i] {
      items[i].value = i;
      ++submitting;
      EXPECT_TRUE(commits.Submit(items[i]));
    });
  }
  lead.join();
  for (auto& t : others) t.join();
  EXPECT_TRUE(first.written);
  for (const Item& i : items) EXPECT_TRUE(i.written) << i.value;
  std::lock_guard lock(mu);
  EXPECT_EQ(batch_sizes.front(), 1u);
  EXPECT_GT(*std::max_element(batch_sizes.begin() + 1, batch_sizes.end()), 1u)
      << "the items queued behind the first batch were written one by one";
  EXPECT_LT(batch_sizes.size(), static_cast<size_t>(kOthers + 1));
}

TEST(GroupCommit, ABadItemFailsAloneAndTheOthersLand) {
  std::atomic<int> batches{0};
  std::atomic<bool> hold{true};
  GroupCommit<Item> commits([&](std::span<Item* const> batch) -> Status {
    if (++batches == 1) {
      while (hold.load()) std::this_thread::yield();
    }
    for (Item* i : batch) {
      if (i->value == 13) return Fail(ErrorCode::kConflict, "13 is taken");
    }
    for (Item* i : batch) i->written = true;
    return {};
  });
  Item first{1};
  std::thread lead([&] { EXPECT_TRUE(commits.Submit(first)); });
  while (batches.load() == 0) std::this_thread::yield();
  std::vector<Item> items = {{12}, {13}, {14}};
  std::vector<Status> results(items.size());
  std::vector<std::thread> others;
  for (size_t i = 0; i < items.size(); ++i) {
    others.emplace_back([&, i] { results[i] = commits.Submit(items[i]); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let them queue
  hold = false;
  lead.join();
  for (auto& t : others) t.join();
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().code, ErrorCode::kConflict);
  EXPECT_TRUE(results[2]);
  EXPECT_TRUE(items[0].written);
  EXPECT_FALSE(items[1].written);
  EXPECT_TRUE(items[2].written);
}

}  // namespace
}  // namespace aiprod
