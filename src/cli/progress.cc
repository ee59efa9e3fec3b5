#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/output.h"

namespace deltaglider::cli {
namespace {

std::string Duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld", s / 60, s % 60);
  }
  return buffer;
}

}  // namespace

Progress::Progress(bool enabled, Kind kind) : enabled_(enabled), kind_(kind) {
  if (enabled_) thread_ = std::thread([this] { Loop(); });
}

Progress::~Progress() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mutex_);
  Erase();
}

bool Progress::StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void Progress::Planned(uint64_t bytes) {
  std::lock_guard lock(mutex_);
  ++files_total_;
  bytes_total_ += bytes;
}

void Progress::Finished(uint64_t bytes, std::optional<uint64_t> stored_bytes) {
  std::lock_guard lock(mutex_);
  ++files_done_;
  bytes_done_ += bytes;
  if (stored_bytes) {
    stored_logical_ += bytes;
    stored_bytes_ += *stored_bytes;
  }
}

void Progress::Step(std::string_view phase, uint64_t done, std::optional<uint64_t> total) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  const bool changed = phase != phase_ || done < phase_done_;  // a new phase, or a new pass
  if (changed) {
    phase_ = std::string(phase);
    phase_start_ = std::chrono::steady_clock::now();
  }
  phase_done_ = done;
  phase_total_ = total;
  if (changed) Draw();
}

void Progress::Above(const std::function<void()>& print) {
  std::lock_guard lock(mutex_);
  Erase();
  print();
}

void Progress::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    Draw();
    wake_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; });
  }
}

void Progress::Draw() {
  const std::string line = Line();
  if (line.empty()) return;
  std::cerr << '\r' << line;
  if (line.size() < drawn_width_)
    std::cerr << std::string(drawn_width_ - line.size(), ' ') << '\r' << line;
  std::cerr.flush();
  drawn_width_ = line.size();
}

// "encoding 256.0 MB/1.5 GB (48.1 MB/s), ETA 0:25"
std::string Progress::StepLine() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_start_).count();
  // A rate needs a little time to mean anything.
  const double rate = elapsed >= 0.5 ? static_cast<double>(phase_done_) / elapsed : 0;
  std::string line = phase_ + " " + HumanBytes(phase_done_);
  if (phase_total_) line += "/" + HumanBytes(*phase_total_);
  if (rate > 0) line += " (" + HumanBytes(static_cast<uint64_t>(rate)) + "/s)";
  if (rate > 0 && phase_total_ && *phase_total_ > phase_done_) {
    line += ", ETA " + Duration(static_cast<double>(*phase_total_ - phase_done_) / rate);
  }
  return line;
}

std::string Progress::Line() const {
  if (kind_ == Kind::kOneFile) return phase_.empty() ? "" : StepLine();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(bytes_done_) / elapsed : 0;
  std::string line = "Completed " + std::to_string(files_done_) + "/" +
                     std::to_string(files_total_) + " files, " + HumanBytes(bytes_done_) + "/" +
                     HumanBytes(bytes_total_) + " (" + HumanBytes(static_cast<uint64_t>(rate)) +
                     "/s)";
  if (rate > 0 && bytes_total_ > bytes_done_) {
    line += ", ETA " + Duration(static_cast<double>(bytes_total_ - bytes_done_) / rate);
  }
  if (stored_logical_ > 0 && stored_logical_ >= stored_bytes_) {
    line += ", saved " + Percent(stored_logical_ - stored_bytes_, stored_logical_);
  }
  return line;
}

void Progress::Erase() {
  if (drawn_width_ == 0) return;
  std::cerr << '\r' << std::string(drawn_width_, ' ') << '\r';
  std::cerr.flush();
  drawn_width_ = 0;
}

}  // namespace deltaglider::cli
