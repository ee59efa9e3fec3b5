// What `deltaglider analyze` reports: the storage deltaglider would take for the
// plain objects under a prefix (a bucket filled by aws s3 cp, rclone, ...),
// predicted from a budgeted sample of real bytes measured with the codecs the
// write path would use, the rest extrapolated. Client::AnalyzeSavings computes
// it; it only ever reads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace deltaglider {

// One reference group as the write path would form it, or the objects no delta
// is made for.
struct SavingsRow {
  std::string label;  // "app/", "releases/*/{app.zip}", "(not delta-eligible)"
  std::string kind;   // "deltaspace", "family" or "direct"
  uint64_t files = 0;
  uint64_t original_bytes = 0;
  uint64_t predicted_bytes = 0;
  // How the prediction was reached: "sampled", "partly sampled", "by extension",
  // "full size".
  std::string basis;
  bool sampled = false;  // some of its bytes were measured
};

struct SavingsReport {
  std::vector<SavingsRow> rows;         // groups by label, then the not-eligible row if any
  uint64_t groups = 0;                  // reference groups among the rows
  uint64_t already_stored_objects = 0;  // objects deltaglider wrote (not counted in rows)
  uint64_t already_stored_bytes = 0;
};

struct AnalyzeOptions {
  uint64_t sample_bytes = 512ull << 20;  // downloaded to measure, in total
  int jobs = 4;                          // groups measured at once
  // Progress: bytes a sample will read (once per file, before the reads start)
  // and bytes read (as each group finishes). May be empty.
  std::function<void(uint64_t bytes)> on_planned;
  std::function<void(uint64_t bytes)> on_measured;
  // A group that could not be read (it is extrapolated instead). May be empty.
  std::function<void(std::string_view message)> on_warning;
};

// 1 - predicted/original, as a fraction (0 when original is 0; negative when
// deltaglider would take more).
double SavedFraction(uint64_t original_bytes, uint64_t predicted_bytes);

}  // namespace deltaglider
