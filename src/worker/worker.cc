#include "worker/worker.h"

#include <thread>

namespace aiprod {

Worker::Worker(Store& store, const PipelineServices& services, StageFactory stages,
               WorkerOptions options)
    : store_(store),
      services_(services),
      stage_factory_(std::move(stages)),
      options_(std::move(options)) {}

void Worker::RequestStop() {
  stop_ = true;
  MutexLock lock(mu_);
  for (Runner* r : runners_) r->RequestStop();
  for (JobWaiter* w : waiters_) w->Interrupt();
}

void Worker::Run(const ListenerFactory& listeners) {
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, options_.concurrency); ++i) {
    threads.emplace_back([this, &listeners] {
      Runner runner(store_, services_, stage_factory_());
      auto waiter = MakeJobWaiter(options_.database_url);
      std::unique_ptr<ProgressListener> listener = listeners ? listeners() : nullptr;
      {
        MutexLock lock(mu_);
        runners_.push_back(&runner);
        waiters_.push_back(waiter.get());
        if (stop_) runner.RequestStop();
      }
      Loop(runner, *waiter, listener.get());
      MutexLock lock(mu_);
      std::erase(runners_, &runner);
      std::erase(waiters_, waiter.get());
    });
  }
  for (auto& t : threads) t.join();
  // Jobs leased ahead (queue.prefetch) and never started go back to the queue.
  if (Status st = store_.ReleasePrefetched(services_.clock->NowMs()); !st) {
    services_.log.Warn("could not give back prefetched jobs (their leases will expire)",
                       {{"error", st.error().ToString()}});
  }
}

Result<std::optional<JobState>> Worker::RunOne(Runner& runner, ProgressListener* listener) {
  try {
    return runner.RunNext(listener);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("stage threw: ") + e.what());
  } catch (...) {
    return Fail(ErrorCode::kInternal, "stage threw");
  }
}

void Worker::Loop(Runner& runner, JobWaiter& waiter, ProgressListener* listener) {
  const Logger& log = services_.log;
  auto poll = std::chrono::milliseconds(services_.config->queue.poll_ms);
  while (!stop_) {
    ++stats_.busy;
    auto ran = RunOne(runner, listener);
    --stats_.busy;
    if (!ran) {
      if (stop_) break;
      ++stats_.errors;
      log.Warn("job run stopped",
               {{"error", ran.error().ToString()}, {"code", CodeName(ran.error().code)}});
      // A database outage or a stage that threw: back off one poll interval
      // instead of spinning.
      if (ran.error().code == ErrorCode::kUnavailable || ran.error().code == ErrorCode::kInternal) {
        waiter.Wait(poll);
      }
      continue;
    }
    if (*ran) {
      ++stats_.claimed;
      if (**ran == JobState::kDelivered) ++stats_.delivered;
      if (**ran == JobState::kFailed || **ran == JobState::kQaFailed || **ran == JobState::kDead) {
        ++stats_.failed;
      }
      continue;
    }
    if (options_.exit_when_idle) break;
    waiter.Wait(poll);
  }
}

}  // namespace aiprod
