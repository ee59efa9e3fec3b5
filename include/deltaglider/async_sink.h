// AsyncSink: hands writes to another sink on a background thread, so the caller
// (a decoder) keeps computing while the previous bytes go to disk. Writes are
// gathered into buffers of `buffer_bytes`; at most two buffers are in flight, so
// memory stays bounded. The first error of the inner sink is returned by the next
// Write and by Finish(). Not thread-safe itself: one producer.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "deltaglider/stream.h"

namespace deltaglider {

class AsyncSink final : public ByteSink {
 public:
  explicit AsyncSink(ByteSink& inner, size_t buffer_bytes = 4 << 20);
  ~AsyncSink() override;  // waits for the writer; call Finish() to see its status
  AsyncSink(const AsyncSink&) = delete;
  AsyncSink& operator=(const AsyncSink&) = delete;

  Status Write(std::span<const std::byte> data) override;
  // Writes what is buffered, waits until everything reached the inner sink.
  Status Finish();

 private:
  void Submit();
  void Run();
  Status error() const;

  ByteSink& inner_;
  const size_t buffer_bytes_;
  std::vector<std::byte> current_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<std::byte>> queue_;
  bool closing_ = false;
  bool busy_ = false;
  Status status_;
  std::thread writer_;
};

}  // namespace deltaglider
