// Progress: the live status line of a transfer on stderr, redrawn in place with
// '\r' at most 10 times a second by its own thread: for a recursive transfer files
// done/total, bytes, rate, ETA and the savings so far; for one file the phase it
// is in (encoding, rebuilding, ...) with its bytes, rate and ETA. Draws nothing unless enabled (the
// caller decides: stderr is a terminal and neither --no-progress, --quiet nor
// --json was given). Never writes to stdout. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace deltaglider::cli {

class Progress {
 public:
  // kFiles counts files from the start; kOneFile draws once its first Step came.
  enum class Kind { kFiles, kOneFile };
  explicit Progress(bool enabled, Kind kind = Kind::kFiles);
  ~Progress();  // erases the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  static bool StderrIsTerminal();

  // One more file of `bytes` to do (the total grows while the listing streams).
  void Planned(uint64_t bytes);
  // A file finished. `stored_bytes` is what a store wrote for it (delta plus any
  // new reference), or nullopt when nothing was stored (downloads, deletes).
  void Finished(uint64_t bytes, std::optional<uint64_t> stored_bytes);
  // One file's transfer is in `phase`, `done` bytes into it (of `total`); the line
  // shows the phase from now on (drawn at once when the phase changes).
  void Step(std::string_view phase, uint64_t done, std::optional<uint64_t> total);
  // Runs `print` with the line erased, so other output never mixes into it.
  void Above(const std::function<void()>& print);

 private:
  void Loop();
  std::string Line() const;  // REQUIRES: mutex_ held
  std::string StepLine() const;  // REQUIRES: mutex_ held
  void Draw();                   // REQUIRES: mutex_ held
  void Erase();                  // REQUIRES: mutex_ held

  const bool enabled_;
  const Kind kind_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  size_t drawn_width_ = 0;
  uint64_t files_total_ = 0, files_done_ = 0;
  uint64_t bytes_total_ = 0, bytes_done_ = 0;
  uint64_t stored_logical_ = 0, stored_bytes_ = 0;  // over files a store wrote
  // One file's phase (empty: the line counts files), its bytes and when it began.
  std::string phase_;
  uint64_t phase_done_ = 0;
  std::optional<uint64_t> phase_total_;
  std::chrono::steady_clock::time_point phase_start_;
  std::thread thread_;
};

}  // namespace deltaglider::cli
