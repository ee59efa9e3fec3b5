// Test doubles for ports: a fixed clock and an ObjectStore decorator that counts
// calls and can fail chosen operations (fault injection only; real stores are
// tested through the conformance suite).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "deltaglider/ports/clock.h"
#include "deltaglider/ports/object_store.h"

namespace deltaglider::testing {

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }

 private:
  TimePoint now_;
};

class CountingStore final : public ObjectStore {
 public:
  explicit CountingStore(ObjectStore& inner) : inner_(inner) {}

  const std::string& bucket() const override { return inner_.bucket(); }
  Result<ObjectHead> Get(std::string_view key, ByteSink& sink) override {
    {
      std::lock_guard lock(mu_);
      ++gets_[std::string(key)];
    }
    return inner_.Get(key, sink);
  }
  Result<ObjectHead> Put(std::string_view key, ByteSource& body, const PutOptions& options) override {
    if (fail_puts_) return MakeError(ErrorCode::kUnavailable, "injected put failure");
    return inner_.Put(key, body, options);
  }
  Status List(const ListOptions& options, const ListVisitor& visit) override {
    return inner_.List(options, [&](const ListEntry& entry) {
      ++listed_;
      return visit(entry);
    });
  }
  Result<ObjectHead> Head(std::string_view key) override {
    ++heads_;
    return inner_.Head(key);
  }
  Status Delete(std::string_view key) override {
    {
      std::lock_guard lock(mu_);
      if (key == undeletable_) return MakeError(ErrorCode::kPermissionDenied, "injected: ", key);
    }
    return inner_.Delete(key);
  }
  Capabilities capabilities() const override { return inner_.capabilities(); }

  int gets(const std::string& key) {
    std::lock_guard lock(mu_);
    return gets_[key];
  }
  void set_fail_puts(bool fail) { fail_puts_ = fail; }
  // Delete of this key fails with kPermissionDenied.
  void set_undeletable(std::string key) {
    std::lock_guard lock(mu_);
    undeletable_ = std::move(key);
  }
  // Listing rows handed to callers and HEADs made, since construction.
  int listed() const { return listed_; }
  int heads() const { return heads_; }

 private:
  ObjectStore& inner_;
  std::mutex mu_;
  std::map<std::string, int> gets_;
  std::string undeletable_;
  std::atomic<bool> fail_puts_{false};
  std::atomic<int> listed_{0};
  std::atomic<int> heads_{0};
};

}  // namespace deltaglider::testing
