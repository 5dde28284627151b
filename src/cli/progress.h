// Progress on a terminal: the current stage, and percent while rendering.
// Silent when stderr is not a terminal (logs carry the same facts).
#pragma once

#include <chrono>
#include <string>

#include "pipeline/runner.h"

namespace aiprod::cli {

class TerminalProgress final : public ProgressListener {
 public:
  TerminalProgress();
  ~TerminalProgress() override;
  void OnStageStart(const Job& job, std::string_view stage) override;
  void OnStageProgress(const Job& job, std::string_view stage, double fraction) override;
  void OnStateChange(const Job& job, JobState to) override;

 private:
  void Line(const std::string& text, bool final);
  bool tty_;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point last_draw_{};
  bool open_line_ = false;
};

}  // namespace aiprod::cli
