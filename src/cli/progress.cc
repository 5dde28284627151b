#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace aiprod::cli {

TerminalProgress::TerminalProgress() : tty_(isatty(STDERR_FILENO) != 0) {}

TerminalProgress::~TerminalProgress() {
  if (open_line_) std::fputc('\n', stderr);
}

void TerminalProgress::Line(const std::string& text, bool final) {
  if (!tty_) return;
  std::fprintf(stderr, "\r\033[2K%s%s", text.c_str(), final ? "\n" : "");
  std::fflush(stderr);
  open_line_ = !final;
}

void TerminalProgress::OnStageStart(const Job&, std::string_view stage) {
  last_percent_ = -1;
  Line("  " + std::string(stage) + " ...", false);
}

void TerminalProgress::OnStageProgress(const Job&, std::string_view stage, double fraction) {
  int percent = static_cast<int>(fraction * 100);
  auto now = std::chrono::steady_clock::now();
  if (percent == last_percent_ || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_percent_ = percent;
  last_draw_ = now;
  Line("  " + std::string(stage) + " " + std::to_string(percent) + "%", false);
}

void TerminalProgress::OnStateChange(const Job&, JobState to) {
  Line("  -> " + std::string(StateName(to)), IsTerminal(to) || to == JobState::kAwaitingApproval);
}

}  // namespace aiprod::cli
